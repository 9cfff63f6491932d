"""The root types, composed by inheritance from each domain, and the schema built from them."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from .adequacy.queries import AdequacyQueries
from .auth import Role
from .benefits.queries import BenefitQueries
from .documents import limit_extensions
from .errors import ErrorPolicy, log_errors
from .matching.queries import MatchingQueries
from .networks.lifecycle import NetworkLifecycleMutations
from .networks.mutations import NetworkMutations
from .networks.queries import NetworkQueries
from .networks.review import NetworkReviewQueries
from .providers.queries import ProviderQueries
from .reports.queries import ReportQueries
from .resolution.mutations import ResolutionMutations
from .resolution.queries import ResolutionQueries
from .vetting.mutations import VettingMutations
from .vetting.queries import VettingQueries

# registers auth.Role itself, so the annotation below names a real type
strawberry.enum(Role, name="Role", description="What a caller may do.")


@strawberry.type(description="The caller, as the server sees it.")
class Viewer:
    role: Role
    tenant: str | None


@strawberry.type
class Query(
    ProviderQueries,
    MatchingQueries,
    NetworkQueries,
    ResolutionQueries,
    AdequacyQueries,
    VettingQueries,
    NetworkReviewQueries,
    ReportQueries,
    BenefitQueries,
):
    @strawberry.field
    def viewer(self, info: strawberry.Info) -> Viewer:
        principal = info.context.principal
        return Viewer(role=principal.role, tenant=principal.tenant)


@strawberry.type
class Mutation(NetworkMutations, NetworkLifecycleMutations, ResolutionMutations, VettingMutations):
    pass


class ProvnetSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors)


def build_schema(environ: dict[str, str] | None = None) -> strawberry.Schema:
    """The schema with error masking and the depth, alias and cost limits from the settings."""
    return ProvnetSchema(query=Query, mutation=Mutation, extensions=[*limit_extensions(environ), ErrorPolicy])


def export_sdl() -> str:
    """The SDL of the schema, as committed in schema/schema.graphql."""
    return build_schema().as_str().rstrip("\n") + "\n"
