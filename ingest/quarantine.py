"""What ingest does with a bad row: the reason codes and the bad-row policy.

Reason codes are stable strings (they are stored with quarantined rows and
appear in reports), so never rename a value.

Which rows are checked for what (see ``ingest.stages``):

* every row: CSV structure, UTF-8, column count, truncated last row, field size;
* rows in scope (and sparse deactivation rows): NPI, duplicates, entity type,
  dates, taxonomy codes. A row out of scope is counted as filtered without
  content checks, which keeps the national fast path cheap.

Sparse deactivation rows (NPI and deactivation date, no entity type) deactivate
an NPI the store holds (counted as loaded: updated, or unchanged if already so)
and are otherwise filtered as ``deactivated_unknown_npi``: without an entity
type there is no record to build.

``INVALID_TAXONOMY`` is warning-level: the row is loaded without that taxonomy
slot, and the raw row is still kept in the quarantine table so the dropped code
is not lost. It is counted under ``warnings`` in the report, not ``quarantined``.

``DUPLICATE_NPI``: the first row of an NPI in a file is loaded; a later row of
the same NPI is quarantined (real NPPES files hold each NPI once, so a second
row means a broken file, and the first one may already be committed).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from directory.errors import InputError


class ReasonCode(str, enum.Enum):
    MISSING_NPI = "missing_npi"
    INVALID_NPI = "invalid_npi"
    BAD_ENTITY_TYPE = "bad_entity_type"
    COLUMN_COUNT = "column_count"  # extra or missing columns in a row
    MALFORMED_CSV = "malformed_csv"  # the csv module could not parse the row (NUL byte, runaway quote)
    TRUNCATED_ROW = "truncated_row"  # the last row of the file is cut off
    INVALID_UTF8 = "invalid_utf8"
    OVERSIZED_FIELD = "oversized_field"
    INVALID_DATE = "invalid_date"  # not MM/DD/YYYY
    IMPOSSIBLE_DATE = "impossible_date"  # 02/30/2020, before 1900, in the future
    INVALID_TAXONOMY = "invalid_taxonomy"  # warning: not a NUCC code, slot dropped
    DUPLICATE_NPI = "duplicate_npi"
    # reference files of a bundle (pl_pfile, othername_pfile) and the deactivation report
    MISSING_VALUE = "missing_value"  # a required column is empty
    INVALID_NAME_TYPE = "invalid_name_type"  # othername type code not 3, 4 or 5
    # other sources
    INVALID_VALUE = "invalid_value"  # a value outside its column's vocabulary
    REGISTRY_REFUSED = "registry_refused"  # the NPI Registry API answered the lookup with Errors
    INVALID_REGISTRY_RESULT = "invalid_registry_result"  # an NPI Registry result that cannot be mapped
    # mapped source files (rosters, licence board files, site lists: ingest.mapping)
    AMBIGUOUS_DATE = "ambiguous_date"  # reads two ways: day-first only, or a two-digit year of two centuries
    INVALID_ZIP = "invalid_zip"  # warning: not a US ZIP, the value is dropped
    INVALID_PHONE = "invalid_phone"  # warning: not a 10-digit North American phone, the value is dropped
    OUT_OF_RANGE = "out_of_range"  # a number outside what its measure allows (PHQ-9 0..27, a rate 0..1)
    DUPLICATE_RECORD_ID = "duplicate_record_id"  # a record id on an earlier row of the same file


#: Codes that keep the row (loaded) and only record a warning.
WARNING_CODES: frozenset[ReasonCode] = frozenset(
    {ReasonCode.INVALID_TAXONOMY, ReasonCode.INVALID_ZIP, ReasonCode.INVALID_PHONE}
)


class FilterReason(str, enum.Enum):
    """Why a good row was not loaded."""

    OUT_OF_SCOPE = "out_of_scope"
    #: A sparse deactivation row (NPI and deactivation date only) for an NPI the
    #: store does not hold: there is nothing to deactivate and not enough to
    #: build a record (no entity type), so it is counted, not loaded.
    DEACTIVATED_UNKNOWN_NPI = "deactivated_unknown_npi"
    #: A pl_pfile, othername_pfile or deactivation-report row for an NPI the
    #: store does not hold (out of scope, or never enumerated in a loaded file).
    NPI_NOT_IN_STORE = "npi_not_in_store"
    #: An othername_pfile row whose NPI is an individual (the file is for organizations).
    NOT_AN_ORGANIZATION = "not_an_organization"
    #: A row of a file provnet reads but does not load (endpoint_pfile).
    FILE_NOT_LOADED = "file_not_loaded"
    #: An NPI the NPI Registry API does not return: deactivated (it never
    #: returns those) or never issued.
    NOT_IN_REGISTRY = "not_in_registry"
    #: An exclusion-list row that names no provider of the directory: the row
    #: is kept as an unmatched exclusion record, so that a later NPPES load
    #: (then ``provnet exclusions match``) or a re-run of the list can link it.
    NO_DIRECTORY_MATCH = "no_directory_match"


class BadRowPolicy(str, enum.Enum):
    FAIL_FAST = "fail_fast"  # keep the bad row in quarantine, then stop the run with SourceFormatError
    QUARANTINE = "quarantine"  # keep the bad row with its reason and go on (default)
    IGNORE = "ignore"  # count the bad row by reason and go on; the row is not kept

    @classmethod
    def parse(cls, value: BadRowPolicy | str) -> BadRowPolicy:
        """A policy or its name; ``fail-fast`` and ``FAIL_FAST`` are accepted too."""
        if isinstance(value, cls):
            return value
        try:
            return cls(str(value).strip().lower().replace("-", "_"))
        except ValueError:
            names = ", ".join(p.value for p in cls)
            raise InputError(f"unknown bad-row policy {value!r}: use one of {names}") from None


#: Longest value accepted in one field; the longest legitimate NPPES value is
#: far below this (addresses are 55 characters, names 70).
MAX_FIELD_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a row is rejected (or, for a warning code, flagged)."""

    code: ReasonCode
    detail: str

    @property
    def is_warning(self) -> bool:
        return self.code in WARNING_CODES
