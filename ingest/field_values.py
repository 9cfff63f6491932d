"""Pure parsers for the values of mapped source files (rosters, licence board
files, site lists): dates, ZIP codes, phones, free-text person names and
one-line street addresses.

Every function takes the cell as text and either returns the canonical value or
raises :class:`ingest.normalize.RowRejected` with a reason code. Nothing here
guesses: a date that reads two ways, or names no calendar day, is a problem for
the caller's bad-row policy, not a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .normalize import RowRejected
from .quarantine import Problem, ReasonCode

# ---------------------------------------------------------------------- dates
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_ISO_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_US = re.compile(r"^(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?$")
EARLIEST_YEAR = 1900
#: A two-digit year is read in the one century that puts the date inside this
#: window around today: past-only fields (issue, certification) look back 100
#: years and never forward; fields that may lie ahead (expiry, end of a
#: contract) look 50 years either way. A year that fits both centuries is ambiguous.
PAST_WINDOW_YEARS = 100
FUTURE_WINDOW_YEARS = 50


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def parse_date(text: str | None, *, today: date, future_ok: bool, field: str = "date") -> date | None:
    """A date written ``YYYY-MM-DD`` (ISO, also ``YYYYMMDD`` and with a time of
    day as spreadsheets export it) or ``MM/DD/YYYY``, ``M/D/YY`` (US, ``-``
    also accepted as separator); ``None`` for an empty cell or ``00000000``.

    Raises RowRejected: ``invalid_date`` for any other form, ``impossible_date``
    for a day the calendar does not have, a year before 1900, or (unless
    ``future_ok``) a day after ``today``; ``ambiguous_date`` for a US-form date
    that only reads day-first (13/04/2021) and for a two-digit year that fits
    both centuries of its window.
    """
    text = (text or "").strip()
    if not text or text.strip("0") == "":
        return None
    match = _ISO.match(text) or _ISO_BASIC.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _checked(year, month, day, text, today, future_ok, field)
    match = _US.match(text)
    if not match:
        raise RowRejected(
            Problem(ReasonCode.INVALID_DATE, f"{field} {text!r} is neither YYYY-MM-DD nor MM/DD/YYYY (or M/D/YY)")
        )
    month_text, _, day_text, year_text = match.groups()
    m, d = int(month_text), int(day_text)
    if m > 12:
        if 1 <= d <= 12 and m <= 31:
            raise RowRejected(
                Problem(ReasonCode.AMBIGUOUS_DATE, f"{field} {text!r} only reads day-first; the file's dates are US")
            )
        raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{field} {text!r} has no month {m}"))
    if len(year_text) == 4:
        return _checked(int(year_text), m, d, text, today, future_ok, field)
    return _two_digit_year(int(year_text), m, d, text, today, future_ok, field)


def _checked(year: int, month: int, day: int, text: str, today: date, future_ok: bool, field: str) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{field} {text!r} is not a calendar date")) from None
    if year < EARLIEST_YEAR:
        raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{field} {text!r} is before {EARLIEST_YEAR}"))
    if not future_ok and value > today:
        raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{field} {text!r} is in the future"))
    return value


def _two_digit_year(yy: int, month: int, day: int, text: str, today: date, future_ok: bool, field: str) -> date:
    if future_ok:
        low, high = _shift_years(today, -FUTURE_WINDOW_YEARS), _shift_years(today, FUTURE_WINDOW_YEARS)
    else:
        low, high = _shift_years(today, -PAST_WINDOW_YEARS), today
    fits = []
    for century in (1900, 2000):
        try:
            candidate = date(century + yy, month, day)
        except ValueError:
            raise RowRejected(Problem(ReasonCode.IMPOSSIBLE_DATE, f"{field} {text!r} is not a calendar date")) from None
        if low <= candidate <= high:
            fits.append(candidate)
    if len(fits) == 1:
        return fits[0]
    if fits:
        raise RowRejected(
            Problem(ReasonCode.AMBIGUOUS_DATE, f"{field} {text!r}: the year could be {fits[0].year} or {fits[1].year}")
        )
    raise RowRejected(
        Problem(ReasonCode.IMPOSSIBLE_DATE, f"{field} {text!r} falls outside {low.isoformat()}..{high.isoformat()}")
    )


# ------------------------------------------------------------------ ZIP codes
_ZIP_PLUS4 = re.compile(r"^(\d{3,5})[- ](\d{4})$")


def zip_code(text: str | None) -> str:
    """``02139`` or ``02139-1234`` from a US ZIP as files hold it: ZIP+4 with or
    without its hyphen, and a spreadsheet's number with the leading zeros
    dropped (``2139`` -> ``02139``, ``21391234`` -> ``02139-1234``; only ZIPs
    of the 005-099 range lose two). "" for an empty cell; RowRejected
    (``invalid_zip``) for anything else (a foreign postal code)."""
    raw = " ".join((text or "").split())
    if not raw:
        return ""
    compact = raw.replace(" ", "").replace("-", "")
    match = _ZIP_PLUS4.match(raw)
    if not compact.isdigit():
        zip5, plus4 = "", ""
    elif match:
        zip5, plus4 = match.group(1).zfill(5), match.group(2)
    elif 3 <= len(compact) <= 5:
        zip5, plus4 = compact.zfill(5), ""
    elif 7 <= len(compact) <= 9:  # ZIP+4 written as one number
        compact = compact.zfill(9)
        zip5, plus4 = compact[:5], compact[5:]
    else:
        zip5, plus4 = "", ""
    if not zip5 or zip5 == "00000" or (zip5[:2] == "00" and zip5[2] < "5"):  # only 005xx-009xx lose two zeros
        raise RowRejected(Problem(ReasonCode.INVALID_ZIP, f"{raw!r} is not a US ZIP code"))
    return f"{zip5}-{plus4}" if plus4 else zip5


# --------------------------------------------------------------------- phones
_EXTENSION = re.compile(r"(?:\s*(?:ext\.?|extension|x|#)\s*\d+)\s*$", re.IGNORECASE)


def phone(text: str | None) -> str:
    """The ten digits of a North American number written any common way
    (``(617) 555-1212``, ``617.555.1212``, ``+1 617 555 1212``,
    ``1-617-555-1212``, ``6175551212``); an extension (``x204``, ``ext. 3``) is
    dropped. "" for an empty cell; RowRejected (``invalid_phone``) otherwise."""
    raw = (text or "").strip()
    if not raw:
        return ""
    body = _EXTENSION.sub("", raw)
    digits = re.sub(r"\D", "", body)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    # NANP: neither the area code nor the exchange starts with 0 or 1
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        raise RowRejected(Problem(ReasonCode.INVALID_PHONE, f"{raw!r} is not a 10-digit North American phone"))
    return digits


# ---------------------------------------------------------------- person names
SUFFIXES = {"JR": "JR", "SR": "SR", "II": "II", "III": "III", "IV": "IV", "2ND": "II", "3RD": "III"}
PREFIXES = frozenset("DR MR MRS MS MISS MX PROF REV".split())
# Credentials and post-nominals as rosters write them (after removing dots and hyphens).
CREDENTIALS = frozenset(
    """MD DO PHD PSYD EDD DNP MSN BSN RN APRN ARNP CRNP NP FNP PMHNP PMHNPBC FNPBC BC CNS PA PAC
    LCSW LICSW LMSW LSW LPC LPCC LMHC LMFT LCPC LADC CADC MSW MA MS MED MBA MPH DC DDS DMD OD
    FAPA DFAPA FACP ABPN BCBA NCC CRNA RPH PHARMD LP LCP LPCS LCMHC LCADC LISW LISWS LPCMH""".split()
)
# Lower-case-able surname particles ("Maria de la Cruz" keeps "DE LA CRUZ").
PARTICLES = frozenset("DE DEL DELA LA LE DA DI DOS DU VAN VON DER DEN ST SAINT BIN IBN AL EL".split())


@dataclass(frozen=True, slots=True)
class PersonName:
    first: str = ""
    middle: str = ""
    last: str = ""
    suffix: str = ""  # JR, SR, II, III, IV
    credential: str = ""  # as written, several joined by ", "


def _key(token: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", token.upper())


def _credential_key(token: str) -> str:
    """The credential a token spells, or "": "PMHNP-BC", "M.D.", "LCSW-C" (a state's
    variant letter after a known credential) and "MD/PhD" all count."""
    key = _key(token)
    if key in CREDENTIALS:
        return key
    parts = [_key(p) for p in re.split(r"[-/]", token) if _key(p)]
    if len(parts) > 1 and parts[0] in CREDENTIALS and all(p in CREDENTIALS or len(p) == 1 for p in parts[1:]):
        return key
    return ""


def parse_person_name(text: str | None) -> PersonName:
    """A free-text person name in any of the layouts rosters use, split into parts:

    * ``Last, First M`` (``Smith, John A. Jr., MD``; ``Smith Jr, John``)
    * ``First Last, CRED`` (``John Smith, PMHNP-BC``; ``Dr. John Smith MD``)
    * ``First M. Last`` (``John A. Smith``; ``Maria de la Cruz``)
    * ``LAST FIRST M`` (``SMITH JOHN A``: no comma, and the last word alone is an initial)

    Titles are dropped; suffixes (Jr, Sr, II, III, IV) and credentials are
    returned apart. A lone two-word name without a comma is read ``First Last``;
    resolution compares first and last names crosswise too, so the other
    reading still matches.
    """
    raw = " ".join((text or "").replace("\u00a0", " ").split())
    if not raw:
        return PersonName()
    segments = [s.strip() for s in raw.split(",") if s.strip()]
    suffix = ""
    credentials: list[str] = []
    names: list[list[str]] = []
    for seg in segments:
        tokens = seg.replace(";", " ").split()
        keys = [_key(t) for t in tokens]
        if keys and all(_credential_key(t) or k in SUFFIXES for t, k in zip(tokens, keys)) and names:
            for t, k in zip(tokens, keys):
                if k in SUFFIXES:
                    suffix = SUFFIXES[k]
                else:
                    credentials.append(t.strip("."))
            continue
        names.append(tokens)
    if not names:
        return PersonName(credential=", ".join(credentials))

    def strip_affixes(tokens: list[str], trailing_credentials: bool) -> list[str]:
        nonlocal suffix
        kept = [t for t in tokens if _key(t)]
        while kept and _key(kept[0]) in PREFIXES and len(kept) > 1:
            kept.pop(0)
        # credentials and suffixes are stripped only from the end of a segment, so
        # a surname that happens to look like one ("Ma", "Do") survives in front
        while len(kept) > 1:
            k = _key(kept[-1])
            if k in SUFFIXES:
                suffix = SUFFIXES[k]
            elif trailing_credentials and _credential_key(kept[-1]) and len(kept) > 2:  # "Lin Ma" keeps its "Ma"
                credentials.insert(0, kept[-1].strip("."))
            else:
                break
            kept.pop()
        return kept

    if len(names) >= 2:  # Last, First M [, more given names]
        last_tokens = strip_affixes(names[0], trailing_credentials=False)
        given = strip_affixes([t for seg in names[1:] for t in seg], trailing_credentials=True)
        first, middle = (given[0], given[1:]) if given else ("", [])
        return PersonName(
            _clean(first), _clean(" ".join(middle)), _clean(" ".join(last_tokens)), suffix, ", ".join(credentials)
        )
    tokens = strip_affixes(names[0], trailing_credentials=True)
    if len(tokens) == 1:
        return PersonName(last=_clean(tokens[0]), suffix=suffix, credential=", ".join(credentials))
    initial = [len(_key(t)) == 1 for t in tokens]
    if len(tokens) >= 3 and initial[-1] and not initial[0] and not initial[1]:
        # LAST FIRST M: the trailing initial shows the layout
        first, middle, last = tokens[1], tokens[2:], tokens[:1]
    else:
        last_start = len(tokens) - 1
        while last_start > 1 and _key(tokens[last_start - 1]) in PARTICLES:
            last_start -= 1
        first, middle, last = tokens[0], tokens[1:last_start], tokens[last_start:]
    return PersonName(_clean(first), _clean(" ".join(middle)), _clean(" ".join(last)), suffix, ", ".join(credentials))


def _clean(text: str) -> str:
    # a period after an initial or abbreviation is not part of the name
    return " ".join(t.strip(".") for t in text.split() if t.strip("."))


# ------------------------------------------------------------------ addresses
_UNIT_ONE = (
    r"(?:(?:SUITE|STE|UNIT|APT|APARTMENT|FLOOR|FLR|FL|BLDG|BUILDING|ROOM|RM|DEPT)\.?\s*#?\s*"
    r"(?:[A-Z]?-?\d+[A-Z]?(?:-\d+)?|[A-Z])"
    r"|#\s*[A-Z]?-?\d+[A-Z]?(?:-\d+)?"
    r"|\d+(?:ST|ND|RD|TH)\s+(?:FLOOR|FL))"
)
#: line 1, then one or more unit designators with their numbers, to the end
_WITH_UNIT = re.compile(rf"^(?P<line1>.*?)[\s,]+(?P<unit>{_UNIT_ONE}(?:[\s,]+{_UNIT_ONE})*)\s*$", re.IGNORECASE)
_UNIT_FIRST = re.compile(rf"^(?P<unit>{_UNIT_ONE}(?:[\s,]+{_UNIT_ONE})*)\s*,\s*(?P<line1>.+)$", re.IGNORECASE)


def split_address(text: str | None) -> tuple[str, str]:
    """(line 1, line 2) of a one-line street address: unit designators with
    their numbers at the end (``Suite 200``, ``Ste. 4B``, ``#200``, ``Fl 3``,
    ``3rd Floor``, ``Bldg C``) become line 2, and ``Suite 200, 123 Main St``
    (unit first) is turned round. A designator without a number is a street
    word ("100 Unit Road")."""
    raw = " ".join((text or "").split()).strip(" ,")
    if not raw:
        return "", ""
    match = _WITH_UNIT.match(raw)
    if match and match.group("line1").strip(" ,"):
        return match.group("line1").strip(" ,"), match.group("unit").strip(" ,")
    match = _UNIT_FIRST.match(raw)
    if match:
        return match.group("line1").strip(" ,"), match.group("unit").strip(" ,")
    return raw, ""
