"""Human output of an Assessment with Rich: ``render_assessment(assessment, console)``."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sevenfold.assess.language import ADMIRALTY_WORDS, CREDIBILITY_WORDS
from sevenfold.assess.result import Assessment

MAX_REPORT_ROWS = 15


def render_assessment(assessment: Assessment, console: Console) -> None:
    a = assessment
    # user data is escaped everywhere: an id or reason is never parsed as Rich markup
    console.print(f"[bold]{escape(a.title or a.case)}[/]  ({escape(a.case)}, as of {a.as_of or 'now'}, "
                  f"method {a.method})")
    if a.question:
        console.print(escape(a.question), style="italic")

    hyp = Table(title="Hypotheses", title_justify="left")
    hyp.add_column("hypothesis")
    for col in ("posterior", "in words (ICD 203)", "prior", "Heuer inconsistency"):
        hyp.add_column(col, justify="left" if col.startswith("in words") else "right")
    analysts = a.analysts.analysts if a.analysts else []
    for name in analysts:
        hyp.add_column(escape(name), justify="right")
    for h in a.hypotheses:
        label = escape(h.id) + (f" [dim](deception by {escape(h.deception_by)})[/]" if h.deception_by else "")
        row = [label, _pct(h.posterior), h.estimative or "", _pct(h.prior),
               "" if h.inconsistency is None else f"{h.inconsistency:g}"]
        row += [_pct((h.per_analyst or {}).get(n)) for n in analysts]
        hyp.add_row(*row)
    console.print(hyp)
    if a.top:
        console.print(f"Most likely: [bold]{escape(a.top)}[/]; confidence [bold]{a.confidence}[/] — "
                      f"{escape(a.confidence_reason or '')}")
    else:
        console.print(f"No single most likely hypothesis; confidence {a.confidence} — "
                      f"{escape(a.confidence_reason or '')}")
    if a.analysts:
        console.print(f"Analysts disagree by {a.analysts.disagreement:.3f} bits (Jensen-Shannon); pooled log-linearly.")

    src = Table(title="Sources", title_justify="left")
    for col in ("source", "reliability", "grade", "why"):
        src.add_column(col)
    for s in a.sources:
        grade = f"{s.admiralty} ({ADMIRALTY_WORDS.get(s.admiralty or '', '')})" if s.admiralty else ""
        src.add_row(escape(s.id) + (" [red](burned)[/]" if s.burned else ""), _pct(s.reliability), grade,
                    escape(s.reason or ""))
    console.print(src)

    rep = Table(title=f"Reports (most diagnostic first, up to {MAX_REPORT_ROWS})", title_justify="left")
    for col in ("report", "source", "origin", "credibility", "diagnosticity", "weight"):
        rep.add_column(col)
    ranked = sorted(a.reports, key=lambda r: -(r.diagnosticity or 0.0))[:MAX_REPORT_ROWS]
    for r in ranked:
        cred = f"{r.credibility} ({CREDIBILITY_WORDS.get(r.credibility or 0, '')})" if r.credibility else ""
        rep.add_row(escape(r.id), escape(r.source or ""), escape(r.origin or ""), cred, _num(r.diagnosticity),
                    _num(r.weight))
    console.print(rep)

    if a.linchpins:
        console.print(f"[bold]Linchpins[/] (removing one changes the verdict): {escape(', '.join(a.linchpins))}")
    if a.verify_next:
        console.print("[bold]Verify next[/] (expected information gain):")
        for v in a.verify_next[:5]:
            console.print(f"  {escape(v.target)} ({v.kind}): {escape(v.why or '')}")
    for al in a.alerts:
        console.print(f"[yellow]alert[/] {al.kind}: {escape(al.message)}")


def _pct(p: float | None) -> str:
    return "" if p is None else f"{100 * p:.1f}%"


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"
