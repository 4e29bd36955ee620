"""The HTML/PDF report: self-contained, escaped, honest about missing numbers, non-blank PDF pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sevenfold.ach import assess_case
from sevenfold.errors import InputError
from sevenfold.model import case_from_data, load_case
from sevenfold.model.results import OriginResult
from sevenfold.report import estimative_phrase, render_html, render_report

from .conftest import bundled_case_paths, small_case_data


def test_html_is_self_contained(small_case):
    html = render_html(small_case, assess_case(small_case))
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    # no attribute may load anything from outside the page
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#)""", html, re.I)
    assert html.count("<svg") >= 3  # hypotheses chart, ACH matrix, provenance graph


def test_user_text_is_escaped():
    data = small_case_data()
    data["reports"][0]["text"] = "<script>alert('x')</script>"
    data["hypotheses"][0]["statement"] = "<img src=x onerror=alert(1)>"
    case = case_from_data(data, "t")
    html = render_html(case, assess_case(case))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def heuer_only(a):
    """The assessment as a Heuer-only stage gives it: no posteriors, no confidence, no linchpins."""
    return a.model_copy(update={
        "method": "heuer-inconsistency", "confidence": None, "confidence_reason": None, "linchpins": None,
        "verify_next": None, "origins": None,
        "hypotheses": [h.model_copy(update={"posterior": None, "estimative": None}) for h in a.hypotheses]})


def test_null_posteriors_render_as_dash_and_heuer_label(small_case):
    a = heuer_only(assess_case(small_case))
    html = render_html(small_case, a)
    assert "Heuer inconsistency, not a probability" in html
    assert "no posterior probability available" in html
    assert "not computed by this assessment" in html
    assert "%" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S).split("<h2>Hypotheses</h2>")[1].split(
        "</table>")[0]  # no percentage invented in the hypotheses table


def test_posteriors_give_estimative_bottom_line_and_posterior_chart(small_case):
    a = assess_case(small_case)
    a = a.model_copy(update={
        "top": "plant", "confidence": "moderate", "confidence_reason": "two independent origins",
        "hypotheses": [a.hypotheses[1].model_copy(update={"id": "plant", "posterior": 0.7, "estimative": None}),
                       a.hypotheses[0].model_copy(update={"id": "genuine", "posterior": 0.3, "estimative": None})],
    })
    html = render_html(small_case, a)
    assert "It is likely (70%) that" in html
    assert "Posterior probability by hypothesis" in html
    assert "moderate" in html and "two independent origins" in html


def test_engine_output_renders_every_section(small_case):
    a = assess_case(small_case)
    html = render_html(small_case, a)
    for h in a.hypotheses:
        assert h.id in html
    for al in a.alerts:
        assert al.kind in html
    if a.linchpins:
        assert all(x in html for x in a.linchpins)
    if a.verify_next:
        assert all(v.target in html for v in a.verify_next)
    for s in a.sources:
        if s.reason:
            assert s.reason.replace("<", "&lt;").replace(">", "&gt;") in html


def test_origins_from_assessment_are_used(small_case):
    origins = [OriginResult(id="o-memo", reports=["r1", "r2"])]
    a = heuer_only(assess_case(small_case)).model_copy(update={"origins": origins})
    html = render_html(small_case, a)
    assert "Origin groups from the assessment" in html
    assert "o-memo" in html
    assert "3 reports in 2 origin groups" in html  # r1+r2 in o-memo, r3 alone


def test_evidence_list_carries_document_citations(small_case):
    html = render_html(small_case, assess_case(small_case))
    assert "RGASPI, f. 17, op. 163, d. 1217, ll. 51-2" in html
    for r in small_case.reports:
        assert f">{r.id}<" in html


def test_bad_output_paths(small_case, tmp_path):
    with pytest.raises(InputError, match="unknown report format"):
        render_report(small_case, None, "docx", tmp_path / "x.docx")
    with pytest.raises(InputError, match="is a directory"):
        render_report(small_case, None, "html", tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        render_report(small_case, None, "html", tmp_path / "nope" / "r.html")


def test_html_written_atomically(small_case, tmp_path):
    out = render_report(small_case, None, "html", tmp_path / "r.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary file left behind


@given(st.floats(0, 1), st.floats(0, 1))
def test_estimative_language_is_monotone(p, q):
    order = ["almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely", "very likely",
             "almost certain"]
    lo, hi = sorted((p, q))
    assert order.index(estimative_phrase(lo)) <= order.index(estimative_phrase(hi))
    assert estimative_phrase(None) is None


# ---- PDF -------------------------------------------------------------------------------------------------

def _weasyprint_ok() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"WeasyPrint or its system libraries (pango) are missing: {exc}"
    if shutil.which("pdftoppm") is None:
        return "pdftoppm (Debian poppler-utils) is not installed"
    return None


def page_std(png: Path) -> float:
    from PIL import Image

    return float(np.asarray(Image.open(png).convert("L"), dtype=float).std())


def test_blank_page_detector_can_fail(tmp_path):
    from PIL import Image

    Image.new("L", (50, 50), 255).save(tmp_path / "white.png")
    assert page_std(tmp_path / "white.png") == 0.0


def _cases():
    paths = bundled_case_paths()
    if paths:
        return [pytest.param(p, id=p.stem) for p in paths]
    return [pytest.param(None, id="fixture")]  # bundled cases not written yet: fall back


@pytest.mark.parametrize("path", _cases())
def test_pdf_pages_are_not_blank(path, tmp_path):
    reason = _weasyprint_ok()
    if reason:
        pytest.skip(reason)
    case = load_case(path) if path is not None else case_from_data(small_case_data(), "fixture")
    out = render_report(case, assess_case(case), "pdf", tmp_path / "report.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True,
                   capture_output=True, timeout=120)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    for page in pages:
        assert page_std(page) > 3.0, f"{page.name} of {out.name} looks blank"


def test_pdf_renderer_fetches_nothing_but_data_uris():
    reason = _weasyprint_ok()
    if reason:
        pytest.skip(reason)
    import weasyprint.urls

    from sevenfold.report.render import _data_only_fetcher

    fetcher = _data_only_fetcher(weasyprint.urls)
    for url in ("http://127.0.0.1:9/x.png", "file:///etc/passwd"):
        # WeasyPrint's exception type varies by version; the message says why
        with pytest.raises(Exception, match=r"disallowed protocol|no external resource"):
            with weasyprint.urls.fetch(fetcher, url) as response:
                response.read()
    with weasyprint.urls.fetch(fetcher, "data:text/plain;base64,aGk=") as response:
        assert response.read() == b"hi"


def test_deception_budget_names_origins_like_the_cli_and_the_page():
    from sevenfold.pipeline import run_assessment
    from sevenfold.report.view import build_view

    path = next(p for p in bundled_case_paths() if "internal-threat" in p.name)
    case = load_case(path)
    view = build_view(case, run_assessment(case))
    assert view.deception_budget and re.search(r"\bo\d+ — [a-z]", view.deception_budget), view.deception_budget
