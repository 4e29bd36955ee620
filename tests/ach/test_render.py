"""Human output (the CLI's renderer): everything important appears; user text is never parsed as markup."""

from __future__ import annotations

from rich.console import Console

from sevenfold.ach import assess_case
from sevenfold.render import render_assessment

from .conftest import build_case


def test_render_shows_verdict_and_escapes_markup():
    hyps = [{"id": "a", "statement": "[bold]x[/bold] one"}, {"id": "b", "statement": "two entirely different"}]
    sources = [{"id": "[red]s[/red]", "track_record": {"confirmed": 5, "refuted": 0}}]
    case = build_case(hypotheses=hyps, sources=sources, reports=[{"id": "r[1]", "source": "[red]s[/red]"}],
                      ratings={"r[1]": ["CC", "II"]})
    console = Console(record=True, width=200)
    render_assessment(assess_case(case), console)
    text = console.export_text()
    assert "[red]s[/red]" in text and "r[1]" in text and "[bold]x[/bold] one" in text
    a = assess_case(case)
    assert a.top == "a"
    assert f"confidence {a.confidence}" in text and "Bottom line" in text and "Verify next" in text
    assert a.hypotheses[0].estimative in text


def test_render_and_report_show_the_tie_and_the_deception_budget():
    from sevenfold.report.view import build_view

    hyps = [{"id": "a", "statement": "the first answer"}, {"id": "b", "statement": "a different claim"},
            {"id": "c", "statement": "a third claim"}]
    case = build_case(hypotheses=hyps, reports=[{"id": "r1", "source": "s1"}], ratings={"r1": ["C", "N", "N"]})
    a = assess_case(case)
    console = Console(record=True, width=200)
    render_assessment(a, console)
    text = console.export_text()
    assert "No hypothesis stands out: a (" in text and "It is unlikely" not in text
    assert "Deception budget: 1 independent origin (o1)" in text
    view = build_view(case, a)
    assert view.bottom_line.startswith("No hypothesis stands out")
    assert view.deception_budget.startswith("1 independent origin (o1 — s1)")  # named, as on the page
