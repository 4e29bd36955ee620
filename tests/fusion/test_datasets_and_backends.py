"""Dataset normalisers (flight times, author lists) and the backend seam."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from sevenfold.errors import InputError
from sevenfold.fusion import ClaimMatrix, FitResult, MajorityVoting, Sums, available_backends, register_backend
from sevenfold.fusion.backends import _BACKENDS
from sevenfold.fusion.datasets import author_key, flight_gate_key, flight_time_key


def test_flight_time_formats_of_every_source_family():
    raw = ["2:07 PMDec 01", "1:55pDec 1", "Thu., Dec.01, 2011 1:55 p.m.", "12/1/11 2:06 PM (-05:00)",
           "2011-12-01 13:52 ", "3:00P 12-01-11", "12:10 pm", "12:30 AM", "Dec 01 - 1:57pm",
           "December 15, 2011               07:10 AM    ", "December 15, 2011     ", "", None]
    assert flight_time_key(pa.array(raw)).to_pylist() == [
        "14:07", "13:55", "13:55", "14:06", "13:52", "15:00", "12:10", "00:30", "13:57", "07:10", None, None, None]


def test_flight_gates():
    assert flight_gate_key(pa.array([" F78", "gate d5 ", "", "B84N"])).to_pylist() == ["F78", "D5", None, "B84N"]


def test_author_lists_as_word_sets():
    keys = author_key(np.asarray(["Knuth, Donald E.", "Donald E. Knuth (Editor)", "knuth, donald;",
                                  "O&#39;Leary, Timothy J.; O'Leary, Linda I.", "Not Available"], dtype=object))
    assert keys[0] == keys[1] == keys[2] == "donald knuth"
    assert keys[3] == "linda o'leary timothy"
    assert keys[4] == ""


def test_author_names_with_diacritics_stay_one_word_however_the_text_was_damaged():
    """Accented names are folded, not split at the accent ("Stützle" was once "st" + "tzle"), and the
    same name arrives as an HTML entity, a doubly escaped entity or UTF-8 misread as Latin-1."""
    same = ["Thomas Stützle; Zoé Marcadé", "Thomas St&uuml;tzle; Zo&eacute; Marcad&eacute;",
            "Thomas St&amp;uuml;tzle, Zo&amp;eacute; Marcad&amp;eacute;", "StÃ¼tzle, Thomas; MarcadÃ©, ZoÃ©"]
    keys = author_key(np.asarray(same, dtype=object))
    assert set(keys) == {"marcade stutzle thomas zoe"}
    cyrillic = author_key(np.asarray(["Николай Ежов"], dtype=object))[0]  # romanised, not dropped
    assert cyrillic.isascii() and len(cyrillic.split()) == 2  # (the spelling depends on PyICU)


def test_repair_text_leaves_correct_text_alone():
    from sevenfold.fusion.datasets import repair_text

    # correct text, including accented capitals before a no-break space or a curly quote, which would
    # also decode as UTF-8 ("JOSÉ\xa0" -> "JOSɠ") but shows no sign of damage
    for text in ("Zoé Marcadé", "Ежов", "naïve café", "plain", "Łódź", "JOSÉ\xa0Smith", "Weiß\xa0Müller",
                 "JOSÉ’S", "À la carte"):
        assert repair_text(text) == text
    assert repair_text("JOSÉ&nbsp;SMITH") == "JOSÉ\xa0SMITH"
    assert repair_text("MarcadÃ©") == "Marcadé"
    assert repair_text("donâ€™t") == "don’t"
    assert repair_text("D&Acirc;&#146;Hers") == "D’Hers"  # Windows-1252 apostrophe inside the damage
    assert repair_text("don&amp;#39;t") == "don't"


def test_backend_seam_routes_fit():
    calls = []

    class Recording:
        name = "recording"

        def fit(self, estimator, claims, callback):
            calls.append((type(estimator).__name__, claims.n_claims))
            n = claims.n_items
            return FitResult(np.zeros(n, dtype=np.int64), np.ones(n), np.ones(claims.n_cands),
                             np.ones(claims.n_sources), 1, True, "single-pass")

    register_backend(Recording())
    try:
        assert "recording" in available_backends()
        cm = ClaimMatrix.from_arrays(["a", "b"], ["o", "o"], ["p", "p"], ["x", "y"])
        m = Sums(backend="recording").fit(cm)
        assert calls == [("Sums", 2)] and m.stop_reason_ == "single-pass"
    finally:
        _BACKENDS.pop("recording", None)
    with pytest.raises(InputError, match="unknown backend"):
        MajorityVoting(backend="no-such-backend").fit(cm)
