"""Patient-to-provider matching for navigators: ranked providers for one
patient's need, each with its score and components, distance, the evidence of
each treatment claim and the preferences relaxed to fill the list.

    need        the need (treatments wanted or tried, place, plan, telehealth, language, access)
    pathway     the TRD pathway as data, and the next steps after the treatments tried
    relax       the fixed relaxation order and what each candidate needs relaxed
    profiles    per-provider ranking profiles (vetting, expertise) kept in the store
    quality     the outcome-measure reader of the quality component (none yet)
    match       match_providers, which puts them together
    search      search ordered by TRD expertise

The score itself is a pure function with replaceable weights: ``scoring.matching``.
"""

from .match import AppliedRelaxation, Match, MatchResult, PathwayProposal, VettingCheck, match_providers
from .need import MAX_FIRST, MAX_MILES, MAX_PATHWAY_STEPS, MAX_WAIT_DAYS, Accepting, Need, Telehealth
from .pathway import MAX_STEPS, Pathway, load_pathway
from .profiles import RefreshReport, refresh_profiles
from .quality import QualityReader, no_outcomes
from .relax import ORDER, WIDEN_FACTOR, Relaxation, UnknownFact, Via
from .search import search_providers

__all__ = [
    "MAX_FIRST",
    "MAX_MILES",
    "MAX_PATHWAY_STEPS",
    "MAX_STEPS",
    "MAX_WAIT_DAYS",
    "ORDER",
    "WIDEN_FACTOR",
    "Accepting",
    "AppliedRelaxation",
    "Match",
    "MatchResult",
    "Need",
    "Pathway",
    "PathwayProposal",
    "QualityReader",
    "RefreshReport",
    "Relaxation",
    "Telehealth",
    "UnknownFact",
    "Via",
    "VettingCheck",
    "load_pathway",
    "match_providers",
    "no_outcomes",
    "refresh_profiles",
    "search_providers",
]
