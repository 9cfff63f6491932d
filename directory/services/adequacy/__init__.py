"""Network adequacy (42 CFR 422.116): time and distance and minimum numbers per
county and specialty, the gaps, and the providers of the directory that close
them. Inputs are CSV files the user can replace (:mod:`.inputs`); the
arithmetic is array code (:mod:`.compute`); fixes are a greedy set cover
(:mod:`.fixes`); outputs are a JSON report, CSV tables (:mod:`.report`) and a
PNG map (:mod:`.maps`)."""

from .assess import Assessment, Cell, assess, vetted_npis
from .fixes import Fixes, Pick
from .hsd import load_counties, read_hsd_counties, read_hsd_workbook
from .inputs import (
    COUNTY_TYPES,
    Counties,
    County,
    CsvText,
    Members,
    SpecialtyMap,
    Standard,
    Standards,
    default_counties,
    default_specialties,
    default_standards,
    members_from_pairs,
    read_counties,
    read_members,
    read_specialties,
    read_standards,
)
from .report import CSV_COLUMNS, HSD_COLUMNS, csv_rows, hsd_rows, report_dict, to_csv
from .travel import OsrmTable, StraightLine, Travel, travel_from_settings

__all__ = [
    "COUNTY_TYPES",
    "CSV_COLUMNS",
    "HSD_COLUMNS",
    "Assessment",
    "Cell",
    "Counties",
    "County",
    "CsvText",
    "Fixes",
    "Members",
    "OsrmTable",
    "Pick",
    "SpecialtyMap",
    "Standard",
    "Standards",
    "StraightLine",
    "Travel",
    "assess",
    "csv_rows",
    "default_counties",
    "default_specialties",
    "default_standards",
    "hsd_rows",
    "load_counties",
    "members_from_pairs",
    "read_counties",
    "read_hsd_counties",
    "read_hsd_workbook",
    "read_members",
    "read_specialties",
    "read_standards",
    "report_dict",
    "to_csv",
    "travel_from_settings",
    "vetted_npis",
]
