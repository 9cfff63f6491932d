"""Sources: one module per source, each only reading and mapping its rows.

:class:`Source` and :func:`load` (``base``) own the run: opening or resuming
it, the bad-row policy, batches written with their checkpoint, the report and
finishing or failing. :class:`CsvSource` (``tabular``) is a CSV file with named
columns mapped row by row to :class:`Facts`. The source modules are imported
by name (``ingest.sources.nppes``, ``.reference``, ``.deactivation``,
``.catalog``, ``.npi_registry``, ``.leie``, ``.outcomes``), so loading one
never imports another's dependencies.
"""

from .base import Source, SourceFile, file_key, load
from .sinks import Facts, FactSink, ProviderSink
from .tabular import CsvSource

__all__ = ["CsvSource", "FactSink", "Facts", "ProviderSink", "Source", "SourceFile", "file_key", "load"]
