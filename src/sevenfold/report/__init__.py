"""Case reports: one self-contained HTML page or PDF per assessment.

>>> from sevenfold.report import render_report
>>> render_report(case, assessment, "pdf", "zarubin.pdf")   # doctest: +SKIP

``render_html(case, assessment)`` returns the HTML text; ``estimative_phrase(p)`` the ICD 203
phrase used when an assessment gives a posterior without a phrase.
"""

from sevenfold.report.render import FORMATS, html_to_pdf, render_html, render_report
from sevenfold.report.view import bottom_line, build_view, estimative_phrase

__all__ = ["FORMATS", "bottom_line", "build_view", "estimative_phrase", "html_to_pdf", "render_html",
           "render_report"]
