"""How the benchmark's sources write what they write: case, typos, street lines,
suites, phones, ZIPs as spreadsheets keep them, licence numbers as boards and
providers write them, nicknames, mistyped NPIs. Shared by every file writer."""

from __future__ import annotations

from pathlib import Path

from gen_world import Licence, Place, World

# Nicknames as people write them, drawn up for the benchmark (independent of the matcher's table)
NICKNAMES = {
    "ROBERT": ["BOB", "ROB", "BOBBY", "ROBBIE"],
    "WILLIAM": ["BILL", "WILL", "BILLY", "LIAM"],
    "JAMES": ["JIM", "JIMMY", "JAMIE"],
    "JOHN": ["JACK", "JOHNNY"],
    "MICHAEL": ["MIKE", "MICKEY"],
    "RICHARD": ["RICK", "DICK", "RICH", "RICKY"],
    "THOMAS": ["TOM", "TOMMY"],
    "DAVID": ["DAVE"],
    "STEVEN": ["STEVE"],
    "STEPHEN": ["STEVE"],
    "CHRISTOPHER": ["CHRIS"],
    "DANIEL": ["DAN", "DANNY"],
    "JOSEPH": ["JOE", "JOEY"],
    "MATTHEW": ["MATT"],
    "ANTHONY": ["TONY"],
    "ANDREW": ["ANDY", "DREW"],
    "EDWARD": ["ED", "EDDIE", "TED"],
    "CHARLES": ["CHUCK", "CHARLIE"],
    "GREGORY": ["GREG"],
    "JEFFREY": ["JEFF"],
    "LAWRENCE": ["LARRY"],
    "NICHOLAS": ["NICK"],
    "PATRICK": ["PAT"],
    "PETER": ["PETE"],
    "RONALD": ["RON"],
    "SAMUEL": ["SAM"],
    "TIMOTHY": ["TIM"],
    "BENJAMIN": ["BEN"],
    "ALEXANDER": ["ALEX"],
    "KENNETH": ["KEN"],
    "DOUGLAS": ["DOUG"],
    "PHILIP": ["PHIL"],
    "FREDERICK": ["FRED"],
    "JOSHUA": ["JOSH"],
    "ELIZABETH": ["LIZ", "BETH", "BETSY", "LIZZIE"],
    "KATHERINE": ["KATE", "KATIE", "KATHY"],
    "CATHERINE": ["CATHY", "CATE"],
    "MARGARET": ["PEGGY", "MAGGIE", "MEG"],
    "SUSAN": ["SUE", "SUSIE"],
    "JENNIFER": ["JEN", "JENNY"],
    "PATRICIA": ["PATTY", "TRISH", "PAT"],
    "REBECCA": ["BECKY", "BECCA"],
    "DEBORAH": ["DEB", "DEBBIE"],
    "VICTORIA": ["VICKY", "TORI"],
    "CHRISTINE": ["CHRIS", "CHRISSY"],
    "JESSICA": ["JESS"],
    "STEPHANIE": ["STEPH"],
    "ABIGAIL": ["ABBY"],
    "AMANDA": ["MANDY"],
    "KIMBERLY": ["KIM"],
    "SAMANTHA": ["SAM"],
    "ALEXANDRA": ["ALEX"],
    "JACQUELINE": ["JACKIE"],
    "CYNTHIA": ["CINDY"],
}


class Render:
    """Text variation drawn from the world's one seeded Random, and the truth rows."""

    def __init__(self, world: World, out: Path, roster_xlsx: bool):
        self.w = world
        self.r = world.r
        self.out = out
        self.roster_xlsx = roster_xlsx
        self.truth: list[tuple[str, str, str, str]] = []  # source, record id, entity (separate), entity (merged)

    def case(self, text: str) -> str:
        roll = self.r.random()
        return text.title() if roll < 0.45 else text.lower() if roll < 0.48 else text

    def typo(self, text: str) -> str:
        if len(text) < 4:
            return text
        r = self.r
        i = r.randrange(1, len(text) - 1)
        op = r.random()
        if op < 0.3:
            return text[:i] + text[i + 1 :]
        if op < 0.6:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if op < 0.8:
            return text[:i] + r.choice("AEIOURSTLNMC") + text[i + 1 :]
        return text[:i] + text[i] + text[i:]  # a doubled letter

    def line1(self, p: Place, spelled: float = 0.3) -> str:
        i = 0 if self.r.random() < spelled else 1
        return " ".join(x for x in (p.number, p.direction[i], p.street, p.street_type[i]) if x)

    def suite(self, p: Place) -> str:
        if not p.suite:
            return ""
        fmt = self.r.choice(["STE {}", "SUITE {}", "# {}", "#{}", "STE. {}", "UNIT {}", "Suite {}", "Ste {}"])
        return fmt.format(p.suite)

    def phone_text(self, digits: str) -> str:
        a, b, c = digits[:3], digits[3:6], digits[6:]
        fmt = self.r.choice(
            [
                "{}{}{}",
                "({}) {}-{}",
                "{}-{}-{}",
                "{}.{}.{}",
                "+1 {} {} {}",
                "1-{}-{}-{}",
                "{} {} {}",
                "({}){}-{}",
                "{}-{}-{} x{}",
                "({}) {}-{} ext. {}",
            ]
        )
        return fmt.format(a, b, c, self.r.randint(1, 999))

    def zip_text(self, p: Place, spreadsheet: bool) -> str:
        roll = self.r.random()
        z = p.zip5 if roll < 0.6 else f"{p.zip5}-{p.plus4}" if roll < 0.85 else f"{p.zip5}{p.plus4}"
        if spreadsheet and self.r.random() < 0.7:
            z = z.lstrip("0")  # a spreadsheet held the ZIP as a number
        return z

    def licence_text(self, lic: Licence, with_state: float) -> str:
        """A licence number as a source writes it: the board's own style, sometimes
        with the state in front, sometimes without its zeros."""
        letters, width = self.w.board_style[lic.state]
        number = lic.number.zfill(width) if width else lic.number
        prefix = lic.kind if letters.startswith("TYPE") else ""
        text = f"{prefix}{'.' if letters == 'TYPE.' else ''}{number}"
        roll = self.r.random()
        if roll < with_state:
            return self.r.choice([f"{lic.state}{number}", f"{lic.state}-{number}", f"{lic.state} {text}"])
        if roll < with_state + 0.15:
            return lic.number  # no letters, no zeros
        return text

    def given(self, first: str, nick: float) -> str:
        if self.r.random() < nick and first in NICKNAMES:
            return self.r.choice(NICKNAMES[first])
        return first

    def add_truth(self, source: str, record_id: str, eid: str, merged: str | None = None) -> None:
        self.truth.append((source, record_id, eid, merged or eid))


def mistype(npi: str, r) -> str:
    """One keying error: a digit changed, two neighbours swapped, or one dropped."""
    i = r.randrange(0, 9)
    roll = r.random()
    if roll < 0.5:
        return npi[:i] + str((int(npi[i]) + r.randint(1, 9)) % 10) + npi[i + 1 :]
    if roll < 0.85:
        return npi[:i] + npi[i + 1] + npi[i] + npi[i + 2 :] if npi[i] != npi[i + 1] else npi[:i] + npi[i + 1 :]
    return npi[:i] + npi[i + 1 :]
