"""CSV members of an NPPES zip, read as streams (never extracted whole).

A member is named by the archive's path and the member's name. Its identity
for run bookkeeping is cheap and exact: the zip's central directory already
holds each member's CRC-32 and sizes, so no byte of the member is read for it.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from directory.errors import SourceFormatError

#: What zipfile raises on a damaged or cut-off member while reading it.
_BROKEN = (zipfile.BadZipFile, EOFError, zlib.error)


def open_zip(path: str | os.PathLike[str]) -> zipfile.ZipFile:
    """Open an archive; SourceFormatError if it is missing or not a zip."""
    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(f"NPPES zip not found: {path}")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceFormatError(f"not a readable zip archive ({exc}): {path}") from exc


def member_info(archive: zipfile.ZipFile, member: str) -> zipfile.ZipInfo:
    try:
        return archive.getinfo(member)
    except KeyError:
        raise SourceFormatError(f"{member} is not in {archive.filename}") from None


def open_member(path: str | os.PathLike[str], member: str) -> MemberStream:
    """A binary stream of one member; closing it closes the archive too."""
    archive = open_zip(path)
    try:
        info = member_info(archive, member)
        if info.file_size == 0:
            raise SourceFormatError(f"{member} in {Path(path).name} is empty")
        stream = archive.open(info)
    except BaseException:
        archive.close()
        raise
    return MemberStream(stream, archive)


def member_fingerprint(path: str | os.PathLike[str], member: str) -> str:
    """SHA-256 over the member's name, CRC-32 and sizes (from the directory)."""
    with open_zip(path) as archive:
        info = member_info(archive, member)
        text = f"{info.filename}:{info.CRC}:{info.file_size}:{info.compress_size}"
    return hashlib.sha256(text.encode()).hexdigest()


class MemberStream:
    """A member's stream that owns its archive: line iteration, readline, read."""

    def __init__(self, stream: IO[bytes], archive: zipfile.ZipFile):
        self._stream, self._archive = stream, archive

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except _BROKEN as exc:
            raise self._broken(exc) from exc

    def readline(self, size: int = -1) -> bytes:
        try:
            return self._stream.readline(size)
        except _BROKEN as exc:
            raise self._broken(exc) from exc

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except _BROKEN as exc:
            raise self._broken(exc) from exc

    def _broken(self, exc: BaseException) -> SourceFormatError:
        return SourceFormatError(
            f"zip member {self._stream.name} of {self._archive.filename} is damaged or "
            f"truncated ({exc or type(exc).__name__})"
        )

    def readable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._stream.closed

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._archive.close()

    def __enter__(self) -> MemberStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
