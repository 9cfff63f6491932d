"""Fixed inputs of the sample generator: metros with real ZIP codes, the
syllables invented surnames are built from, and the real-world spellings of
credentials, devices and licence numbers the sample uses.

Every person and organization in the sample is fictional. Surnames are made of
two invented syllables ("QUILL" + "FEATHER") so no name belongs to a real
person; ZIP codes, taxonomy codes and device names are real.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metro:
    code: str
    name: str
    state: str
    center_zip: str  # where "downtown" is; every ZIP below lies within 30 miles
    zips: tuple[tuple[str, str], ...]  # (ZIP, city as zipcodes names it), all STANDARD and active
    area_codes: tuple[str, ...]
    neighbour_state: str  # a second licence state some clinicians hold
    counselor_taxonomy: str  # the counselor licence each state issues
    counselor_credentials: tuple[str, ...]
    social_worker_credentials: tuple[str, ...]


METROS: tuple[Metro, ...] = (
    Metro(
        "nyc",
        "New York City",
        "NY",
        "10016",
        (
            ("10001", "New York"),
            ("10003", "New York"),
            ("10010", "New York"),
            ("10011", "New York"),
            ("10013", "New York"),
            ("10016", "New York"),
            ("10017", "New York"),
            ("10019", "New York"),
            ("10021", "New York"),
            ("10022", "New York"),
            ("10023", "New York"),
            ("10024", "New York"),
            ("10025", "New York"),
            ("10028", "New York"),
            ("10029", "New York"),
            ("10032", "New York"),
            ("10036", "New York"),
            ("10065", "New York"),
            ("10075", "New York"),
            ("10128", "New York"),
            ("11201", "Brooklyn"),
            ("11215", "Brooklyn"),
            ("11217", "Brooklyn"),
            ("11211", "Brooklyn"),
            ("11238", "Brooklyn"),
            ("11101", "Long Island City"),
            ("11375", "Forest Hills"),
            ("11354", "Flushing"),
            ("10451", "Bronx"),
            ("10463", "Bronx"),
        ),
        ("212", "646", "718", "917"),
        "NJ",
        "101YM0800X",
        ("LMHC", "L.M.H.C.", "MS, LMHC"),
        ("LCSW", "LCSW-R", "L.C.S.W.", "MSW, LCSW"),
    ),
    Metro(
        "bos",
        "Boston",
        "MA",
        "02115",
        (
            ("02108", "Boston"),
            ("02111", "Boston"),
            ("02114", "Boston"),
            ("02115", "Boston"),
            ("02116", "Boston"),
            ("02118", "Boston"),
            ("02130", "Jamaica Plain"),
            ("02135", "Brighton"),
            ("02138", "Cambridge"),
            ("02139", "Cambridge"),
            ("02141", "Cambridge"),
            ("02143", "Somerville"),
            ("02144", "Somerville"),
            ("02445", "Brookline"),
            ("02446", "Brookline"),
            ("02458", "Newton"),
            ("02459", "Newton Center"),
            ("02169", "Quincy"),
            ("02148", "Malden"),
            ("02155", "Medford"),
        ),
        ("617", "857"),
        "NH",
        "101YM0800X",
        ("LMHC", "M.A., LMHC", "LMHC"),
        ("LICSW", "LICSW", "MSW, LICSW", "L.I.C.S.W."),
    ),
    Metro(
        "chi",
        "Chicago",
        "IL",
        "60611",
        (
            ("60601", "Chicago"),
            ("60602", "Chicago"),
            ("60605", "Chicago"),
            ("60607", "Chicago"),
            ("60610", "Chicago"),
            ("60611", "Chicago"),
            ("60612", "Chicago"),
            ("60613", "Chicago"),
            ("60614", "Chicago"),
            ("60618", "Chicago"),
            ("60622", "Chicago"),
            ("60625", "Chicago"),
            ("60637", "Chicago"),
            ("60640", "Chicago"),
            ("60647", "Chicago"),
            ("60654", "Chicago"),
            ("60657", "Chicago"),
            ("60201", "Evanston"),
            ("60302", "Oak Park"),
            ("60068", "Park Ridge"),
        ),
        ("312", "773", "872"),
        "IN",
        "101YP2500X",
        ("LCPC", "L.C.P.C.", "MA, LCPC"),
        ("LCSW", "L.C.S.W.", "MSW, LCSW"),
    ),
    Metro(
        "den",
        "Denver",
        "CO",
        "80203",
        (
            ("80202", "Denver"),
            ("80203", "Denver"),
            ("80205", "Denver"),
            ("80206", "Denver"),
            ("80209", "Denver"),
            ("80210", "Denver"),
            ("80211", "Denver"),
            ("80218", "Denver"),
            ("80220", "Denver"),
            ("80222", "Denver"),
            ("80224", "Denver"),
            ("80231", "Denver"),
            ("80237", "Denver"),
            ("80012", "Aurora"),
            ("80045", "Aurora"),
            ("80226", "Denver"),
            ("80113", "Englewood"),
            ("80301", "Boulder"),
            ("80033", "Wheat Ridge"),
            ("80120", "Littleton"),
        ),
        ("303", "720"),
        "WY",
        "101YP2500X",
        ("LPC", "L.P.C.", "MA, LPC"),
        ("LCSW", "LCSW", "MSW, LCSW"),
    ),
    Metro(
        "sfb",
        "San Francisco Bay Area",
        "CA",
        "94103",
        (
            ("94102", "San Francisco"),
            ("94103", "San Francisco"),
            ("94107", "San Francisco"),
            ("94109", "San Francisco"),
            ("94110", "San Francisco"),
            ("94114", "San Francisco"),
            ("94115", "San Francisco"),
            ("94117", "San Francisco"),
            ("94118", "San Francisco"),
            ("94122", "San Francisco"),
            ("94609", "Oakland"),
            ("94612", "Oakland"),
            ("94704", "Berkeley"),
            ("94705", "Berkeley"),
            ("94301", "Palo Alto"),
            ("94304", "Palo Alto"),
            ("94401", "San Mateo"),
            ("94501", "Alameda"),
            ("94530", "El Cerrito"),
            ("94030", "Millbrae"),
        ),
        ("415", "510", "650"),
        "NV",
        "101YP2500X",
        ("LPCC", "L.P.C.C.", "MA, LPCC"),
        ("LCSW", "L.C.S.W.", "MSW, LCSW"),
    ),
)

#: Metros are at most this far (miles) from their center ZIP; the tests hold the sample to it.
METRO_RADIUS_MILES = 30.0

# Invented surname syllables: every pairing reads as plainly fictional.
SURNAME_HEADS = (
    "QUILL",
    "MARROW",
    "THISTLE",
    "BRAMBLE",
    "PEBBLE",
    "TINDER",
    "DAPPLE",
    "GORSE",
    "NETTLE",
    "SORREL",
    "MALLOW",
    "BRISTLE",
    "COBBLE",
    "FENNEL",
    "WILLOW",
    "HAZEL",
    "TANSY",
    "CLOVER",
    "BURDOCK",
    "SPARROW",
    "MOSSY",
    "PUDDLE",
    "HOLLY",
    "ACORN",
)
SURNAME_TAILS = (
    "FEATHER",
    "BY",
    "WHISTLE",
    "POCKET",
    "BUTTON",
    "KETTLE",
    "THORPE",
    "NOOK",
    "DEW",
    "WICK",
    "BOTTOM",
    "HOLLOW",
    "SPRIG",
    "MERE",
    "LANTERN",
    "TOFT",
    "WHEEL",
    "GLOVE",
)

FIRST_NAMES_F = (
    "AMARA",
    "BEATRIX",
    "CAMILA",
    "DELPHINE",
    "ELENA",
    "FARAH",
    "GRETA",
    "HANNAH",
    "IMANI",
    "JUNE",
    "KEIKO",
    "LUCIA",
    "MAREN",
    "NADIA",
    "OLIVE",
    "PRIYA",
    "ROSALIND",
    "SOFIA",
    "TALIA",
    "URSULA",
    "VIOLET",
    "WREN",
    "XIMENA",
    "YARA",
    "ZOË",
)
FIRST_NAMES_M = (
    "ABEL",
    "BORIS",
    "CALVIN",
    "DESMOND",
    "EMEKA",
    "FELIX",
    "GIDEON",
    "HIRO",
    "IGNATIUS",
    "JOSÉ",
    "KWAME",
    "LEANDER",
    "MATTEO",
    "NIKOLAI",
    "OSCAR",
    "PERCIVAL",
    "QUENTIN",
    "RAFAEL",
    "SILAS",
    "TOBIAS",
    "ULRICH",
    "VIKRAM",
    "WESLEY",
    "YUSUF",
    "ZANE",
)
MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"

STREETS = (
    "MAIN ST",
    "PARK AVE",
    "BROADWAY",
    "ELM ST",
    "OAK AVE",
    "WASHINGTON ST",
    "LAKE ST",
    "2ND AVE",
    "MARKET ST",
    "CENTRAL AVE",
    "MAPLE AVE",
    "HIGHLAND AVE",
    "UNIVERSITY AVE",
    "CEDAR ST",
    "COLUMBUS AVE",
    "PROSPECT ST",
    "GROVE ST",
    "FRANKLIN ST",
    "RIVER RD",
    "SUMMIT AVE",
)
SUITE_FORMS = ("STE {n}", "SUITE {n}", "FL {f}", "UNIT {n}", "# {n}")

# Real-world spellings of credentials, so normalization has work to do.
PSYCHIATRIST_CREDENTIALS = ("MD", "M.D.", "MD", "M.D.", "DO", "D.O.", "MD, PHD", "M.D., M.P.H.")
PMHNP_CREDENTIALS = ("PMHNP-BC", "APRN, PMHNP-BC", "NP", "DNP, PMHNP-BC", "MSN, APRN", "PMHNP", "A.P.R.N.")
PSYCHOLOGIST_CREDENTIALS = ("PH.D.", "PHD", "PSYD", "PSY.D.", "Ph.D.", "PHD, ABPP")
MFT_CREDENTIALS = ("LMFT", "MFT", "L.M.F.T.", "MA, LMFT")
PHYSICIAN_CREDENTIALS = ("MD", "M.D.", "DO", "MD")

# Licence numbers as each state's board formats them (shape only; numbers are random).
LICENCE_FORMATS = {
    ("NY", "physician"): "{d6}",
    ("NY", "nurse"): "F-{d6}",
    ("NY", "other"): "{d6}",
    ("MA", "physician"): "{d6}",
    ("MA", "nurse"): "RN{d7}",
    ("MA", "other"): "{d5}",
    ("IL", "physician"): "036.{d6}",
    ("IL", "nurse"): "209.{d6}",
    ("IL", "other"): "149.{d6}",
    ("CO", "physician"): "DR.{d7}",
    ("CO", "nurse"): "APN.{d7}",
    ("CO", "other"): "CSW.{d8}",
    ("CA", "physician"): "A{d6}",
    ("CA", "nurse"): "NP{d5}",
    ("CA", "other"): "LCSW {d5}",
    ("NJ", "physician"): "25MA{d8}",
    ("NH", "physician"): "{d5}",
    ("IN", "physician"): "01{d6}A",
    ("WY", "physician"): "{d5}A",
    ("NV", "physician"): "{d5}",
}

TMS_DEVICES = (
    "NeuroStar Advanced Therapy System",
    "BrainsWay Deep TMS (H1 coil)",
    "MagVenture MagVita TMS Therapy",
    "Magstim Horizon Performance",
)
ACCELERATED_PROTOCOLS = (
    "SAINT Neuromodulation System: 10 iTBS sessions a day for 5 days",
    "accelerated iTBS: 5 sessions a day for 6 days, MagVenture",
    "accelerated iTBS: 3-minute sessions, 3 a day for 10 days, Magstim",
)
ECT_DEVICES = ("MECTA spECTrum 5000Q", "Thymatron System IV")
LANGUAGES = ("en", "es", "zh", "ru", "ht", "pt", "ko", "vi", "fr", "ar", "yi", "pl", "tl", "hi")
