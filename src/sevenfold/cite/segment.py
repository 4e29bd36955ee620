"""Split a footnote into sentence-like segments without cutting inside titles.

A boundary is a full stop (or ?, !, ;) at quote depth 0 and outside ``*italics*``, followed by white
space and an upper-case letter, an opening quote, ``*`` or ``(``, where the word before the stop is not
an abbreviation or an initial ("A. Sidorov", "pp.", "Ill.", "Kn."). Only significant characters are
visited (one regex pass), so the cost is linear in the text.
"""

from __future__ import annotations

import re

from sevenfold.cite.textnorm import match_view

ABBREVIATIONS = frozenset(
    """p pp ll l ff f op d ed eds tr trans transl vol vols no nos ch chap kn t v ob gg g st mr mrs dr
    ill mich mass calif conn wis ind pa fla tex va md wash jan feb mar apr jun jul aug sep sept oct nov dec
    al cf vs etc ibid ib e i eg ie nr s ser rev repr comp ibid esp fol fols col cols fig figs pt pts sec
    vyp izd red sost ref t ст стр с л лл д оп ф тт вып изд ред сост гг г им арк спр
    abt pol zesp sygn bl bll frs fr bd hg hrsg vgl wyd oprac dept div sekt kk rg reg mf""".split()  # noqa: SIM905
)
# "Ibid." ends a sentence ("Ibid. See also ..." is two segments), so it is not an abbreviation here.
ABBREVIATIONS = ABBREVIATIONS - {"ibid", "ib"}

# quotes and asterisks (they change the state); a stop followed by closers (they may close quotes) or by a ';';
# a bare stop only when the next word could start a sentence (not a digit or an ASCII lower-case letter):
# the others would be rejected below anyway ('f. 17, op. 162, d. 21' costs no visit). The pattern opens
# with the set of all these characters, so the regex engine scans for them without entering it elsewhere.
_TOKENS = re.compile(r"[*\"«»„.?!;](?:(?<=[*\"«»„])|(?<=[.?!])[\"')\]]+(?=\s)|(?<=[.?!])(?=\s+[^\s\da-z])"
                     r"|(?<=;)[\"')\]]*(?=\s))")
_NO_SPLIT_BEFORE = re.compile(
    r"(?:ф|оп|д|лл|л|спр|арк|f|op|d|ll|l|spr|ark|k|t|т|с|s|p|№|no|vyp|вып|т)\.?\s{0,3}[A-ZА-Я]{0,2}-?\d"
    r"|[A-F]\d{11}(?!\d)"
    # GOST: 'Хозяин. М., 2010. С. 245.' / 'Хозяин. Москва: РОССПЭН, 2010.' / '// Вопросы истории. 1991.'
    r"|[A-ZА-ЯЁ][\w-]{0,20}\.?\s{0,2}[,:]\s{0,3}(?:[^,.\n]{1,60},\s{0,3})?(?:1[5-9]|20)\d\d(?!\d)"
    r"|(?:1[5-9]|20)\d\d\.|//",
    re.IGNORECASE,
)
_OPEN = {"«", "„"}
_CLOSE = {"»"}


def _word_before(view: str, i: int) -> str:
    """The word ending just before index i (the stop)."""
    j = i
    lim = max(0, i - 20)
    while j > lim and (view[j - 1].isalnum()):
        j -= 1
    return view[j:i]


def split_segments(text: str, max_segments: int = 100_000) -> list[tuple[int, int]]:
    """(start, end) offsets of the segments of ``text``, white space trimmed, empty ones dropped."""
    view = match_view(text)
    n = len(view)
    depth = 0
    italic = False
    straight_open = False  # state of straight double quotes (toggle)
    cuts: list[int] = []
    for m in _TOKENS.finditer(view):
        tok = m.group()
        pos = m.start()
        if tok == "*":
            italic = not italic
            continue
        if tok == '"':
            orig = text[pos]
            if orig == "\u201c":  # “ opens
                depth += 1
            elif orig == "\u201d":  # ” closes
                depth = max(0, depth - 1)
            else:  # straight " toggles
                if straight_open:
                    depth = max(0, depth - 1)
                else:
                    depth += 1
                straight_open = not straight_open
            continue
        if tok in _OPEN:
            depth += 1
            continue
        if tok in _CLOSE:
            depth = max(0, depth - 1)
            continue
        # a stop, possibly followed by closers; the closers may close quotes
        closers = tok[1:]
        for c, o in zip(closers, text[pos + 1: pos + len(tok)], strict=True):
            if c == '"':
                if o == "\u201c":
                    depth += 1
                elif o == "\u201d" or straight_open:
                    depth = max(0, depth - 1)
                    if o == '"':
                        straight_open = False
                else:
                    depth += 1
                    straight_open = True
        if depth or italic:
            continue
        end = m.end()
        k = end
        while k < n and view[k].isspace():
            k += 1
        if k >= n:
            continue
        nxt = view[k]
        if tok[0] != ";" and not (nxt.isupper() or nxt in "\"*(«„'["):
            continue
        if _NO_SPLIT_BEFORE.match(view, k):
            continue  # 'РГАСПИ. Ф. 17. Оп. 162.', 'Там же. Л. 47.': locator parts, not sentences
        if tok[0] == ".":
            w = _word_before(view, pos)
            if w.casefold() in ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                continue
        cuts.append(end)
        if len(cuts) >= max_segments:
            break
    out: list[tuple[int, int]] = []
    start = 0
    for cut in [*cuts, n]:
        part = view[start:cut] if start or cut < n else view
        left = part.lstrip()  # str.strip() drops exactly the characters for which isspace() is true
        if left:
            a = start + len(part) - len(left)
            out.append((a, a + len(left.rstrip())))
        start = cut
    return out
