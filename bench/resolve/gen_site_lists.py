"""The benchmark's TMS and esketamine REMS site lists: sites under the names they
trade as, some at locations NPPES does not list."""

from __future__ import annotations

import csv

from gen_nppes_file import NppesWriter
from gen_world import Org, Place

SITE_WORDS = ["TMS", "TMS CENTER", "TMS INSTITUTE", "NEUROMODULATION", "BRAIN HEALTH", "INTERVENTIONAL PSYCHIATRY"]
DEVICES = ["NeuroStar", "BrainsWay Deep TMS", "MagVenture", "Magstim Horizon", "CloudTMS"]


class SiteWriter(NppesWriter):
    """The two site lists; ``mapping`` (the file's column mapping) is the subclass's."""

    def mapping(self, kind: str, columns: dict[str, str], values: dict) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------- sites
    def site_name(self, o: Org, brand: Org) -> str:
        r = self.r
        roll = r.random()
        if brand.dba and roll < 0.35:
            name = brand.dba
        elif roll < 0.65:
            name = brand.name
        elif roll < 0.85:
            name = (
                f"{brand.name} {r.choice(SITE_WORDS)}" if r.random() < 0.5 else f"{o.place.city} {r.choice(SITE_WORDS)}"
            )
            if o.owner is not None and r.random() < 0.5:
                name = f"{o.owner.first} {o.owner.last} {o.owner.credential.split(',')[0]}"
        else:
            name = brand.legal_name
        return self.typo(name) if r.random() < 0.04 else name

    def site_place(self, o: Org) -> tuple[Place, bool]:
        """Where the list puts the site: the NPPES address, or a location NPPES does not list."""
        r = self.r
        if r.random() < 0.7:
            return o.place, True
        if o.other_sites:
            return o.other_sites[0], False
        place = self.w.place(near=o.place, phone=o.place.phone if r.random() < 0.5 else None)
        o.other_sites.append(place)
        return place, False

    def tms(self) -> None:
        r = self.r
        header = [
            "Site ID",
            "Practice Name",
            "Street Address",
            "Suite",
            "City",
            "State",
            "ZIP Code",
            "Phone Number",
            "NPI",
            "Device",
            "Protocols",
        ]
        rows = []
        for o in self.w.orgs:
            if not o.tms:
                continue
            for _ in range(1 if r.random() < 0.85 else 2):
                place, _listed = self.site_place(o)
                brand = o.parent if o.parent is not None and r.random() < 0.3 else o
                roll = r.random()
                npi = o.npi if roll < 0.25 else (o.parent.npi if o.parent is not None and roll < 0.3 else "")
                phone = place.phone if r.random() < 0.75 else "" if r.random() < 0.5 else self.w.phone()
                sid = f"TMS-{len(rows) + 1:06d}"
                rows.append(
                    [
                        sid,
                        self.case(self.site_name(o, brand)),
                        self.case(self.line1(place, 0.6)),
                        self.suite(place),
                        self.case(place.city),
                        place.state,
                        self.zip_text(place, spreadsheet=False),
                        self.phone_text(phone) if phone else "",
                        npi,
                        r.choice(DEVICES),
                        r.choice(["Standard", "Standard; iTBS", "iTBS", "SAINT", "Standard; Deep TMS"]),
                    ]
                )
                self.add_truth("tms_sites", sid, o.eid, o.merged_eid)
        with open(self.out / "tms_sites.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        self.mapping(
            "tms",
            {
                "record_id": "Site ID",
                "site_name": "Practice Name",
                "address_line_1": "Street Address",
                "address_line_2": "Suite",
                "city": "City",
                "state": "State",
                "zip": "ZIP Code",
                "phone": "Phone Number",
                "npi": "NPI",
                "device": "Device",
                "protocols": "Protocols",
            },
            {},
        )

    def rems(self) -> None:
        r = self.r
        header = [
            "REMS Setting ID",
            "Healthcare Setting Name",
            "Address",
            "City",
            "State",
            "Zip",
            "Phone",
            "Setting Type",
            "Certification Date",
        ]
        rows = []
        for o in self.w.orgs:
            if not o.rems:
                continue
            place, _listed = self.site_place(o)
            brand = o.parent if o.parent is not None and r.random() < 0.3 else o
            suite = self.suite(place)
            sid = f"RS{len(rows) + 1:06d}"
            rows.append(
                [
                    sid,
                    self.site_name(o, brand).upper(),
                    f"{self.line1(place, 0.4)}{r.choice([', ', ' ']) + suite if suite else ''}".upper(),
                    place.city,
                    place.state,
                    self.zip_text(place, spreadsheet=False),
                    self.phone_text(place.phone) if r.random() < 0.8 else "",
                    r.choice(["Outpatient", "Outpatient", "Hospital", "Physician Office"]),
                    f"{r.randint(2019, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                ]
            )
            self.add_truth("rems_sites", sid, o.eid, o.merged_eid)
        with open(self.out / "rems_sites.tsv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter="\t")
            writer.writerow(header)
            writer.writerows(rows)
        self.mapping(
            "esketamine_rems",
            {
                "record_id": "REMS Setting ID",
                "site_name": "Healthcare Setting Name",
                "address": "Address",
                "city": "City",
                "state": "State",
                "zip": "Zip",
                "phone": "Phone",
                "setting_type": "Setting Type",
                "certification_date": "Certification Date",
            },
            {},
        )
