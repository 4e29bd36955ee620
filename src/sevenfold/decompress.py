"""Bounded decompression of uploads: refuse decompression bombs before they cost memory.

:func:`safe_decompress` takes the bytes of an upload (gzip, bzip2, xz or a one-file zip; anything
else is passed through) and returns the decompressed bytes, reading them in bounded chunks and
never more than the smaller of two bounds: ``limits.decompressed_bytes`` (absolute) and
``limits.decompressed_ratio`` times the compressed size (output up to 1 MiB is always allowed). A
200 KB gzip that inflates to 200 MB is refused after 20 MB of output (ratio 100), a 10 KB file that
inflates to 10 GB after about 1 MB, never after exhausting memory. The compressed input itself must
fit ``limits.upload_bytes``. Nested compression (a gzip inside a gzip) is not unpacked.

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
_CHUNK_OUT = 1 << 22  # output per decompress call: memory grows in steps, checked after each


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
        self._full = False  # the last call filled max_length: zlib may hold more output

    @property
    def eof(self) -> bool:
        return self._d.eof

    @property
    def unused_data(self) -> bytes:
        return self._d.unused_data

    @property
    def needs_input(self) -> bool:
        return not self.unconsumed_tail and not self._full

    def decompress(self, data: bytes, max_length: int) -> bytes:
        out = self._d.decompress(data, max(1, max_length))
        self.unconsumed_tail = self._d.unconsumed_tail
        self._full = len(out) >= max(1, max_length)
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
    if kind is None:
        return data
    cap = _Cap(lim, len(data))
    try:
        if kind == "zip":
            return _unzip_one(data, name, cap)
        if kind == "gzip":
            return _inflate(_ZlibStream(), data, cap, name, kind)
        if kind == "bzip2":
            return _inflate(bz2.BZ2Decompressor(), data, cap, name, kind)
        return _inflate(lzma.LZMADecompressor(), data, cap, name, kind)
    except (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"{name}: damaged {kind} data ({exc})") from None


RATIO_FLOOR = 1 << 20  # output up to this size is never refused for its ratio


class _Cap:
    """The most output allowed for ``compressed`` bytes of input, and the refusal naming the bound hit."""

    def __init__(self, lim: _limits.Limits, compressed: int) -> None:
        self.absolute, self.ratio, self.compressed = lim.decompressed_bytes, lim.decompressed_ratio, compressed
        self.size = min(self.absolute, max(RATIO_FLOOR, self.ratio * compressed))

    def refuse(self, name: str, got: int | None = None) -> LimitExceeded:
        if self.size == self.absolute:
            return LimitExceeded("decompressed_bytes", got if got is not None else f"more than {self.size}",
                                 self.absolute, name)
        return LimitExceeded("decompressed_ratio", f"more than {self.ratio} (over {self.size} bytes out of "
                             f"{self.compressed} compressed)", self.ratio, name)


def _inflate(decompressor: Any, data: bytes, bound: _Cap, name: str, kind: str) -> bytes:
    """Feed ``data`` through the decompressor, never producing more than ``bound.size + 1`` bytes."""
    out = bytearray()
    pending = data
    cap = bound.size
    while True:
        out += decompressor.decompress(pending, max_length=min(_CHUNK_OUT, cap + 1 - len(out)))
        if len(out) > cap:
            raise bound.refuse(name)
        if decompressor.eof:
            rest = decompressor.unused_data
            if kind == "gzip" and rest[:2] == b"\x1f\x8b":  # concatenated gzip members
                decompressor, pending = _ZlibStream(), rest
                continue
            return bytes(out)
        pending = b"" if kind != "gzip" else decompressor.unconsumed_tail
        if decompressor.needs_input:  # all input consumed, stream not finished
            raise InputError(f"{name}: truncated {kind} data: the file ends before the compressed stream does "
                             f"({len(data)} bytes read, {len(out)} unpacked); copy it again")


def _unzip_one(data: bytes, name: str, bound: _Cap) -> bytes:
    cap = bound.size
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        if len(members) != 1:
            raise InputError(f"{name}: a zip upload must hold exactly one file (it holds {len(members)})")
        info = members[0]
        if info.file_size > cap:  # declared size: refuse without reading
            raise bound.refuse(f"{name}: {info.filename}", info.file_size)
        out = bytearray()
        with zf.open(info) as fh:  # the declared size may lie: count what really comes out
            while True:
                chunk = fh.read(min(_CHUNK, cap + 1 - len(out)) or 1)
                if not chunk:
                    return bytes(out)
                out += chunk
                if len(out) > cap:
                    raise bound.refuse(f"{name}: {info.filename}")
