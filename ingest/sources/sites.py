"""A list of treatment sites (``provnet ingest sites --kind ...``), read
through a column mapping (canonical fields in ``ingest.mapping.FIELDS``):

* ``tms``: TMS sites, with the device and the protocols they run;
* ``esketamine_rems``: esketamine (Spravato) REMS-certified healthcare
  settings, with the setting type and the certification date; a list of this
  kind counts as the REMS list, authoritative for esketamine, whatever name it
  is loaded under (``directory.services.fact_status``);
* ``iv_ketamine``: IV ketamine sites, with the medical director and the date
  the protocol was attested.

A row must name the site (its name or NPI), else it is quarantined
``missing_value``. Its fact, once resolution links it to a provider: the
treatment offering at the site's location (and the location with the list's
phone).
"""

from __future__ import annotations

from collections.abc import Mapping

from directory.errors import InputError

from ..quarantine import Problem, ReasonCode
from .records import MappedSource

SITE_KINDS = ("tms", "esketamine_rems", "iv_ketamine")


class Sites(MappedSource):
    kind = "tms"  # each instance says which list it reads
    default_method = "site_list"
    default_confidence = 0.9
    #: The REMS list is the registry's own record of certified settings.
    confidences = {"tms": 0.9, "esketamine_rems": 0.95, "iv_ketamine": 0.85}

    def __init__(self, path, mapping, source, *, kind: str, confidence: float | None = None, **options):
        if kind not in SITE_KINDS:
            raise InputError(f"unknown kind of site list {kind!r}: use one of {', '.join(SITE_KINDS)}")
        self.kind = kind  # type: ignore[misc]
        super().__init__(
            path, mapping, source, confidence=self.confidences[kind] if confidence is None else confidence, **options
        )

    def names_someone(self, values: Mapping[str, str]) -> Problem | None:
        if values.get("site_name") or values.get("npi"):
            return None
        return Problem(ReasonCode.MISSING_VALUE, "the row names no site: no site name, no NPI")
