"""DOCX footnotes at scale: reading 100,000 Word footnotes must cost about what parsing their XML costs.

Run: .venv/bin/python benchmarks/cite_docx_bench.py [--notes 100000] [--rounds 3]

A DOCX with N footnotes (archive references and Ibid., alternating; fixed, no randomness) is built in
memory. Measured in the same run, in CPU seconds (best of --rounds):

* ``read_docx`` — sevenfold's DOCX reader (the package opened by python-docx, notes in reference order);
* the **floor** — lxml alone parsing ``word/footnotes.xml`` and joining the text of every ``<w:t>``, the
  least any reader of these notes has to do; ``ratio`` = read_docx / floor;
* linearity — the reader on N/4 notes and on N notes: a linear reader takes about 4x longer on 4x the
  notes (the ``scale`` column), a quadratic one 16x;
* end to end — ``sevenfold cite audit FILE --json`` in a fresh process on the DOCX and on the same notes
  as a plain-text file (the peer): ``docx/text`` is the ratio of their CPU times.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def note_text(k: int) -> str:
    return f"RGASPI, f. 17, op. 1, d. {k}, l. 3." if k % 2 else "Ibid., l. 4."


def make_docx(n: int) -> bytes:
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.wordprocessingml.footnotes+xml"/></Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    doc_rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    body = "".join(f'<w:p><w:r><w:t>Text.</w:t></w:r><w:r><w:footnoteReference w:id="{k}"/></w:r></w:p>'
                   for k in range(1, n + 1))
    document = f'<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>'
    notes = "".join(f'<w:footnote w:id="{k}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
                    f"{note_text(k)}</w:t></w:r></w:p></w:footnote>" for k in range(1, n + 1))
    footnotes = f'<?xml version="1.0"?><w:footnotes {W}>{notes}</w:footnotes>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", document),
                           ("word/_rels/document.xml.rels", doc_rels), ("word/footnotes.xml", footnotes)):
            z.writestr(name, data)
    return buf.getvalue()


def cpu(fn: object, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn()  # type: ignore[operator]
        best = min(best, time.process_time() - t)
    return best


def floor(data: bytes) -> int:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/footnotes.xml"))
    t_tag = f"{{{W.split('=')[1].strip(chr(34))}}}t"
    texts = ["".join(t.text or "" for t in note.iter(t_tag)) for note in root]
    return len(texts)


def child_cpu(argv: list[str]) -> tuple[float, int]:
    """CPU seconds (user + system) and exit code of a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--notes", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from sevenfold.cite.inputs import read_docx

    n = args.notes
    print(f"{'notes':>8} {'read_docx s':>12} {'floor s':>9} {'ratio':>6} {'scale':>6}")
    prev = None
    for size in (n // 4, n):
        data = make_docx(size)
        got = len(read_docx(data, "bench.docx").notes)
        assert got == size, (got, size)
        t_read = cpu(lambda data=data: read_docx(data, "bench.docx"), args.rounds)
        t_floor = cpu(lambda data=data: floor(data), args.rounds)
        scale = f"{t_read / prev:6.1f}" if prev else f"{'-':>6}"
        print(f"{size:>8,} {t_read:>12.3f} {t_floor:>9.3f} {t_read / t_floor:>6.1f} {scale}")
        prev = t_read
    data = make_docx(n)
    exe = str(Path(sys.executable).with_name("sevenfold"))
    with tempfile.TemporaryDirectory() as tmp:
        docx = os.path.join(tmp, "notes.docx")
        txt = os.path.join(tmp, "notes.txt")
        Path(docx).write_bytes(data)
        Path(txt).write_text("Notes\n\n" + "".join(f"{k}. {note_text(k)}\n" for k in range(1, n + 1)),
                             encoding="utf-8")
        t_docx, rc_docx = min(child_cpu([exe, "cite", "audit", docx, "--json"]) for _ in range(args.rounds))
        t_text, rc_text = min(child_cpu([exe, "cite", "audit", txt, "--json"]) for _ in range(args.rounds))
    print(f"\n`sevenfold cite audit --json` on {n:,} notes, CPU s (best of {args.rounds}), fresh process:")
    print(f"  DOCX {t_docx:.2f} s (exit {rc_docx})   same notes as text (peer) {t_text:.2f} s (exit {rc_text})   "
          f"docx/text {t_docx / t_text:.2f}")


if __name__ == "__main__":
    main()
