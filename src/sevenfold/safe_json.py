"""JSON input with the ``nesting_depth`` limit checked before any parser recurses.

``json.loads`` recurses once per nesting level (a RecursionError past the interpreter's limit), and
Arrow's JSON reader recurses in C++ (a crash, not an exception). Every JSON and JSON-lines reader
in sevenfold goes through :func:`loads` or :func:`check_depth` / :func:`check_file_depth`, which
measure the nesting of the text first with a scan of its brackets (strings left out) in NumPy, in a
fraction of the time ``json.loads`` takes to parse it.

JSON strings cannot hold a raw line break, so the text is scanned a block of whole lines at a time
and only the depth is carried from one block to the next; a refusal names the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from sevenfold import limits as _limits
from sevenfold.errors import LimitExceeded

if TYPE_CHECKING:
    import numpy as np

_BLOCK = 8 * 1024 * 1024  # bytes scanned at a time


@cache
def _classes() -> np.ndarray:
    """The bytes that matter to nesting: 1 opens, 2 closes, 3 quote, 4 backslash, 5 line break."""
    import numpy as np

    table = np.zeros(256, dtype=np.uint8)
    for chars, code in ((b"[{", 1), (b"]}", 2), (b'"', 3), (b"\\", 4), (b"\n", 5)):
        table[list(chars)] = code
    return table


def _scan(block: bytes, depth: int, limit: int) -> tuple[int, int]:
    """Nesting of ``block`` (whole lines, entered at ``depth``): the depth it ends at, and the 0-based
    line on which it first nests deeper than ``limit`` (-1: never).

    Brackets inside strings do not count; a quote escaped by an odd run of backslashes does not end a
    string; every line starts outside a string. A closing bracket with nothing open is not counted
    below 0, so stray closers (invalid anyway) cannot hide the depth that follows them."""
    import numpy as np

    raw = np.frombuffer(block, dtype=np.uint8)
    classes = _classes()[raw]
    pos = np.flatnonzero(classes)
    if not len(pos):
        return depth, -1
    code = classes[pos]
    quote = code == 3
    if b"\\" in block:
        _unescaped(raw, pos, quote)
    is_nl = code == 5
    quotes = np.cumsum(quote, dtype=np.int32)
    if is_nl.any() and (quotes[is_nl] % 2).any():  # a line with an unclosed string: restart at each line
        k = np.arange(len(code), dtype=np.int32)
        last_nl = np.maximum.accumulate(np.where(is_nl, k, -1))
        quotes -= np.where(last_nl >= 0, quotes[np.maximum(last_nl, 0)], 0)
    bracket = code <= 2
    bracket &= (quotes & 1) == 0
    walk = np.where(code[bracket] == 1, 1, -1).astype(np.int64)
    if not len(walk):
        return depth, -1
    walk[0] += depth
    np.cumsum(walk, out=walk)
    walk -= np.minimum(np.minimum.accumulate(walk), 0)  # the walk held at 0 from below
    over = np.flatnonzero(walk > limit)
    if len(over):
        return int(walk[-1]), int(np.cumsum(is_nl, dtype=np.int64)[bracket][over[0]])
    return int(walk[-1]), -1


def _unescaped(raw: np.ndarray, pos: np.ndarray, quote: np.ndarray) -> None:
    """Clear ``quote`` at quotes escaped by an odd run of backslashes right before them."""
    import numpy as np

    qi = np.flatnonzero(quote)
    qpos = pos[qi]
    cand = qpos > 0
    cand[cand] = raw[qpos[cand] - 1] == 0x5C
    if not cand.any():
        return
    backslashes = np.flatnonzero(raw == 0x5C)
    j = np.arange(len(backslashes))
    starts = np.ones(len(backslashes), dtype=bool)
    starts[1:] = np.diff(backslashes) != 1
    run_start = np.maximum.accumulate(np.where(starts, j, 0))
    end = np.searchsorted(backslashes, qpos[cand] - 1)  # the backslash right before each such quote
    odd = (end - run_start[end]) % 2 == 0
    quote[qi[cand][odd]] = False


def _refuse(where: str, line: int | None, limit: int) -> LimitExceeded:
    loc = f"{where}: line {line}" if line is not None and where else where
    return LimitExceeded("nesting_depth", f"more than {limit}", limit, loc)


def check_depth(text: str | bytes | Iterable[str | bytes], where: str = "", *, limit: int | None = None,
                first_line: int | None = 1) -> None:
    """Raise :class:`LimitExceeded` (naming ``where`` and the line) when the JSON (or JSON-lines)
    ``text`` nests lists and objects deeper than ``limit`` (default: the ``nesting_depth`` limit).

    ``text`` may be one string or an iterable of blocks of whole lines (each ending at a line break).
    ``first_line``: the number of its first line in the file (None: the message names no line)."""
    limit = _limits.current().nesting_depth if limit is None else limit
    if isinstance(text, (str, bytes)):
        opening = text.count("[") + text.count("{") if isinstance(text, str) else text.count(b"[") + text.count(b"{")
        if opening <= limit:
            return  # cannot nest deeper than it has brackets
        blocks: Iterable[str | bytes] = _split(text)
    else:
        blocks = text
    depth, line = 0, first_line or 1
    for block in blocks:
        data = block.encode("utf-8", "surrogatepass") if isinstance(block, str) else block
        depth, over = _scan(data, depth, limit)
        if over >= 0:
            raise _refuse(where, None if first_line is None else line + over, limit)
        line += data.count(b"\n")


def _split(text: str | bytes) -> Iterator[str | bytes]:
    """``text`` in blocks of about ``_BLOCK`` characters, each ending at a line break (or the end)."""
    nl: Any = b"\n" if isinstance(text, bytes) else "\n"
    start, n = 0, len(text)
    while start < n:
        end = text.find(nl, min(start + _BLOCK, n) - 1)
        end = n if end < 0 else end + 1
        yield text[start:end]
        start = end


def check_file_depth(fh: Any, where: str, *, limit: int | None = None) -> None:
    """:func:`check_depth` of a binary file (anything with ``read(n)``), read in blocks of whole lines
    (memory: one block, or the longest line)."""

    def blocks() -> Iterator[bytes]:
        pending: list[bytes] = []  # the start of a line that has not ended yet
        while True:
            chunk = fh.read(_BLOCK)
            if not chunk:
                if pending:
                    yield b"".join(pending)
                return
            cut = chunk.rfind(b"\n") + 1
            if not cut:
                pending.append(chunk)
                continue
            yield b"".join([*pending, chunk[:cut]])
            pending = [chunk[cut:]]

    check_depth(blocks(), where, limit=limit)


def loads(text: str | bytes | bytearray, where: str = "", *, limit: int | None = None, first_line: int | None = 1,
          **kwargs: Any) -> Any:
    """``json.loads(text, **kwargs)`` after :func:`check_depth`: JSON nested deeper than the limit is
    refused with :class:`LimitExceeded` before the parser recurses (JSONDecodeError and ValueError
    pass through as from ``json.loads``)."""
    if isinstance(text, (str, bytes, bytearray)):  # anything else: json.loads's own TypeError
        check_depth(bytes(text) if isinstance(text, bytearray) else text, where, limit=limit,
                    first_line=first_line)
    try:
        return json.loads(text, **kwargs)
    except RecursionError:  # a limit raised above what the interpreter's stack allows
        limit = _limits.current().nesting_depth if limit is None else limit
        raise LimitExceeded("nesting_depth", "too deep to parse", limit, where) from None
