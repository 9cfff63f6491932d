"""``matchProviders`` for navigators. The rules are the service's
(:mod:`directory.services.matching`); this resolver bounds the request, checks
the plan or network the caller names, and maps the result and refusals."""

from __future__ import annotations

import functools
from pathlib import Path

import strawberry

from directory import settings
from directory.errors import ConfigurationError, InputError, NotFound, PathwayExhausted
from directory.services import matching
from scoring import MatchWeights

from ..auth import visible_network
from .enums import MatchErrorCode
from .inputs import PatientNeedInput, UnknownZip, to_need
from .types import MatchProvidersPayload

DEFAULT_FIRST = 10


@functools.lru_cache(maxsize=8)
def _weights(path: str | None) -> MatchWeights:
    if not path:
        return MatchWeights()
    try:
        return MatchWeights.from_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot use the match weights {path}: {exc}") from exc


def configured() -> tuple[MatchWeights, matching.Pathway]:
    """The weights and pathway the settings name (read once per file)."""
    return _weights(settings.get("match_weights")), matching.load_pathway(settings.get("trd_pathway"))


@strawberry.type
class MatchingQueries:
    @strawberry.field(
        description="Providers for a patient's need, ranked, each with its score and components, distance, the "
        "evidence of its treatment claims and what was relaxed to list it; "
        f"`first` at most {matching.MAX_FIRST}."
    )
    async def match_providers(
        self, info: strawberry.Info, need: PatientNeedInput, first: int = DEFAULT_FIRST
    ) -> MatchProvidersPayload:
        ctx = info.context
        try:
            wanted, own_pathway = to_need(need, first)
            if wanted.network_id is not None:  # an employer network exists for its owner only
                visible_network(ctx.principal, await ctx.loaders.networks.load(wanted.network_id), wanted.network_id)
            if wanted.plan_id is not None and await ctx.loaders.plans.load(wanted.plan_id) is None:
                raise NotFound(f"no plan {wanted.plan_id!r}")
            weights, pathway = configured()
            result = await ctx.run(
                matching.match_providers, ctx.store, wanted, ctx.today, weights=weights, pathway=own_pathway or pathway
            )
        except UnknownZip as exc:
            return MatchProvidersPayload.refused(MatchErrorCode.UNKNOWN_ZIP, str(exc))
        except PathwayExhausted as exc:
            return MatchProvidersPayload.refused(MatchErrorCode.PATHWAY_EXHAUSTED, str(exc))
        except InputError as exc:
            return MatchProvidersPayload.refused(MatchErrorCode.INVALID_INPUT, str(exc))
        except NotFound as exc:
            return MatchProvidersPayload.refused(MatchErrorCode.NOT_FOUND, str(exc))
        return MatchProvidersPayload.of(result)
