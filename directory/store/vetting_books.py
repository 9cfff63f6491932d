"""The store port's vetting half (issue 9 point 4): each network's vetting
criteria, and each provider's vetting results per network with their history.
``Store`` inherits it; adapters implement its primitives like the others (one
round trip each).

* Criteria are kept per network id, ``""`` being the default criteria; setting
  them replaces what was there (who set them and when is kept with them).
* Results are append-only: :meth:`record_vetting` adds a result to a
  provider's history for a network only when it differs from the latest one
  stored (another fingerprint of the evidence, or another outcome), numbering
  them from 1; the same result recorded twice, or by two callers at once, is
  stored once.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from datetime import date

from ..errors import InputError
from ..model import VettingCriteria, VettingRecord

#: Most results of one provider and network :meth:`VettingBooks.vetting_results` returns.
MAX_HISTORY = 1000


class VettingBooks(abc.ABC):
    def _trip(self) -> None:  # pragma: no cover - Store counts round trips
        raise NotImplementedError

    def set_vetting_criteria(self, criteria: VettingCriteria) -> None:
        """Store the criteria of ``criteria.network_id`` (``""``: the default),
        replacing any. NotFound if the network does not exist."""
        self._trip()
        self._set_vetting_criteria(criteria)

    def vetting_criteria(self, network_ids: Iterable[str] | None = None) -> dict[str, VettingCriteria]:
        """Stored criteria by network id (``""``: the default); every one when None."""
        self._trip()
        return self._vetting_criteria(None if network_ids is None else sorted(set(network_ids)))

    def record_vetting(self, records: Sequence[VettingRecord]) -> int:
        """Append each result to its provider's history for its network, unless
        the latest stored result has the same fingerprint and digest; returns how
        many were appended. The last of two results for one provider and network
        in a batch wins. NotFound if a network (other than ``""``) does not exist."""
        latest: dict[tuple[str, str], VettingRecord] = {}
        for r in records:
            latest[(r.network_id, r.npi)] = r
        if not latest:
            return 0
        self._trip()
        return self._record_vetting([latest[k] for k in sorted(latest)])

    def vetting_results(self, network_id: str, npis: Iterable[str], latest: int = 1) -> dict[str, list[VettingRecord]]:
        """The ``latest`` newest stored results of each NPI for the network,
        newest first; NPIs with none are absent."""
        if not 1 <= latest <= MAX_HISTORY:
            raise InputError(f"latest must be between 1 and {MAX_HISTORY}")
        wanted = sorted(set(npis))
        if not wanted:
            return {}
        self._trip()
        return self._vetting_results(network_id, wanted, latest)

    def vetting_history(self, network_id: str, npi: str, limit: int = 100) -> list[VettingRecord]:
        """A provider's results for the network, newest first."""
        return self.vetting_results(network_id, [npi], limit).get(npi, [])

    def newest_offering_dates(self, sources: Iterable[str]) -> dict[str, date]:
        """The newest retrieval date of any treatment offering each of ``sources``
        gave (sources with none are absent): when a site list (such as the REMS
        list) was last loaded, so that a provider's absence from it means something."""
        wanted = sorted(set(sources))
        if not wanted:
            return {}
        self._trip()
        return self._newest_offering_dates(wanted)

    @abc.abstractmethod
    def _set_vetting_criteria(self, criteria: VettingCriteria) -> None: ...
    @abc.abstractmethod
    def _vetting_criteria(self, network_ids: list[str] | None) -> dict[str, VettingCriteria]: ...
    @abc.abstractmethod
    def _record_vetting(self, records: list[VettingRecord]) -> int:
        """See :meth:`record_vetting`; ``records`` has one result per (network, NPI), sorted."""

    @abc.abstractmethod
    def _newest_offering_dates(self, sources: list[str]) -> dict[str, date]: ...
    @abc.abstractmethod
    def _vetting_results(self, network_id: str, npis: list[str], latest: int) -> dict[str, list[VettingRecord]]: ...
