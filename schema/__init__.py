"""The provnet GraphQL API (strawberry), organised by domain: providers/,
networks/, resolution/. ``create_app`` serves it; ``export_sdl`` prints the SDL
committed as schema/schema.graphql."""

from .app import create_app
from .root import build_schema, export_sdl

__all__ = ["build_schema", "create_app", "export_sdl"]
