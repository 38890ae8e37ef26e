"""Opening uploaded ZIP packages (a ZIP of CSVs, an XLSX file) without trusting them.

A ZIP's central directory declares every member's compressed and uncompressed size. Before
anything is decompressed, `check_archive` refuses a package whose members are too many, too
large (each, or in total) or compressed suspiciously well (a zip bomb: 1 MB holding 1 GiB).
The declared sizes may lie, so `open_member` also counts the bytes actually decompressed and
stops at the cap; Python's `zipfile` itself never returns more than the declared size and
then fails the CRC check, so a lying member cannot get past either.

The limits are settings (docs/security.md, "Uploads"); `Limits.from_settings()` reads them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

MiB = 1024 * 1024
# The compression ratio is judged on members of at least this size: a tiny file of repeated
# characters compresses 1000:1 without being a danger to anyone.
RATIO_FLOOR = MiB


class ArchiveRefused(ValueError):
    """The package breaks a limit; the message names the member, the size and the setting."""


@dataclass(frozen=True)
class Limits:
    member_bytes: int
    total_bytes: int
    ratio: int
    members: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            member_bytes=settings.IMPORT_MAX_MEMBER_BYTES,
            total_bytes=settings.IMPORT_MAX_TOTAL_BYTES,
            ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            members=settings.IMPORT_MAX_MEMBERS,
        )


def size(count: int) -> str:
    """A byte count as people read it (binary units, as the defaults are set)."""
    if count < MiB:
        return f"{count / 1024:,.1f} KiB" if count >= 1024 else f"{count:,} bytes"
    if count < 1024 * MiB:
        return f"{count / MiB:,.1f} MiB"
    return f"{count / (1024 * MiB):,.2f} GiB"


def check_archive(archive: zipfile.ZipFile, limits: Limits, *, name: str) -> None:
    """Refuse the package from its directory alone, before decompressing anything."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > limits.members:
        raise ArchiveRefused(
            f"{name} holds {len(members):,} files; at most {limits.members:,} are read "
            "(setting IMPORT_MAX_MEMBERS)"
        )
    total = 0
    for info in members:
        if info.file_size > limits.member_bytes:
            raise ArchiveRefused(
                f"{info.filename} in {name} unpacks to {size(info.file_size)}; the limit for "
                f"one file is {size(limits.member_bytes)} (setting IMPORT_MAX_MEMBER_BYTES)"
            )
        if info.file_size >= RATIO_FLOOR and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise ArchiveRefused(
                f"{info.filename} in {name} is compressed {ratio:,.0f} to 1 "
                f"({size(info.compress_size)} unpacking to {size(info.file_size)}); the limit "
                f"is {limits.ratio} to 1 (setting IMPORT_MAX_COMPRESSION_RATIO)"
            )
        total += info.file_size
    if total > limits.total_bytes:
        raise ArchiveRefused(
            f"{name} unpacks to {size(total)} in all; the limit is "
            f"{size(limits.total_bytes)} (setting IMPORT_MAX_TOTAL_BYTES)"
        )


class _Capped(io.RawIOBase):
    """A member's decompressed bytes, refused as soon as they pass `cap`."""

    def __init__(self, stream, cap: int, label: str):
        self.stream, self.cap, self.label, self.count = stream, cap, label, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.count += len(data)
        if self.count > self.cap:
            raise ArchiveRefused(
                f"{self.label} unpacks to more than {size(self.cap)} (more than its ZIP "
                "directory declares, or past the limit; setting IMPORT_MAX_MEMBER_BYTES)"
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


def open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, *, name: str):
    """A buffered binary stream of one member, read piece by piece and capped."""
    cap = min(limits.member_bytes, info.file_size)
    return io.BufferedReader(_Capped(archive.open(info), cap, f"{info.filename} in {name}"))
