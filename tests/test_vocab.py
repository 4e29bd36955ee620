"""One vocabulary: the consistency codes and alert kinds are defined in sevenfold.model.vocab only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sevenfold
from sevenfold.data import bundled_case_paths
from sevenfold.model import vocab

SRC = Path(sevenfold.__file__).parent
# a mapping to another standard's words, and a generator choosing codes: they use codes, they do not define them
ALLOWED = {"model/vocab.py", "interop/stix.py", "synth/cases.py"}
# a literal list or table of the codes: '"CC", "C"', '"CC": ', "'II'" as a key ...
DEFINITION = re.compile(r"""["']CC["']\s*[:,]|["']II["']\s*:|CC[|,] ?C[|,] ?N""")


def test_codes_are_defined_once() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel in ALLOWED:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DEFINITION.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []


def test_tables_cover_the_codes() -> None:
    assert set(vocab.CONSISTENCY_LABELS) == set(vocab.CONSISTENCY_CODES)
    assert set(vocab.INCONSISTENCY_WEIGHT) == set(vocab.CONSISTENCY_CODES)
    assert set(vocab.CONSISTENCY_SCORE) == set(vocab.CONSISTENCY_LIKELIHOOD) == set(vocab.CONSISTENCY_SCALE)
    from typing import get_args

    assert set(get_args(vocab.AlertKind)) == set(vocab.ALERT_KINDS)


def test_stix_opinions_cover_the_codes() -> None:
    pytest.importorskip("stix2")
    from sevenfold.interop.stix import CONSISTENCY_TO_OPINION

    assert set(CONSISTENCY_TO_OPINION) == set(vocab.CONSISTENCY_CODES)


@pytest.mark.parametrize("path", bundled_case_paths(), ids=lambda p: p.stem)
def test_every_alert_kind_raised_is_in_the_vocabulary(path: Path) -> None:
    case = sevenfold.load_case(path)
    kinds = {a.kind for a in sevenfold.assess(case).alerts} | {a.kind for a in sevenfold.origins(case).alerts}
    burned, _ = sevenfold.burn(case, case.reports[0].source, "0001")
    kinds |= {a.kind for a in sevenfold.assess(burned).alerts}
    assert kinds and kinds <= set(vocab.ALERT_KINDS)


def test_alert_kinds_in_the_code_are_in_the_vocabulary() -> None:
    used = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "Alert(" in text:
            used |= set(re.findall(r'Alert\(\s*kind="([a-z_]+)"', text))
    assert used and used <= set(vocab.ALERT_KINDS), used - set(vocab.ALERT_KINDS)
