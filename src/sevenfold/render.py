"""Rich rendering of an ``Assessment`` for people (the CLI's default output)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from sevenfold.ach.language import bottom_line_text, deception_budget_line, probability_text
from sevenfold.model import Case
from sevenfold.model.results import Assessment, WeightFactor


def _cells(*values: object) -> list[Text]:
    """Table cells as plain Text: user data is never parsed as Rich markup."""
    return [Text("" if v is None else str(v)) for v in values]


MAX_ALERTS_PER_KIND = 3


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "—" if x is None else format(x, spec)


def _signed(x: float | None) -> str:
    return "—" if x is None else f"{x:+.3f}"


def weight_text(factors: list[WeightFactor], weight: float | None) -> str:
    """'0.16 = reliability 0.50 × assessment 0.7 × …' from a report's weight factors."""
    parts: list[str] = []
    for f in factors:
        label = f.detail if f.factor == "modality" else f.factor
        op = "→" if f.factor in ("cap", "refuted", "synthesis") else "×"
        parts.append(f"{op} {label} {f.value:g}" if parts else f"{label} {f.value:g}")
    return f"{_fmt(weight)} = " + " ".join(parts) if parts else _fmt(weight)


def render_why(result: Assessment, console: Console, limit: int = 12) -> None:
    """The contributions behind each posterior, and why each key report has its credibility and weight."""
    console.print("[bold]Why these posteriors[/] (log odds against the strongest rival, nats; "
                  "+ favours the hypothesis; an origin counts once):")
    counts = {o.id: len(o.reports) for o in result.origins or []}
    for h in result.hypotheses:
        w = h.why
        if w is None:
            continue
        prior = ("" if w.log_prior_odds is None
                 else f" = prior {_signed(w.log_prior_odds)} + evidence {_signed(w.evidence)}")
        console.print(f"  {escape(h.id)} vs {escape(w.against)}: log odds {_signed(w.log_posterior_odds)}"
                      f"{escape(prior)}")
        for c in w.contributions:
            terms = ", ".join(f"{rid} {_signed(v)}" for rid, v in c.report_log_lr.items())
            n = counts.get(c.origin, len(c.reports))
            shared = f" ({n} reports, counted once)" if n > 1 else ""
            console.print(f"    {escape(c.origin)} {_signed(c.log_lr)}: {escape(terms)}{escape(shared)}")
        if w.rest_origins or abs(w.rest) > 5e-7:
            console.print(f"    {w.rest_origins} other origin(s) {_signed(w.rest)}")
        if not w.contributions:
            console.print("    no origin favours one over the other: the prior decides")
    reports = [r for r in result.reports if r.why is not None]
    moving = sorted((r for r in reports if r.why is not None and not r.why.unmoved),
                    key=lambda r: -abs(r.why.log_lr_top or 0.0) if r.why is not None else 0.0)[:limit]
    if moving:
        console.print("[bold]Why each report counts as it does[/] (credibility; weight; share of its origin):")
        for r in moving:
            rw = r.why
            assert rw is not None
            cred = (f"P(true)={rw.p_true:.2f} vs prior {rw.p_true_prior:.2f}, Bayes factor {rw.bayes_factor:.2g}"
                    if rw.p_true is not None and rw.p_true_prior is not None and rw.bayes_factor is not None
                    else "not judged")
            if rw.fed_under:
                cred += f"; fed under {', '.join(rw.fed_under)}"
            console.print(f"  {escape(r.id)}: credibility {r.credibility or '—'} ({escape(cred)}); weight "
                          f"{escape(weight_text(rw.weight_factors, r.weight))}; share {_fmt(rw.share)} of "
                          f"{escape(r.origin or '—')}; moves the leader {_signed(rw.log_lr_top)}")
    quiet = [r for r in reports if r.why and r.why.unmoved]
    if quiet:
        console.print("[bold]Reports that move nothing:[/]")
        for r in quiet[:limit]:
            console.print(f"  {escape(r.id)}: {escape(r.why.unmoved or '' if r.why is not None else '')}")
        if len(quiet) > limit:
            console.print(f"  [dim]… and {len(quiet) - limit} more (all of them in --json)[/]")


def render_assessment(result: Assessment, console: Console, why: bool = False, *, case: Case | None = None) -> None:
    """Print ``result``; with the assessed ``case``, origins are named after the sources they started with
    (:func:`sevenfold.model.custody.origin_names`: "o1 — curveball, relayed by bnd"), as in alerts."""
    console.rule(f"[bold]{escape(result.case)}[/] — {escape(result.title)}")
    if result.question:
        console.print(f"[bold]Question:[/] {escape(result.question)}")
    if result.as_of:
        console.print(f"[dim]as of {result.as_of}; method {result.method}[/]")
    top = next((h for h in result.hypotheses if h.id == result.top), None)
    tie = bottom_line_text([(h.id, h.statement, h.posterior) for h in result.hypotheses
                            if h.posterior is not None])
    if top is not None:
        if top.posterior is not None and tie is not None and tie.startswith("No hypothesis stands out"):
            line = escape(tie)  # a near tie: the leader is not "unlikely", nothing stands out
        elif top.posterior is not None:
            line = (f"It is [bold]{top.estimative}[/] ({probability_text(top.posterior, percent=True)}) that: "
                    f"{escape(top.statement or top.id)}")
        else:
            line = (f"Least evidence against (Heuer inconsistency {top.inconsistency:g}): "
                    f"{escape(top.statement or top.id)}")
        conf = f" — confidence [bold]{result.confidence}[/]" if result.confidence else ""
        console.print(f"[bold]Bottom line:[/] {line}{conf}")
        if result.confidence_reason:
            console.print(f"[dim]{escape(result.confidence_reason)}[/]")
    else:
        console.print("[bold]Bottom line:[/] no hypothesis stands out")
    t = Table("hypothesis", "posterior", "estimative", "inconsistency", "deception by", title="Hypotheses (ranked)")
    for h in result.hypotheses:
        t.add_row(*_cells(h.id, "—" if h.posterior is None else probability_text(h.posterior), h.estimative or "—",
                          _fmt(h.inconsistency, "g"),
                          h.deception_by or ""))
    console.print(t)
    graded = [s for s in result.sources if s.admiralty or s.reliability is not None]
    if graded:
        t = Table("source", "grade", "reliability", "why", title="Sources")
        for s in graded:
            t.add_row(*_cells(s.id, s.admiralty or "—", _fmt(s.reliability), s.reason or ""))
        console.print(t)
    key = sorted((r for r in result.reports if r.diagnosticity is not None),
                 key=lambda r: -(r.diagnosticity or 0.0))[:8]
    if key:
        t = Table("report", "source", "origin", "credibility", "diagnosticity", title="Evidence that matters")
        for r in key:
            credibility = str(r.credibility) if r.credibility else "—"
            t.add_row(*_cells(r.id, r.source or "", r.origin or "—", credibility, _fmt(r.diagnosticity)))
        console.print(t)
    text = deception_budget_line(result, case)
    if text is not None:
        console.print(f"[bold]Deception budget:[/] {escape(text)}")
    if result.linchpins:
        pins = escape(", ".join(result.linchpins))
        console.print(f"[bold]Linchpins[/] (removing one changes the verdict): {pins}")
    if result.verify_next:
        console.print("[bold]Verify next:[/]")
        for v in result.verify_next[:5]:
            console.print(f"  • {escape(v.target)} (value {_fmt(v.value, '.3f')}): {escape(v.why or '')}")
    if result.alerts:
        console.print("[bold yellow]Warnings:[/]")
        by_kind: dict[str, list[str]] = {}
        for a in result.alerts:
            by_kind.setdefault(a.kind, []).append(a.message)
        for kind, messages in by_kind.items():
            for message in messages[:MAX_ALERTS_PER_KIND]:
                console.print(f"  ⚠ [yellow]{kind}[/]: {escape(message)}")
            if len(messages) > MAX_ALERTS_PER_KIND:
                console.print(f"    [dim]… and {len(messages) - MAX_ALERTS_PER_KIND} more {kind} alerts "
                              "(all of them in --json)[/]")
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]")
    if why:
        render_why(result, console)
    console.print()
