"""Entity-resolution keys: names, organizations, addresses, phones, licences.

These are comparison keys, not display values: they throw away whatever two
sources are allowed to disagree on (case, accents, punctuation, credentials,
legal-form suffixes, street-suffix spelling, suite formats) so the comparison
stage only sees real differences. Every function takes ``str | None`` and
returns ``""`` for "nothing usable", never raises on odd input.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Credentials and post-nominals seen in NPPES and rosters; stripped from person names.
CREDENTIALS = frozenset(
    """MD DO PHD PSYD EDD DNP MSN BSN RN APRN ARNP CRNP NP FNP PMHNP PMHNPBC BC FNPBC CNS PA PAC
    LCSW LICSW LMSW LSW LPC LPCC LMHC LMFT LCPC LADC CADC MSW MA MS MED MBA MPH DC DDS DMD OD
    FAPA DFAPA FACP ABPN BCBA NCC CRNA RPH PHARMD LP LCP""".split()
)
SUFFIXES = frozenset("JR SR II III IV V ESQ".split())
PREFIXES = frozenset("DR MR MRS MS MISS MX PROF REV".split())

# Nickname -> canonical given name (small, common US set; both spellings of a pair map to one key).
NICKNAMES = {
    "BOB": "ROBERT",
    "BOBBY": "ROBERT",
    "ROB": "ROBERT",
    "ROBBIE": "ROBERT",
    "BERT": "ROBERT",
    "BILL": "WILLIAM",
    "BILLY": "WILLIAM",
    "WILL": "WILLIAM",
    "WILLY": "WILLIAM",
    "LIAM": "WILLIAM",
    "JIM": "JAMES",
    "JIMMY": "JAMES",
    "JAMIE": "JAMES",
    "JOHNNY": "JOHN",
    "JACK": "JOHN",
    "JON": "JOHN",
    "MIKE": "MICHAEL",
    "MIKEY": "MICHAEL",
    "MICKEY": "MICHAEL",
    "DICK": "RICHARD",
    "RICK": "RICHARD",
    "RICH": "RICHARD",
    "RICKY": "RICHARD",
    "TOM": "THOMAS",
    "TOMMY": "THOMAS",
    "DAVE": "DAVID",
    "DAVEY": "DAVID",
    "STEVE": "STEPHEN",
    "STEVEN": "STEPHEN",
    "CHRIS": "CHRISTOPHER",
    "KIT": "CHRISTOPHER",
    "DAN": "DANIEL",
    "DANNY": "DANIEL",
    "JOE": "JOSEPH",
    "JOEY": "JOSEPH",
    "MATT": "MATTHEW",
    "TONY": "ANTHONY",
    "ANDY": "ANDREW",
    "DREW": "ANDREW",
    "ED": "EDWARD",
    "EDDIE": "EDWARD",
    "TED": "EDWARD",
    "NED": "EDWARD",
    "CHUCK": "CHARLES",
    "CHARLIE": "CHARLES",
    "GREG": "GREGORY",
    "JEFF": "JEFFREY",
    "JERRY": "GERALD",
    "LARRY": "LAWRENCE",
    "LEN": "LEONARD",
    "LENNY": "LEONARD",
    "NICK": "NICHOLAS",
    "PAT": "PATRICK",
    "PETE": "PETER",
    "RAY": "RAYMOND",
    "RON": "RONALD",
    "SAM": "SAMUEL",
    "SAMMY": "SAMUEL",
    "TIM": "TIMOTHY",
    "ZACH": "ZACHARY",
    "BEN": "BENJAMIN",
    "ALEX": "ALEXANDER",
    "AL": "ALBERT",
    "FRANK": "FRANCIS",
    "HANK": "HENRY",
    "HARRY": "HENRY",
    "KEN": "KENNETH",
    "KENNY": "KENNETH",
    "DOUG": "DOUGLAS",
    "PHIL": "PHILIP",
    "PHILLIP": "PHILIP",
    "FRED": "FREDERICK",
    "WALT": "WALTER",
    "NATE": "NATHAN",
    "JOSH": "JOSHUA",
    "JAKE": "JACOB",
    "LIZ": "ELIZABETH",
    "BETH": "ELIZABETH",
    "BETTY": "ELIZABETH",
    "LIZZIE": "ELIZABETH",
    "ELIZA": "ELIZABETH",
    "LISA": "ELIZABETH",
    "KATE": "KATHERINE",
    "KATIE": "KATHERINE",
    "KATHY": "KATHERINE",
    "CATHY": "KATHERINE",
    "CATHERINE": "KATHERINE",
    "KATHRYN": "KATHERINE",
    "KAT": "KATHERINE",
    "PEGGY": "MARGARET",
    "MAGGIE": "MARGARET",
    "MEG": "MARGARET",
    "MARGE": "MARGARET",
    "SUE": "SUSAN",
    "SUSIE": "SUSAN",
    "SUZY": "SUSAN",
    "JENNY": "JENNIFER",
    "JEN": "JENNIFER",
    "JENN": "JENNIFER",
    "PATTY": "PATRICIA",
    "TRISH": "PATRICIA",
    "PATSY": "PATRICIA",
    "BECKY": "REBECCA",
    "BECCA": "REBECCA",
    "ABBY": "ABIGAIL",
    "ALLIE": "ALLISON",
    "ALLY": "ALLISON",
    "MANDY": "AMANDA",
    "CINDY": "CYNTHIA",
    "DEBBIE": "DEBORAH",
    "DEB": "DEBORAH",
    "DEBRA": "DEBORAH",
    "VICKY": "VICTORIA",
    "TORI": "VICTORIA",
    "SANDY": "SANDRA",
    "TERRI": "TERESA",
    "TERRY": "TERESA",
    "THERESA": "TERESA",
    "CHRISTY": "CHRISTINE",
    "CHRISSY": "CHRISTINE",
    "KRIS": "KRISTEN",
    "NANCY": "ANN",
    "ANNIE": "ANN",
    "ANNE": "ANN",
    "MOLLY": "MARY",
    "POLLY": "MARY",
    "SALLY": "SARAH",
    "SARA": "SARAH",
    "JESS": "JESSICA",
    "JESSIE": "JESSICA",
    "VAL": "VALERIE",
    "STEPH": "STEPHANIE",
    "NIKKI": "NICOLE",
    "DOTTIE": "DOROTHY",
    "DOT": "DOROTHY",
    "JUDY": "JUDITH",
    "GINNY": "VIRGINIA",
    "MEL": "MELISSA",
}

LEGAL_FORMS = frozenset(
    """LLC PLLC LLP PLLP LP INC INCORPORATED CORP CORPORATION CO COMPANY LTD LIMITED PC PA PSC SC
    APC APMC PLC LC""".split()
)

# USPS Publication 28 abbreviations (the ones that occur in provider addresses).
STREET_WORDS = {
    "STREET": "ST",
    "STR": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "AVEN": "AVE",
    "ROAD": "RD",
    "BOULEVARD": "BLVD",
    "BOUL": "BLVD",
    "DRIVE": "DR",
    "DRV": "DR",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "PARKWAY": "PKWY",
    "PKY": "PKWY",
    "HIGHWAY": "HWY",
    "CIRCLE": "CIR",
    "TERRACE": "TER",
    "SQUARE": "SQ",
    "TRAIL": "TRL",
    "EXPRESSWAY": "EXPY",
    "FREEWAY": "FWY",
    "CENTER": "CTR",
    "CENTRE": "CTR",
    "PLAZA": "PLZ",
    "POINT": "PT",
    "CROSSING": "XING",
    "TURNPIKE": "TPKE",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
    "MOUNT": "MT",
    "FORT": "FT",
    "BUILDING": "BLDG",
    "FLOOR": "FL",
    "FLR": "FL",
    "ROOM": "RM",
    "DEPARTMENT": "DEPT",
    "FIRST": "1ST",
    "SECOND": "2ND",
    "THIRD": "3RD",
    "FOURTH": "4TH",
    "FIFTH": "5TH",
}
# Every way of writing a unit designator becomes "STE".
UNIT_WORDS = frozenset("SUITE STE STE. UNIT APT APARTMENT # NO NUMBER".split())

_NON_ALNUM = re.compile(r"[^A-Z0-9 ]+")
_DIGITS = re.compile(r"\D+")


def ascii_upper(text: str | None) -> str:
    """Upper case, accents folded to ASCII, whitespace collapsed."""
    if not text:
        return ""
    text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.upper().split())


def _tokens(text: str) -> list[str]:
    # Hyphens and apostrophes join (O'NEIL -> ONEIL, PMHNP-BC -> PMHNPBC); other punctuation splits.
    text = text.replace("'", "").replace("-", "").replace(".", "")
    return _NON_ALNUM.sub(" ", text).split()


@lru_cache(maxsize=200_000)
def person_name(text: str | None) -> str:
    """A name part with credentials, suffixes and titles removed: "Smith Jr., MD" -> "SMITH"."""
    tokens = _tokens(ascii_upper(text))
    kept = [t for t in tokens if t not in CREDENTIALS and t not in SUFFIXES and t not in PREFIXES]
    # A name that is only "credential-like" (the surname MA, the given name ED) is a name.
    return " ".join(kept or tokens)


@lru_cache(maxsize=100_000)
def given_name(text: str | None) -> str:
    """First name, nickname resolved to its canonical form: "Bob" -> "ROBERT"."""
    name = person_name(text)
    if not name:
        return ""
    first, _, rest = name.partition(" ")
    canonical = NICKNAMES.get(first, first)
    return f"{canonical} {rest}".strip() if rest else canonical


def split_full_name(text: str | None) -> tuple[str, str, str]:
    """(first, middle, last) of a free-text person name as rosters write it:
    "Smith, Robert A. MD" or "Dr. Bob A Smith, PMHNP-BC". Credentials are dropped."""
    raw = ascii_upper(text)
    if not raw:
        return "", "", ""
    if "," in raw:
        last_part, _, rest = raw.partition(",")
        last = person_name(last_part)
        given = [t for t in _tokens(rest) if t not in CREDENTIALS and t not in SUFFIXES and t not in PREFIXES]
        if last and given:
            return given[0], " ".join(given[1:]), last
    words = [t for t in _tokens(raw) if t not in CREDENTIALS and t not in SUFFIXES and t not in PREFIXES]
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


@lru_cache(maxsize=200_000)
def organization_name(text: str | None) -> str:
    """Legal-form suffixes, a leading THE and punctuation removed, & -> AND:
    "The Mindful TMS Center, P.L.L.C." -> "MINDFUL TMS CTR"."""
    raw = ascii_upper(text).replace("&", " AND ")
    words = _tokens(raw)
    while words and words[-1] in LEGAL_FORMS:
        words.pop()
    words = [w for w in words if w not in LEGAL_FORMS or len(words) < 3]
    if words and words[0] == "THE":
        words = words[1:]
    return " ".join(STREET_WORDS.get(w, w) if w in ("CENTER", "CENTRE") else w for w in words)


def organization_names(text: str | None) -> list[str]:
    """All names in one organization string: "ACME LLC DBA MINDFUL TMS" gives both."""
    raw = ascii_upper(text)
    parts = re.split(r"\b(?:D/?B/?A|DOING BUSINESS AS|AKA|A/K/A)\b", raw)
    return [n for n in (organization_name(p) for p in parts) if n]


@lru_cache(maxsize=500_000)
def address(line1: str | None, line2: str | None = None) -> str:
    """One comparable street line: "123 North Main Street, Suite #200" and
    "123 N MAIN ST STE 200" give the same key."""
    raw = ascii_upper(f"{line1 or ''} {line2 or ''}")
    if "#" in raw:
        raw = raw.replace("#", " STE ")
    words = _NON_ALNUM.sub(" ", raw.replace(".", "").replace("'", "")).split()
    out: list[str] = []
    for w in words:
        if w in UNIT_WORDS:
            if out and out[-1] == "STE":
                continue
            out.append("STE")
        else:
            out.append(STREET_WORDS.get(w, w))
    if out and out[-1] == "STE":
        out.pop()
    return " ".join(out)


def phone(text: str | None) -> str:
    """The last ten digits of a US phone, or "" when it has fewer."""
    digits = _DIGITS.sub("", str(text or ""))
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return digits[-10:] if len(digits) >= 10 else ""


US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
    NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI""".split()
)


def licence_key(number: str | None, state: str | None = None) -> str:
    """A licence as ``STATE:NUMBER`` (``:NUMBER`` when the state is unknown), for
    comparing across sources that write it differently: "GA-0012345", "GA12345"
    and "12345" issued by GA are all ``GA:12345``. Letters in front of the
    number are dropped (a state prefix becomes the state when none is given; a
    licence type such as "RN" or "LPC" says nothing about who holds it), so are
    leading zeros; "" when there is no number."""
    raw = re.sub(r"[^A-Z0-9]", "", ascii_upper(number))
    m = re.match(r"^([A-Z]*)(\d[A-Z0-9]*)$", raw)
    if not m:
        return ""
    prefix, core = m.group(1), m.group(2).lstrip("0")
    if not core:
        return ""
    given = ascii_upper(state)
    if given not in US_STATES:
        given = prefix if prefix in US_STATES else ""
    return f"{given}:{core}"


def licence(text: str | None) -> str:
    """Licence number: alphanumerics, upper case, a state prefix and leading zeros
    of the number dropped ("me-0012345", "ME12345" and "12345" agree); other
    letter prefixes (a licence type such as "RN") are kept."""
    raw = re.sub(r"[^A-Z0-9]", "", ascii_upper(text))
    m = re.match(r"^([A-Z]*)0*(\d.*)$", raw)
    if m:
        prefix = m.group(1)
        if prefix[:2] in US_STATES and len(prefix) == 2:
            prefix = ""
        raw = prefix + m.group(2)
    return raw if raw.strip("0") else ""


def zip5(text: str | None) -> str:
    """The five-digit ZIP of a ZIP or ZIP+4; a spreadsheet's ZIP that lost its
    leading zero ("2139", "21391234") gets it back."""
    raw = str(text or "").strip()
    digits = _DIGITS.sub("", raw)
    if "-" in raw and len(raw.partition("-")[0]) in (3, 4):  # "2139-1234"
        digits = raw.partition("-")[0].zfill(5)
    elif len(digits) in (3, 4):
        digits = digits.zfill(5)
    elif len(digits) in (7, 8):
        digits = digits.zfill(9)
    # only 005xx-009xx ZIPs can have lost two zeros
    if len(digits) < 5 or digits[:5] == "00000" or (digits[:2] == "00" and digits[2] < "5"):
        return ""
    return digits[:5]


def suffix(text: str | None) -> str:
    """A generational suffix (JR, SR, II, III, IV) written alone or at the end of
    a name ("Smith Jr."); "" when there is none."""
    tokens = _tokens(ascii_upper(text))
    if not tokens:
        return ""
    last = tokens[-1]
    last = {"2ND": "II", "3RD": "III", "JUNIOR": "JR", "SENIOR": "SR"}.get(last, last)
    return last if last in SUFFIXES and last not in ("V", "ESQ") else ""


def surname_parts(text: str | None) -> list[str]:
    """The parts of a double or hyphenated surname ("Garcia-Lopez", "Garcia
    Lopez" -> GARCIA, LOPEZ), each a name the person may also go by; particles
    and one- or two-letter words are not names on their own."""
    raw = ascii_upper(text).replace("-", " ").replace("'", "")
    words = [w for w in _NON_ALNUM.sub(" ", raw).split() if w not in CREDENTIALS and w not in SUFFIXES]
    if len(words) < 2:
        return []
    return [w for w in words if len(w) > 2 and w not in _PARTICLES]


_PARTICLES = frozenset("DE DEL DELA LA LE DA DI DOS DU VAN VON DER DEN ST SAINT BIN IBN AL EL".split())
