"""Render a case and its assessment as a self-contained HTML page or a PDF (WeasyPrint).

HTML: plots are inline SVG, no external resource of any kind. PDF: plots are PNG data URIs (static
images; WeasyPrint lays them out without running an SVG renderer) and no URL is ever fetched.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import matplotlib
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from sevenfold.errors import InputError, SevenfoldError
from sevenfold.fileio import output_kind, write_atomic
from sevenfold.model import Case
from sevenfold.model.results import Assessment
from sevenfold.report import plots
from sevenfold.report.view import build_view, origin_groups

ReportFormat = Literal["html", "pdf"]
FORMATS = ("html", "pdf")

_env = Environment(loader=PackageLoader("sevenfold.report", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True))


def render_html(case: Case, assessment: Assessment, *, images: str = "svg") -> str:
    """The report as one HTML string. ``images``: ``svg`` (inline) or ``png`` (data URIs)."""
    view = build_view(case, assessment)
    origins, _ = origin_groups(case, assessment)
    report_ids = [e.id for e in view.evidence]
    figures = {
        "hypotheses": plots.hypothesis_chart(assessment),
        "matrix": plots.ach_heatmap(case, report_ids),
        "provenance": plots.provenance_graph(case, origins),
    }
    fig_html: dict[str, Markup] = {}
    alts: dict[str, str] = {}
    with matplotlib.rc_context({"svg.hashsalt": "sevenfold", "svg.fonttype": "path",
                                "font.family": "DejaVu Sans"}):
        for name, (fig, alt) in figures.items():
            alts[name] = alt
            if images == "svg":
                # matplotlib's own SVG output: trusted markup, user text inside it is XML-escaped
                fig_html[name] = Markup(plots.embed(fig, "svg"))
            else:
                uri = plots.embed(fig, "png")
                fig_html[name] = Markup('<img src="{}" alt="{}">').format(uri, alt)
    return _env.get_template("report.html.j2").render(v=view, fig=fig_html, alt=alts)


def _data_only_fetcher(weasyprint_urls):  # type: ignore[no-untyped-def]
    """A WeasyPrint URL fetcher that fetches nothing but ``data:`` URIs (no network, no files)."""
    if hasattr(weasyprint_urls, "URLFetcher"):  # WeasyPrint >= 66
        return weasyprint_urls.URLFetcher(allowed_protocols={"data"})

    def fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        if url.startswith("data:"):
            return weasyprint_urls.default_url_fetcher(url)
        raise ValueError(f"sevenfold reports load no external resource (refused {url[:60]!r})")

    return fetch


def html_to_pdf(html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango/cairo system libraries missing
        raise SevenfoldError(
            "PDF output needs WeasyPrint and its system libraries (Debian: libpango-1.0-0 "
            f"libpangoft2-1.0-0 fonts-dejavu-core); install the 'report' extra: {exc}") from None
    import weasyprint.urls

    return weasyprint.HTML(string=html, url_fetcher=_data_only_fetcher(weasyprint.urls)).write_pdf()


def render_report(case: Case, assessment: Assessment | None = None, fmt: str = "html",
                  out_path: str | os.PathLike[str] = "report.html") -> Path:
    """Write the report for ``case`` (assessed by the full pipeline if ``assessment`` is None) to ``out_path``.

    The file is written to a temporary sibling first and renamed: no half-written report is left.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    if assessment is None:
        from sevenfold.pipeline import run_assessment

        assessment = run_assessment(case)
    out = Path(out_path)
    output_kind(out)  # a folder, a missing folder or /proc: refused before the work of rendering
    if fmt == "html":
        data = render_html(case, assessment, images="svg").encode("utf-8")
    else:
        data = html_to_pdf(render_html(case, assessment, images="png"))
    return write_atomic(out, data)
