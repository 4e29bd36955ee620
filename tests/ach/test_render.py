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
