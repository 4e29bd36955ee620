"""Bounded decompression of uploads: refuse decompression bombs before they cost memory.

:func:`safe_decompress` takes the bytes of an upload (gzip, bzip2, xz or a one-file zip; anything
else is passed through) and returns the decompressed bytes, reading at most
``limits.decompressed_bytes`` of output in bounded chunks: a 10 KB file that inflates to 10 GB is
refused after ``decompressed_bytes + 1`` bytes, not after exhausting memory. The compressed input
itself must fit ``limits.upload_bytes``. Nested compression (a gzip inside a gzip) is not unpacked.

>>> safe_decompress(gzip.compress(b"source,object,attribute,value\\n"), "claims.csv.gz")
b'source,object,attribute,value\\n'
"""

from __future__ import annotations

import bz2
import gzip  # noqa: F401  (used in the doctest)
import io
import lzma
import zipfile
import zlib
from typing import Any

from sevenfold import limits as _limits
from sevenfold.errors import InputError, LimitExceeded

_CHUNK = 1 << 16


def compression_of(data: bytes) -> str | None:
    """'gzip' | 'bzip2' | 'xz' | 'zip' from the magic bytes, or None for uncompressed data."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:3] == b"BZh":
        return "bzip2"
    if data[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if data[:4] == b"PK\x03\x04":
        return "zip"
    return None


class _ZlibStream:
    """zlib's decompressobj with the bz2/lzma ``decompress(data, max_length)`` / ``eof`` interface."""

    def __init__(self) -> None:
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.unconsumed_tail = b""

    @property
    def eof(self) -> bool:
        return self._d.eof

    @property
    def unused_data(self) -> bytes:
        return self._d.unused_data

    @property
    def needs_input(self) -> bool:
        return not self.unconsumed_tail

    def decompress(self, data: bytes, max_length: int) -> bytes:
        out = self._d.decompress(data, max(1, max_length))
        self.unconsumed_tail = self._d.unconsumed_tail
        return out


def safe_decompress(data: bytes, name: str = "<upload>", limits: _limits.Limits | None = None) -> bytes:
    """Decompress an upload within the limits; uncompressed data is returned unchanged.

    Raises :class:`LimitExceeded` (``upload_bytes``, ``decompressed_bytes``) or :class:`InputError`
    for damaged archives and zips that do not hold exactly one file.
    """
    lim = limits or _limits.current()
    if len(data) > lim.upload_bytes:
        raise LimitExceeded("upload_bytes", len(data), lim.upload_bytes, name)
    kind = compression_of(data)
    cap = lim.decompressed_bytes
    try:
        if kind is None:
            return data
        if kind == "zip":
            return _unzip_one(data, name, cap)
        if kind == "gzip":
            return _inflate(_ZlibStream(), data, cap, name, kind)
        if kind == "bzip2":
            return _inflate(bz2.BZ2Decompressor(), data, cap, name, kind)
        return _inflate(lzma.LZMADecompressor(), data, cap, name, kind)
    except (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"{name}: damaged {kind} data ({exc})") from None


def _inflate(decompressor: Any, data: bytes, cap: int, name: str, kind: str) -> bytes:
    """Feed ``data`` through the decompressor, never producing more than ``cap + 1`` bytes."""
    out = bytearray()
    pending = data
    while True:
        out += decompressor.decompress(pending, max_length=cap + 1 - len(out))
        if len(out) > cap:
            raise LimitExceeded("decompressed_bytes", f"more than {cap}", cap, name)
        if decompressor.eof:
            rest = decompressor.unused_data
            if kind == "gzip" and rest[:2] == b"\x1f\x8b":  # concatenated gzip members
                decompressor, pending = _ZlibStream(), rest
                continue
            return bytes(out)
        pending = b"" if kind != "gzip" else decompressor.unconsumed_tail
        if decompressor.needs_input:  # all input consumed, stream not finished
            raise InputError(f"{name}: truncated {kind} data")


def _unzip_one(data: bytes, name: str, cap: int) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        if len(members) != 1:
            raise InputError(f"{name}: a zip upload must hold exactly one file (it holds {len(members)})")
        info = members[0]
        if info.file_size > cap:  # declared size: refuse without reading
            raise LimitExceeded("decompressed_bytes", info.file_size, cap, f"{name}: {info.filename}")
        out = bytearray()
        with zf.open(info) as fh:  # the declared size may lie: count what really comes out
            while True:
                chunk = fh.read(min(_CHUNK, cap + 1 - len(out)) or 1)
                if not chunk:
                    return bytes(out)
                out += chunk
                if len(out) > cap:
                    raise LimitExceeded("decompressed_bytes", f"more than {cap}", cap, f"{name}: {info.filename}")
