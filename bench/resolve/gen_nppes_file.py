"""The NPPES V2 main file of the benchmark: the exact 330-column header from
``ingest/data``, every field quoted, deactivated NPIs as rows with only the NPI
and the date."""

from __future__ import annotations

import csv

from gen_render import Render
from gen_world import Org, Person, Place

from ingest.nppes import v2_columns

NPPES_FILE = "npidata_pfile_20050523-20260111.csv"


class NppesWriter(Render):
    def nppes(self) -> None:
        header = v2_columns()
        index = {name: i for i, name in enumerate(header)}
        path = self.out / NPPES_FILE
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow(header)
            rows = [("P", p) for p in self.w.people if p.in_nppes] + [("O", o) for o in self.w.orgs]
            self.r.shuffle(rows)
            for kind, entity in rows:
                row = [""] * len(header)

                def put(column: str, value: str, row: list[str] = row) -> None:
                    row[index[column]] = value

                put("NPI", entity.npi)
                if entity.deactivated:
                    put("NPI Deactivation Date", f"{self.r.randint(1, 12):02d}/{self.r.randint(1, 28):02d}/2024")
                    writer.writerow(row)
                    self.add_truth("nppes", entity.npi, entity.eid, getattr(entity, "merged_eid", entity.eid))
                    continue
                if kind == "P":
                    self._nppes_person(entity, put)  # type: ignore[arg-type]
                else:
                    self._nppes_org(entity, put)  # type: ignore[arg-type]
                writer.writerow(row)
                merged = entity.merged_eid if isinstance(entity, Org) else entity.eid
                self.add_truth("nppes", entity.npi, entity.eid, merged)

    def _nppes_address(self, put, p: Place) -> None:
        r = self.r
        suite = self.suite(p)
        if suite and r.random() < 0.3:
            put("Provider First Line Business Practice Location Address", f"{self.line1(p)} {suite}")
        else:
            put("Provider First Line Business Practice Location Address", self.line1(p))
            put("Provider Second Line Business Practice Location Address", suite)
        put("Provider Business Practice Location Address City Name", p.city)
        put("Provider Business Practice Location Address State Name", p.state)
        put("Provider Business Practice Location Address Postal Code", p.zip5 + (p.plus4 if r.random() < 0.6 else ""))
        put("Provider Business Practice Location Address Country Code (If outside U.S.)", "US")
        if r.random() < 0.95:
            put("Provider Business Practice Location Address Telephone Number", p.phone)
        if r.random() < 0.7:
            put("Provider First Line Business Mailing Address", self.line1(p))
            put("Provider Second Line Business Mailing Address", suite)
        else:
            put("Provider First Line Business Mailing Address", f"PO BOX {r.randint(1, 9999)}")
        put("Provider Business Mailing Address City Name", p.city)
        put("Provider Business Mailing Address State Name", p.state)
        put("Provider Business Mailing Address Postal Code", p.zip5)
        put("Provider Business Mailing Address Country Code (If outside U.S.)", "US")

    def _dates(self, put, enumerated: tuple[int, int, int]) -> None:
        y, m, d = enumerated
        put("Provider Enumeration Date", f"{m:02d}/{d:02d}/{y}")
        put(
            "Last Update Date",
            f"{self.r.randint(1, 12):02d}/{self.r.randint(1, 28):02d}/{max(y, self.r.randint(2015, 2025))}",
        )

    def _nppes_person(self, p: Person, put) -> None:
        r = self.r
        put("Entity Type Code", "1")
        put("Provider Last Name (Legal Name)", p.last)
        put("Provider First Name", p.first)
        put("Provider Middle Name", p.middle if r.random() < 0.85 else p.middle[:1])
        if r.random() < 0.15:
            put("Provider Name Prefix Text", r.choice(["DR.", "DR", "MS.", "MR."]))
        if p.suffix:
            put("Provider Name Suffix Text", {"JR": "JR.", "SR": "SR."}.get(p.suffix, p.suffix))
        put("Provider Credential Text", p.credential if r.random() < 0.9 else "")
        if p.former_last:
            put("Provider Other Last Name", p.former_last)
            put("Provider Other First Name", p.first)
            put("Provider Other Last Name Type Code", "1")
        place = p.nppes_place or p.place
        assert place is not None
        self._nppes_address(put, place)
        self._dates(put, p.enumerated)
        put("Provider Sex Code", p.sex)
        put("Is Sole Proprietor", "Y" if p.group is None and p.pllc is None and r.random() < 0.6 else "N")
        put("Healthcare Provider Taxonomy Code_1", p.taxonomy)
        if r.random() < 0.85:
            lic = p.licences[0]
            put("Provider License Number_1", self.licence_text(lic, with_state=0.25))
            put("Provider License Number State Code_1", lic.state)
        put("Healthcare Provider Primary Taxonomy Switch_1", "Y")
        if len(p.licences) > 1 and r.random() < 0.35:
            lic = p.licences[1]
            put("Healthcare Provider Taxonomy Code_2", p.taxonomy)
            put("Provider License Number_2", self.licence_text(lic, with_state=0.25))
            put("Provider License Number State Code_2", lic.state)
            put("Healthcare Provider Primary Taxonomy Switch_2", "N")

    def _nppes_org(self, o: Org, put) -> None:
        r = self.r
        put("Entity Type Code", "2")
        put("Provider Organization Name (Legal Business Name)", o.legal_name)
        if o.dba:
            put("Provider Other Organization Name", o.dba)
            put("Provider Other Organization Name Type Code", "3")
        self._nppes_address(put, o.place)
        self._dates(put, (r.randint(2005, 2025), r.randint(1, 12), r.randint(1, 28)))
        official = o.owner or (o.parent.owner if o.parent else None)
        put("Authorized Official Last Name", official.last if official else self.w.last_name())
        put("Authorized Official First Name", official.first if official else self.w.first_name(r.choice("MF")))
        put("Authorized Official Title or Position", r.choice(["OWNER", "PRESIDENT", "CEO", "ADMINISTRATOR"]))
        put("Authorized Official Telephone Number", o.place.phone)
        put("Is Organization Subpart", "Y" if o.parent else "N")
        if o.parent:
            put("Parent Organization LBN", o.parent.legal_name)
        put("Healthcare Provider Taxonomy Code_1", o.taxonomy)
        put("Healthcare Provider Primary Taxonomy Switch_1", "Y")
