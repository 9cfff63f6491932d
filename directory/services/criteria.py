"""Vetting criteria: what a network requires of its providers, as data.

Criteria are a JSON object (the file ``directory/data/vetting_criteria.json``
holds the bundled default)::

    {
      "required_checks": ["active_npi", "taxonomy_fit", "state_license", "not_excluded"],
      "accepted_license_statuses": ["active"],
      "required_exclusion_lists": ["LEIE"],
      "min_trd_expertise": 0,
      "max_fact_age_days": 90
    }

* ``required_checks``: checks of the vetting checklist the network requires, of
  ``active_npi``, ``taxonomy_fit``, ``state_license``, ``not_excluded``,
  ``board_certification``, ``trd_capability``. ``not_excluded`` is always
  required (an exclusion in force fails vetting under any criteria), so it
  must be listed.
* ``accepted_license_statuses``: licence statuses that count as good (lower
  case); a licence with another known status fails ``state_license``.
* ``required_exclusion_lists``: lists (``LEIE``, ``SAM``, a state list) that must
  have been loaded, within ``max_fact_age_days``, for ``not_excluded`` to pass.
* ``min_trd_expertise``: 0 to 100; above 0 the ``trd_expertise`` check is
  required, and a lower score needs review.
* ``max_fact_age_days``: 1 to 3650, or null for no limit: older evidence cannot
  verify anything (90 days by default: the No Surprises Act's verification cycle).

Each network may have its own; where it has none, the **default criteria**
apply (also to navigators' general vetting): the stored default if one was set
(network id ``""``), else the bundled file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from importlib import resources
from typing import Any

from scoring import CHECKS, MANDATORY_CHECKS

from ..errors import InputError, NotFound, quoted
from ..model import VettingCriteria
from ..store import Store
from ..store.vetting_codec import criteria_dict

FIELDS = (
    "required_checks",
    "accepted_license_statuses",
    "required_exclusion_lists",
    "min_trd_expertise",
    "max_fact_age_days",
)
#: Most items in one list of the criteria, and the longest item.
MAX_ITEMS, MAX_ITEM = 20, 40
MAX_AGE_DAYS = 3650
#: Longest "who set the criteria" label kept with them.
MAX_SETTER = 200


def as_dict(criteria: VettingCriteria) -> dict[str, Any]:
    """The criteria in their JSON format."""
    return criteria_dict(criteria)


def parse_criteria(
    data: Mapping[str, Any], *, network_id: str = "", set_by: str = "", set_on: date | None = None
) -> VettingCriteria:
    """Criteria from their JSON format; InputError naming the field at fault."""
    if not isinstance(data, Mapping):
        raise InputError("criteria must be a JSON object")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise InputError(f"unknown criteria field {quoted(unknown[0])}: the fields are {', '.join(FIELDS)}")
    missing = [f for f in FIELDS if f not in data]
    if missing:
        raise InputError(f"criteria need every field: missing {', '.join(missing)}")
    checks = _names(data["required_checks"], "required_checks", lower=False)
    for name in checks:
        if name not in CHECKS:
            raise InputError(f"required_checks: unknown check {quoted(name)}: the checks are {', '.join(CHECKS)}")
    for name in MANDATORY_CHECKS:
        if name not in checks:
            raise InputError(
                f"required_checks must include {name}: an exclusion in force fails vetting under any criteria"
            )
    statuses = _names(data["accepted_license_statuses"], "accepted_license_statuses", lower=True)
    if not statuses:
        raise InputError("accepted_license_statuses must name at least one status (such as active)")
    lists = _names(data["required_exclusion_lists"], "required_exclusion_lists", lower=False)
    minimum = data["min_trd_expertise"]
    if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or not 0 <= minimum <= 100:
        raise InputError("min_trd_expertise must be a number from 0 to 100")
    age = data["max_fact_age_days"]
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 1 <= age <= MAX_AGE_DAYS):
        raise InputError(f"max_fact_age_days must be a whole number of days from 1 to {MAX_AGE_DAYS}, or null")
    if len(set_by) > MAX_SETTER:
        raise InputError(f"the name of who set the criteria is longer than {MAX_SETTER} characters")
    return VettingCriteria(
        required_checks=tuple(c for c in CHECKS if c in checks),  # in checklist order
        accepted_license_statuses=tuple(sorted(statuses)),
        required_exclusion_lists=tuple(sorted(lists)),
        min_trd_expertise=float(minimum),
        max_fact_age_days=age,
        network_id=network_id,
        set_by=set_by,
        set_on=set_on,
    )


def _names(value: Any, field: str, *, lower: bool) -> set[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{field} must be a list of strings")
    if len(value) > MAX_ITEMS:
        raise InputError(f"{field} may name at most {MAX_ITEMS} items")
    cleaned = {v.strip().lower() if lower else v.strip() for v in value}
    if "" in cleaned:
        raise InputError(f"{field} may not hold an empty name")
    if any(len(v) > MAX_ITEM for v in cleaned):
        raise InputError(f"{field}: a name is longer than {MAX_ITEM} characters")
    return cleaned


def bundled_default() -> VettingCriteria:
    """The default criteria shipped with provnet (``directory/data/vetting_criteria.json``)."""
    text = resources.files("directory").joinpath("data/vetting_criteria.json").read_text(encoding="utf-8")
    return parse_criteria(json.loads(text), set_by="provnet")


def default_criteria(store: Store) -> VettingCriteria:
    """The stored default criteria, else the bundled ones."""
    return store.vetting_criteria([""]).get("") or bundled_default()


def criteria_of(store: Store, network_id: str | None) -> VettingCriteria:
    """The criteria that apply to the network: its own, else the default (whose
    ``network_id`` is ``""``, which is how a caller tells them apart). None or
    ``""``: the default. NotFound if the network does not exist."""
    if not network_id:
        return default_criteria(store)
    if not store.networks([network_id]):
        raise NotFound(f"no network {network_id[:200]!r}")
    found = store.vetting_criteria([network_id, ""])
    return found.get(network_id) or found.get("") or bundled_default()


def store_criteria(
    store: Store, network_id: str | None, data: Mapping[str, Any] | VettingCriteria, *, actor: str, today: date
) -> VettingCriteria:
    """Validate and store the criteria of a network (None or ``""``: the
    default); returns them as stored. Use ``network_vetting.set_criteria``,
    which also brings the network's results up to date."""
    if isinstance(data, VettingCriteria):
        data = as_dict(data)
    criteria = parse_criteria(data, network_id=network_id or "", set_by=(actor or "").strip(), set_on=today)
    store.set_vetting_criteria(criteria)
    return criteria
