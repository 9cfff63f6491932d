"""Generate a national-size NPPES V2 main file (``npidata_pfile``) for the ingest benchmark.

The shape follows the real monthly file: the exact 330-column V2 header, every
value double-quoted, CRLF line ends, about 75 % individuals and 25 %
organizations, about 3.5 % sparse deactivated rows (NPI and deactivation date
only), real NUCC codes with the behavioural-health and ketamine-capable share of
the real file (about 9 % of rows carry a DEFAULT_SCOPE code), real ZIP codes,
valid and unique NPIs in enumeration (not NPI) order, and about 1.1 KB a row.

Row ``i`` depends only on ``--seed`` and ``i``, so a smaller ``--rows`` file is
an exact prefix of a larger one. Chunks of rows are built on every core and
written in order.

    python bench/nppes/gen_national.py --rows 9300000 --out bench/out/npidata_pfile_national.csv
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import zipcodes

from directory.npi import make_npi

ROOT = Path(__file__).resolve().parents[2]
HEADER_FILE = ROOT / "ingest" / "data" / "npidata_pfile_v2_fileheader.csv"
NATIONAL_ROWS = 9_300_000
CHUNK_ROWS = 20_000  # fixed, so the rows do not depend on the number of workers
N_COLUMNS = 330
N_RANDOM = 40  # random integers drawn per row

# Column positions of the V2 layout (checked against the header at start-up).
NPI, ENTITY, REPLACEMENT_NPI, EIN, ORG_NAME, LAST, FIRST, MIDDLE, PREFIX, SUFFIX, CREDENTIAL = range(11)
OTHER_ORG, OTHER_ORG_TYPE, OTHER_LAST, OTHER_FIRST = 11, 12, 13, 14
OTHER_LAST_TYPE = 19
MAIL = 20  # line 1, line 2, city, state, postal, country, phone, fax
PRACTICE = 28
ENUMERATED, LAST_UPDATE, DEACT_REASON, DEACT_DATE, REACT_DATE, SEX = 36, 37, 38, 39, 40, 41
AO_LAST, AO_FIRST, AO_MIDDLE, AO_TITLE, AO_PHONE = 42, 43, 44, 45, 46
TAXONOMY = 47  # 15 groups of (code, licence number, licence state, primary switch)
OTHER_ID = 107  # 50 groups of (identifier, type code, state, issuer)
SOLE_PROPRIETOR, SUBPART, PARENT_LBN = 307, 308, 309
AO_PREFIX, AO_SUFFIX, AO_CREDENTIAL = 311, 312, 313
TAXONOMY_GROUP = 314
CERTIFICATION = 329

# (code, weight): weights are rough thousands of rows in the real file.
INDIVIDUAL_IN_SCOPE = [
    ("1041C0700X", 220),
    ("101YM0800X", 150),
    ("101YP2500X", 100),
    ("103T00000X", 60),
    ("103TC0700X", 40),
    ("2084P0800X", 50),
    ("363LP0808X", 40),
    ("106H00000X", 55),
    ("101YA0400X", 30),
    ("2084P0804X", 10),
    ("175T00000X", 20),
    ("207L00000X", 55),
    ("207P00000X", 60),
    ("207LP2900X", 8),
    ("208VP0000X", 5),
    ("2084P0802X", 3),
    ("2084P0805X", 2),
    ("2084P0015X", 1),
    ("2084B0040X", 1),
    ("2084F0202X", 1),
    ("364SP0808X", 3),
    ("1835P1300X", 1),
]
INDIVIDUAL_OTHER = [
    ("163W00000X", 450),
    ("390200000X", 250),
    ("363LF0000X", 250),
    ("207Q00000X", 120),
    ("207R00000X", 150),
    ("122300000X", 150),
    ("1223G0001X", 120),
    ("225100000X", 250),
    ("183500000X", 250),
    ("363A00000X", 100),
    ("363AM0700X", 80),
    ("367500000X", 60),
    ("111N00000X", 70),
    ("152W00000X", 45),
    ("235Z00000X", 150),
    ("225X00000X", 120),
    ("174400000X", 50),
    ("171M00000X", 40),
    ("3747P1801X", 300),
    ("376J00000X", 30),
    ("372600000X", 50),
    ("374U00000X", 150),
    ("146N00000X", 80),
    ("207X00000X", 30),
    ("207V00000X", 45),
    ("208000000X", 60),
    ("2085R0202X", 35),
    ("208600000X", 30),
    ("207RC0000X", 25),
    ("133V00000X", 70),
    ("213E00000X", 18),
    ("1223S0112X", 10),
    ("207K00000X", 5),
    ("363LA2200X", 20),
    ("363LP2300X", 15),
    ("364S00000X", 10),
    ("207RG0100X", 8),
    ("207Y00000X", 12),
    ("207N00000X", 14),
    ("207W00000X", 20),
    ("208D00000X", 20),
    ("167G00000X", 10),
    ("385H00000X", 20),
    ("3747A0650X", 40),
]
ORGANIZATION_IN_SCOPE = [
    ("251S00000X", 30),
    ("261QM0801X", 20),
    ("261QM0850X", 3),
    ("261QM0855X", 2),
    ("283Q00000X", 2),
    ("261QP3300X", 3),
    ("261QI0500X", 3),
]
ORGANIZATION_OTHER = [
    ("332B00000X", 80),
    ("3336C0003X", 60),
    ("193200000X", 25),
    ("193400000X", 45),
    ("261QP2300X", 40),
    ("261Q00000X", 50),
    ("251E00000X", 25),
    ("225100000X", 30),
    ("122300000X", 60),
    ("207Q00000X", 40),
    ("363LF0000X", 10),
    ("3416A0800X", 15),
    ("251G00000X", 8),
    ("282N00000X", 8),
    ("314000000X", 15),
    ("291U00000X", 20),
    ("335E00000X", 10),
    ("347C00000X", 10),
    ("343900000X", 15),
    ("261QR1300X", 10),
    ("261QF0400X", 3),
    ("311Z00000X", 8),
    ("310400000X", 10),
]
PRIMARY_IN_SCOPE_SHARE = {"individual": 0.105, "organization": 0.03}
SECONDARY_IN_SCOPE_SHARE = 0.01  # an out-of-scope primary with an in-scope extra code
TAIL_SHARE = 0.08  # primaries drawn uniformly from the rest of the NUCC code set

CREDENTIALS = {
    "1041C0700X": ["LCSW", "LICSW", "L.C.S.W.", "LCSW-C"],
    "101YM0800X": ["LMHC", "LPC", "M.A., LMHC"],
    "101YP2500X": ["LPC", "LPCC", "M.S., LPC"],
    "103T00000X": ["PHD", "PSYD", "Ph.D."],
    "103TC0700X": ["PHD", "PSY.D.", "PhD"],
    "2084P0800X": ["MD", "M.D.", "DO", "D.O."],
    "363LP0808X": ["PMHNP-BC", "APRN", "NP", "PMHNP"],
    "106H00000X": ["LMFT", "MFT", "LMFT, MA"],
    "101YA0400X": ["LADC", "CADC", "LCADC"],
    "175T00000X": ["CPS", "CPRS", ""],
    "207L00000X": ["MD", "M.D.", "DO"],
    "207P00000X": ["MD", "DO", "M.D."],
    "163W00000X": ["RN", "R.N.", "BSN, RN"],
    "363LF0000X": ["FNP-C", "APRN", "NP", "FNP-BC"],
    "363A00000X": ["PA-C", "PA"],
    "363AM0700X": ["PA-C"],
    "367500000X": ["CRNA"],
    "183500000X": ["PHARMD", "RPH", "PharmD"],
    "225100000X": ["PT", "DPT", "PT, DPT"],
    "122300000X": ["DDS", "DMD"],
    "1223G0001X": ["DDS", "D.D.S.", "DMD"],
    "111N00000X": ["DC", "D.C."],
    "152W00000X": ["OD", "O.D."],
    "235Z00000X": ["CCC-SLP", "SLP"],
    "225X00000X": ["OTR/L", "OT"],
    "133V00000X": ["RD", "RDN", "LDN"],
}
DEFAULT_CREDENTIALS = ["MD", "M.D.", "DO", "", "", "", "NP", "RN", "PA-C"]
SURNAMES = (
    "SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ LOPEZ GONZALEZ "
    "WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS SANCHEZ CLARK "
    "RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN HILL FLORES GREEN ADAMS "
    "NELSON BAKER HALL RIVERA CAMPBELL MITCHELL CARTER ROBERTS GOMEZ PHILLIPS EVANS TURNER DIAZ PARKER "
    "CRUZ EDWARDS COLLINS REYES STEWART MORRIS MORALES MURPHY COOK ROGERS GUTIERREZ ORTIZ MORGAN COOPER "
    "PETERSON BAILEY REED KELLY HOWARD RAMOS KIM COX WARD RICHARDSON WATSON BROOKS CHAVEZ WOOD JAMES "
    "BENNETT GRAY MENDOZA RUIZ HUGHES PRICE ALVAREZ CASTILLO SANDERS PATEL MYERS LONG ROSS FOSTER JIMENEZ "
    "POWELL JENKINS PERRY RUSSELL SULLIVAN BELL COLEMAN BUTLER HENDERSON BARNES GONZALES FISHER VASQUEZ "
    "SIMMONS ROMERO JORDAN PATTERSON ALEXANDER HAMILTON GRAHAM REYNOLDS GRIFFIN WALLACE MORENO WEST COLE "
    "HAYES BRYANT HERRERA GIBSON ELLIS TRAN MEDINA AGUILAR STEVENS MURRAY FORD CASTRO MARSHALL OWENS "
    "HARRISON FERNANDEZ MCDONALD WOODS WASHINGTON KENNEDY WELLS VARGAS HENRY CHEN FREEMAN WEBB TUCKER "
    "GUZMAN BURNS CRAWFORD OLSON SIMPSON PORTER HUNTER GORDON MENDEZ SILVA SHAW SNYDER MASON DIXON MUNOZ "
    "HUNT HICKS HOLMES PALMER WAGNER BLACK ROBERTSON BOYD ROSE STONE SALAZAR FOX WARREN MILLS MEYER RICE "
    "SCHMIDT GARZA DANIELS FERGUSON NICHOLS STEPHENS SOTO WEAVER RYAN GARDNER PAYNE GRANT DUNN KELLEY "
    "SPENCER HAWKINS ARNOLD PIERCE VAZQUEZ HANSEN PETERS SANTOS HART BRADLEY KNIGHT ELLIOTT CUNNINGHAM"
).split()
FIRST_NAMES = (
    "JAMES MARY ROBERT PATRICIA JOHN JENNIFER MICHAEL LINDA DAVID ELIZABETH WILLIAM BARBARA RICHARD SUSAN "
    "JOSEPH JESSICA THOMAS SARAH CHRISTOPHER KAREN CHARLES LISA DANIEL NANCY MATTHEW BETTY ANTHONY SANDRA "
    "MARK MARGARET DONALD ASHLEY STEVEN KIMBERLY ANDREW EMILY PAUL DONNA JOSHUA MICHELLE KENNETH CAROL "
    "KEVIN AMANDA BRIAN MELISSA GEORGE DEBORAH TIMOTHY STEPHANIE RONALD DOROTHY JASON REBECCA EDWARD "
    "SHARON JEFFREY LAURA RYAN CYNTHIA JACOB AMY GARY KATHLEEN NICHOLAS ANGELA ERIC SHIRLEY JONATHAN "
    "BRENDA STEPHEN EMMA LARRY ANNA JUSTIN PAMELA SCOTT NICOLE BRANDON SAMANTHA BENJAMIN KATHERINE SAMUEL "
    "CHRISTINE GREGORY HELEN ALEXANDER DEBRA FRANK RACHEL PATRICK CAROLYN RAYMOND JANET JACK MARIA DENNIS "
    "OLIVIA JERRY HEATHER TYLER DIANE AARON JULIE JOSE JOYCE ADAM VICTORIA NATHAN KELLY HENRY CHRISTINA "
    "ZACHARY LAUREN DOUGLAS JOAN PETER EVELYN KYLE JUDITH NOAH MEGAN ETHAN ANDREA JEREMY CHERYL WALTER "
    "HANNAH CHRISTIAN JACQUELINE KEITH MARTHA ROGER GLORIA TERRY TERESA AUSTIN ANN SEAN SARA GERALD "
    "MADISON CARL FRANCES HAROLD KATHRYN DYLAN JANICE ARTHUR JEAN LAWRENCE ABIGAIL JORDAN ALICE JESSE "
    "JULIA BRYAN JUDY BILLY SOPHIA BRUCE GRACE GABRIEL DENISE JOE AMBER LOGAN DORIS ALBERT MARILYN"
).split()
STREETS = (
    "MAIN ST|OAK AVE|MAPLE DR|PARK AVE|WASHINGTON BLVD|LAKE ST|HILL RD|CEDAR LN|ELM ST|PINE ST|CHURCH ST|"
    "HIGH ST|CENTER ST|MARKET ST|BROADWAY|MEDICAL CENTER DR|HOSPITAL DR|UNIVERSITY AVE|COLLEGE AVE|RIVER RD|"
    "STATE ST|COMMERCE DR|EXECUTIVE PKWY|PROFESSIONAL PKWY|HEALTH PARK BLVD|WESTCHESTER AVE|N MICHIGAN AVE|"
    "S FIGUEROA ST|PEACHTREE RD NE|E CAMELBACK RD|W BELTLINE HWY|SPRING ST|FRANKLIN AVE|JEFFERSON ST|"
    "LINCOLN WAY|MADISON AVE|WILSHIRE BLVD|SUNSET BLVD|LEXINGTON AVE|COLUMBUS AVE|HIGHLAND AVE|RIDGE RD|"
    "VALLEY VIEW DR|FOREST AVE|MILL ST|UNION ST|BRIDGE ST|WATER ST|SCHOOL ST|ACADEMY ST|N 3RD ST|S 10TH AVE"
).split("|")
SECOND_LINES = ["SUITE 100", "SUITE 200", "STE 310", "STE 4B", "UNIT 12", "FLOOR 2", "BLDG C", "SUITE 1500"]
ORG_WORDS = (
    "ADVANCED|PREMIER|COMMUNITY|FAMILY|REGIONAL|INTEGRATED|COMPREHENSIVE|ALLIANCE|NORTHSIDE|SOUTHERN|"
    "VALLEY|LAKESHORE|SUMMIT|HARBOR|PIONEER|HERITAGE|BRIGHT PATH|NEW HORIZONS|CORNERSTONE|BLUE RIDGE"
).split("|")
ORG_KINDS = {
    "251S00000X": "BEHAVIORAL HEALTH SERVICES",
    "261QM0801X": "MENTAL HEALTH CENTER",
    "261QM0850X": "ADULT MENTAL HEALTH CLINIC",
    "261QM0855X": "CHILD AND FAMILY COUNSELING CENTER",
    "283Q00000X": "PSYCHIATRIC HOSPITAL",
    "261QP3300X": "PAIN MANAGEMENT",
    "261QI0500X": "INFUSION CENTER",
    "332B00000X": "MEDICAL SUPPLY",
    "3336C0003X": "PHARMACY",
    "193200000X": "MEDICAL GROUP",
    "193400000X": "PSYCHIATRIC ASSOCIATES",
    "261QP2300X": "PRIMARY CARE",
    "122300000X": "DENTAL CARE",
    "225100000X": "PHYSICAL THERAPY",
    "251E00000X": "HOME HEALTH",
    "314000000X": "NURSING AND REHABILITATION",
}
ORG_FORMS = ["LLC", "PLLC", "INC", "PC", "P.A.", "LLP", "PSC", "INC."]
AO_TITLES = ["OWNER", "CEO", "PRESIDENT", "ADMINISTRATOR", "MANAGING MEMBER", "CFO", "DIRECTOR", "PRACTICE MANAGER"]
OTHER_ID_TYPES = ["05", "05", "05", "01", "04", "08"]
GROUP_TEXT = {"193200000X": "193200000X MULTI-SPECIALTY GROUP", "193400000X": "193400000X SINGLE SPECIALTY  GROUP"}
NPI_MULTIPLIER = 123_456_791  # coprime with 2e8, so row -> NPI base is a bijection
NPI_SPACE = 200_000_000
FIRST_DAY = date(2005, 5, 23)
DAYS_SPAN = (date(2026, 10, 31) - FIRST_DAY).days
LOOKUP = 10_000  # weighted-choice tables have this many slots


def _weighted(pairs: list[tuple[str, int]]) -> list[str]:
    total = sum(w for _, w in pairs)
    table: list[str] = []
    for code, weight in pairs:
        table.extend([code] * round(LOOKUP * weight / total))
    return (table + [pairs[0][0]] * LOOKUP)[:LOOKUP]


class Tables:
    """Lookup tables built once per process."""

    def __init__(self) -> None:
        from directory.reference import DEFAULT_SCOPE, GROUP_PRACTICES, nucc_taxonomies

        taxonomies = nucc_taxonomies()
        known = {t.code for t in taxonomies}
        listed = INDIVIDUAL_IN_SCOPE + INDIVIDUAL_OTHER + ORGANIZATION_IN_SCOPE + ORGANIZATION_OTHER
        unknown = [code for code, _ in listed if code not in known]
        if unknown:
            raise SystemExit(f"codes missing from the bundled NUCC set: {unknown}")
        for code, _ in INDIVIDUAL_IN_SCOPE + ORGANIZATION_IN_SCOPE:
            assert code in DEFAULT_SCOPE, code
        for code, _ in INDIVIDUAL_OTHER + ORGANIZATION_OTHER:
            assert code not in DEFAULT_SCOPE, code
        excluded = DEFAULT_SCOPE | GROUP_PRACTICES
        self.tail_individual = [
            t.code
            for t in taxonomies
            if t.code not in excluded and t.code[:2] not in ("19", "26", "25", "27", "28", "31", "32", "33", "34")
        ]
        self.tail_organization = [
            t.code
            for t in taxonomies
            if t.code not in excluded and t.code[:2] in ("26", "25", "27", "28", "31", "32", "33", "34")
        ]
        self.ind_in = _weighted(INDIVIDUAL_IN_SCOPE)
        self.ind_out = _weighted(INDIVIDUAL_OTHER)
        self.org_in = _weighted(ORGANIZATION_IN_SCOPE)
        self.org_out = _weighted(ORGANIZATION_OTHER)
        places = []
        for z in zipcodes.list_all():
            if z["zip_code_type"] == "STANDARD" and z["active"] and z["state"] and len(z["state"]) == 2:
                area = (z.get("area_codes") or ["555"])[0]
                places.append((z["zip_code"], z["city"].upper(), z["state"], area))
        self.places = places
        self.dates = [(FIRST_DAY + timedelta(days=d)).strftime("%m/%d/%Y") for d in range(DAYS_SPAN + 1)]
        self.template = [""] * N_COLUMNS


def _check_header() -> str:
    """The header line as shipped, after checking the columns this generator fills."""
    line = HEADER_FILE.read_text(encoding="utf-8").splitlines()[0]
    names = next(csv.reader([line]))
    expected = {
        NPI: "NPI",
        ORG_NAME: "Provider Organization Name (Legal Business Name)",
        CREDENTIAL: "Provider Credential Text",
        MAIL: "Provider First Line Business Mailing Address",
        PRACTICE: "Provider First Line Business Practice Location Address",
        SEX: "Provider Sex Code",
        DEACT_DATE: "NPI Deactivation Date",
        TAXONOMY: "Healthcare Provider Taxonomy Code_1",
        OTHER_ID: "Other Provider Identifier_1",
        SOLE_PROPRIETOR: "Is Sole Proprietor",
        TAXONOMY_GROUP: "Healthcare Provider Taxonomy Group_1",
        CERTIFICATION: "Certification Date",
    }
    if len(names) != N_COLUMNS or any(names[i] != n for i, n in expected.items()):
        raise SystemExit(f"{HEADER_FILE} is not the V2 layout this generator writes")
    return line


_TABLES: Tables | None = None


def _tables() -> Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = Tables()
    return _TABLES


def build_chunk(args: tuple[int, int, int]) -> bytes:
    """Rows [chunk*CHUNK_ROWS, +count) as CSV bytes."""
    seed, chunk, count = args
    t = _tables()
    rng = np.random.default_rng([seed, chunk])
    draws = rng.integers(0, 2**31, size=(CHUNK_ROWS, N_RANDOM), dtype=np.int64)[:count].tolist()
    places, dates, n_places = t.places, t.dates, len(t.places)
    ind_in, ind_out, org_in, org_out = t.ind_in, t.ind_out, t.org_in, t.org_out
    tail_ind, tail_org = t.tail_individual, t.tail_organization
    n_sur, n_first, n_street = len(SURNAMES), len(FIRST_NAMES), len(STREETS)
    template = t.template
    out: list[str] = []
    first_row = chunk * CHUNK_ROWS
    for j, r in enumerate(draws):
        i = first_row + j
        base = 100_000_000 + (i * NPI_MULTIPLIER + seed) % NPI_SPACE
        npi = make_npi(str(base))
        day = min(DAYS_SPAN, i * DAYS_SPAN // NATIONAL_ROWS + r[0] % 30)
        f = template.copy()
        f[NPI] = npi
        kind = r[1] % 1000
        if kind < 35:  # sparse deactivated row: NPI and deactivation date only
            f[DEACT_DATE] = dates[min(DAYS_SPAN, day + 200 + r[2] % 3000)]
            out.append('"' + '","'.join(f) + '"\r\n')
            continue
        individual = kind < 35 + 724
        f[ENTITY] = "1" if individual else "2"
        f[ENUMERATED] = dates[day]
        f[LAST_UPDATE] = dates[min(DAYS_SPAN, day + r[2] % 4000)]
        if r[3] % 10 < 6:
            f[CERTIFICATION] = f[LAST_UPDATE]
        if r[3] % 1000 == 999:  # reactivated: keeps both dates
            f[DEACT_DATE] = dates[min(DAYS_SPAN, day + 100)]
            f[REACT_DATE] = dates[min(DAYS_SPAN, day + 400)]
        zip5, city, state, area = places[r[4] % n_places]
        phone = f"{area}{r[5] % 9000000 + 1000000}"
        # Primary taxonomy and 0-2 extra ones.
        roll = r[6] % 10000
        if individual:
            share = PRIMARY_IN_SCOPE_SHARE["individual"]
            if roll < share * 10000:
                codes = [ind_in[r[7] % LOOKUP]]
                extra_pool = ind_in
            elif roll < (share + TAIL_SHARE) * 10000:
                codes = [tail_ind[r[7] % len(tail_ind)]]
                extra_pool = ind_out
            else:
                codes = [ind_out[r[7] % LOOKUP]]
                extra_pool = ind_out
        else:
            share = PRIMARY_IN_SCOPE_SHARE["organization"]
            if roll < share * 10000:
                codes = [org_in[r[7] % LOOKUP]]
                extra_pool = org_in
            elif roll < (share + TAIL_SHARE) * 10000:
                codes = [tail_org[r[7] % len(tail_org)]]
                extra_pool = org_out
            else:
                codes = [org_out[r[7] % LOOKUP]]
                extra_pool = org_out
        n_extra = (0, 0, 0, 0, 0, 0, 1, 1, 1, 2)[r[8] % 10]
        for k in range(n_extra):
            pool = ind_in if extra_pool is ind_out and r[9 + k] % 100 == 0 and individual else extra_pool
            code = pool[r[11 + k] % LOOKUP]
            if code not in codes:
                codes.append(code)
        primary_slot = r[13] % len(codes) if len(codes) > 1 and r[13] % 4 == 0 else 0
        for slot, code in enumerate(codes):
            c = TAXONOMY + 4 * slot
            f[c] = code
            if individual or r[14] % 3 == 0:
                lic_state = state if slot == 0 or r[15] % 3 else places[r[15] % n_places][2]
                f[c + 1] = f"{'ABCDEFGLMPRS'[r[16 + slot] % 12]}{r[16 + slot] % 900000 + 10000}"
                f[c + 2] = lic_state
            f[c + 3] = "Y" if slot == primary_slot else "N"
        if not individual and codes[0] in GROUP_TEXT:
            f[TAXONOMY_GROUP] = GROUP_TEXT[codes[0]]
        # Names.
        surname = SURNAMES[r[19] % n_sur]
        given = FIRST_NAMES[r[20] % n_first]
        if individual:
            f[LAST] = surname
            f[FIRST] = given
            m = r[21] % 10
            f[MIDDLE] = "" if m < 3 else (FIRST_NAMES[r[22] % n_first] if m < 7 else "ABCDEFGHJKLMNPRSTW"[r[22] % 18])
            f[PREFIX] = ("", "", "", "DR.", "MS.", "MR.", "MRS.")[r[23] % 7]
            f[SUFFIX] = "JR." if r[23] % 40 == 0 else ("III" if r[23] % 97 == 0 else "")
            creds = CREDENTIALS.get(codes[0], DEFAULT_CREDENTIALS)
            f[CREDENTIAL] = creds[r[24] % len(creds)]
            f[SEX] = "F" if r[25] % 100 < 58 else "M"
            f[SOLE_PROPRIETOR] = ("N", "N", "N", "Y", "X")[r[26] % 5]
            if r[27] % 10 == 0:  # former (maiden) name
                f[OTHER_LAST] = SURNAMES[r[28] % n_sur]
                f[OTHER_FIRST] = given
                f[OTHER_LAST_TYPE] = "1"
        else:
            kind_text = ORG_KINDS.get(codes[0], "HEALTH SERVICES")
            words = ORG_WORDS[r[21] % len(ORG_WORDS)]
            form = ORG_FORMS[r[22] % len(ORG_FORMS)]
            f[ORG_NAME] = f"{words} {kind_text} {form}" if r[23] % 2 else f"{surname} {kind_text} {form}"
            if r[27] % 5 == 0:
                f[OTHER_ORG] = f"{words} {kind_text}"
                f[OTHER_ORG_TYPE] = "3"
            f[AO_LAST] = surname
            f[AO_FIRST] = given
            f[AO_MIDDLE] = "ABCDEFGHJKLMNPRSTW"[r[22] % 18] if r[24] % 2 else ""
            f[AO_TITLE] = AO_TITLES[r[25] % len(AO_TITLES)]
            f[AO_PHONE] = phone
            f[AO_CREDENTIAL] = ("", "", "MD", "RN", "MBA")[r[26] % 5]
            if r[28] % 4 == 0:
                f[SUBPART] = "Y"
                f[PARENT_LBN] = f"{SURNAMES[r[28] % n_sur]} HEALTH SYSTEM INC"
            else:
                f[SUBPART] = "N"
        # Addresses: practice location, and a mailing address that is often the same.
        line1 = f"{r[29] % 9899 + 1} {STREETS[r[30] % n_street]}"
        line2 = SECOND_LINES[r[31] % 8] if r[31] % 10 < 3 else ""
        postal = f"{zip5}{r[32] % 9000 + 1000}" if r[32] % 10 < 6 else zip5
        fax = f"{area}{r[33] % 9000000 + 1000000}" if r[33] % 10 < 4 else ""
        f[PRACTICE : PRACTICE + 8] = [line1, line2, city, state, postal, "US", phone, fax]
        if r[34] % 10 < 6:
            f[MAIL : MAIL + 8] = [line1, line2, city, state, postal, "US", phone, fax]
        else:
            mzip, mcity, mstate, marea = places[(r[4] + r[34] % 50) % n_places]
            f[MAIL : MAIL + 8] = [f"PO BOX {r[35] % 9000 + 100}", "", mcity, mstate, mzip, "US", phone, ""]
        # Other identifiers (mostly Medicaid numbers) on a minority of rows.
        n_ids = (1, 1, 2)[r[36] % 3] if r[36] % 100 < 18 else 0
        for k in range(n_ids):
            c = OTHER_ID + 4 * k
            f[c] = str(r[37 + k] % 900000000 + 100000000)
            f[c + 1] = OTHER_ID_TYPES[r[37 + k] % len(OTHER_ID_TYPES)]
            f[c + 2] = state
            f[c + 3] = "MEDICAID" if f[c + 1] == "01" else ""
        out.append('"' + '","'.join(f) + '"\r\n')
    return "".join(out).encode("utf-8")


def generate(rows: int, out: Path, seed: int, workers: int) -> int:
    header = _check_header()
    out.parent.mkdir(parents=True, exist_ok=True)
    jobs = []
    for chunk in range((rows + CHUNK_ROWS - 1) // CHUNK_ROWS):
        jobs.append((seed, chunk, min(CHUNK_ROWS, rows - chunk * CHUNK_ROWS)))
    written = 0
    tmp = out.with_suffix(out.suffix + ".partial")
    with open(tmp, "wb", buffering=16 << 20) as fh:
        fh.write((header + "\r\n").encode("utf-8"))
        if workers <= 1:
            results = map(build_chunk, jobs)
            for data in results:
                fh.write(data)
        else:
            with multiprocessing.get_context("fork").Pool(workers, initializer=_tables) as pool:
                for data in pool.imap(build_chunk, jobs, chunksize=1):
                    fh.write(data)
        written = fh.tell()
    os.replace(tmp, out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=NATIONAL_ROWS, help="data rows to write (default 9,300,000)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "npidata_pfile_national.csv")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    size = generate(args.rows, args.out, args.seed, args.workers)
    seconds = time.perf_counter() - started
    print(
        f"wrote {args.rows:,} rows, {size / 1e9:.2f} GB ({size / max(args.rows, 1):.0f} B/row) "
        f"to {args.out} in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
