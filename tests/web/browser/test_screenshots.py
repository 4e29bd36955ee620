"""A screenshot of every page of the workbench at 1440 px and 800 px wide, and checks that nothing overflows.

With SEVENFOLD_UPDATE_SCREENSHOTS=1 they go to docs/screenshots/ (NAME-1440.png, NAME-800.png), which
docs/workbench.md shows; otherwise to a scratch folder. The whole set comes from this one file:

    SEVENFOLD_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest -q -n 0 -m browser tests/web/browser/test_screenshots.py

Every full page is checked for sideways scrolling (wide tables and pictures scroll inside their own box).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.report.figures_cases import case_100
from tests.web.browser.conftest import SCREENSHOTS
from tests.web.browser.helpers import fill, login, open_kind, submit

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

ZARUBIN = Path(__file__).resolve().parents[3] / "src" / "sevenfold" / "data" / "zarubin-1937.yaml"
WIDTHS = (1440, 800)


def _optimise(path: Path) -> None:
    """Re-save the PNG as 256 colours (median cut, no dithering) with Pillow's ``optimize=True``, when Pillow
    is installed: the set lives in the repo. A page has a few hundred colours, mostly anti-aliased text;
    the palette keeps text, tones and pale backgrounds as they look, at about a third of the size."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        rgb = im.convert("RGB")
    rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def snap(page: Any, name: str, width: int, full: bool = True) -> None:
    """A screenshot of the whole page (or the window), checked for sideways scrolling."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=full)
    _optimise(path)
    no_horizontal_overflow(page)


def part(locator: Any, name: str, width: int) -> None:
    """A screenshot of one part of the page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}.png"
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    _optimise(path)


def no_horizontal_overflow(page: Any) -> None:
    """The page itself never scrolls sideways (wide tables scroll inside their own box)."""
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 1, f"{page.url}: the page is {wide} px wider than the window"


def new_page(browser: Any, width: int) -> Any:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_every_page(empty_server, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    from sevenfold.model import load_case
    from sevenfold.workspace import Workspace

    base, store = empty_server
    ws = Workspace(store, actor="test:setup")
    # an imported case nobody owns yet (what an admin sees marked "no owner"), and the 100-report case
    unowned = load_case(ZARUBIN).model_copy(deep=True)
    unowned.case.id = "zarubin-imported"
    store.import_case(unowned, actor="test:setup")
    store.import_case(case_100(1), actor="test:setup")
    ws.grant("pictures-100", "nina", "owner")  # an admin sees it listed as "owned by nina; not shared with you"

    page = new_page(browser, width)
    page.goto(base + "/login")
    snap(page, "login", width, full=False)

    # the admin's case list: an unowned case, one owned by someone else, and the forms to create or upload one
    login(page, base, "alice", "alice-password")
    expect(page.get_by_test_id("no-owner")).to_be_visible()
    expect(page.get_by_test_id("not-shared")).to_be_visible()
    snap(page, "cases-admin", width)

    # a case with hypotheses only: what is missing, and the forms to add it
    form = page.locator("form[data-testid=form-new-case]")
    form.locator("[name=id]").fill("draft")
    form.locator("[name=title]").fill("A case being built")
    form.locator("[name=hypotheses]").fill("genuine | The document is genuine\nplant | It was planted")
    form.locator("[data-testid=create-case]").click()
    page.wait_for_url(base + "/cases/draft")
    snap(page, "case-new", width)
    open_kind(page, "reports")
    form = page.locator("form[data-testid=form-reports]")
    form.locator("[name=id]").fill("r1")
    form.locator("[name=date]").fill("1937-02-30")
    submit(page, form.locator("[data-testid=save-reports]"), "", status=422)
    part(page.locator("details[data-kind=reports]"), "form-error", width)

    # the bundled case, shared with two analysts who rated some reports differently
    page.goto(base + "/")
    page.set_input_files("[data-testid=upload-file]", str(ZARUBIN))
    page.click("text=Upload and create")
    page.wait_for_url(base + "/cases/zarubin-1937")
    ws.grant("zarubin-1937", "omar", "analyst")
    ws.grant("zarubin-1937", "nina", "analyst")
    for report, hyp, rating in (("zarubin-provocation-precluded", "german-provocation", "C"),
                                ("stalin-convinced-exists", "genuine", "CC"),
                                ("zarubin-english-precluded", "british-plant", "N")):
        ws.rate("zarubin-1937", report, hyp, analyst="omar", consistency=rating)
    page.reload()
    page.wait_for_selector("#graph svg")
    snap(page, "case", width)
    # every "why" open: the verdict with its budget line, the posteriors and each report's credibility
    page.evaluate("() => document.querySelectorAll('details.why').forEach(d => { d.open = true; })")
    part(page.locator("#hypotheses-panel"), "posteriors", width)
    part(page.locator("#alerts-panel"), "alerts", width)
    part(page.locator("#matrix-panel"), "matrix", width)
    page.evaluate("() => document.querySelectorAll('details.why').forEach(d => { d.open = false; })")
    part(page.locator("#sources-panel"), "sources", width)
    part(page.locator("#graph-panel"), "provenance", width)
    part(page.locator("#timeline-panel"), "timeline", width)

    # the burn what-if: the fallen reports listed, and marked in the graph
    page.select_option("[data-testid=burn-source]", "zarubin")
    page.fill("[data-testid=burn-since]", "1936-06")
    page.click("[data-testid=burn-preview]")
    expect(page.locator("#burn-result [data-testid=falls] a").first).to_be_visible()
    expect(page.locator("#graph g.node.report.highlight").first).to_be_attached()
    part(page.locator("#burn-panel"), "whatif", width)
    part(page.locator("#graph-panel"), "provenance-whatif", width)

    # the entry lists and each entry form
    part(page.locator("#editor"), "editor", width)
    open_kind(page, "reports")
    part(page.locator("details[data-kind=reports]"), "reports", width)
    open_kind(page, "meta")
    part(page.locator("details[data-kind=meta] form"), "form-meta", width)
    for kind in ("actors", "documents", "outcomes"):  # the report form is in "reports"
        open_kind(page, kind)
        part(page.locator(f"form[data-testid=form-{kind}]"), f"form-{kind}", width)
    open_kind(page, "sources")
    form = page.locator("form[data-testid=form-sources]")
    fill(form, "sources", {"id": "agent-x", "name": "Agent X", "kind": "human", "access": "indirect",
                           "suspected_control.by": "german-intelligence", "suspected_control.p": "0.3",
                           "suspected_control.since": "1936-09", "interests": "money"})
    part(form, "form-sources", width)
    open_kind(page, "hypotheses")
    form = page.locator("form[data-testid=form-hypotheses]")
    fill(form, "hypotheses", {"id": "double-bluff", "statement": "A British plant made to look German",
                              "deception_by": "british-intelligence", "mimics": "german-provocation",
                              "reach": "0.4"})
    part(form, "form-hypotheses", width)
    page.locator("#matrix-panel details.subform summary").click()
    part(page.locator("#matrix-panel details.subform"), "form-rating", width)

    # deleting the originator of relayed reports: what changes in the analysis, and the only way on
    open_kind(page, "sources")
    page.click("[data-testid='delete-sources-zarubin-sources']")
    expect(page.get_by_test_id("delete-origin-warning")).to_be_visible()
    part(page.locator("#slot-sources"), "confirm-delete", width)
    page.locator("details[data-kind=sources] .confirm .js-dismiss").click()

    # a stale edit: 412, the current values, and what was typed kept below
    page.click("[data-testid='edit-sources-zarubin']")
    form = page.locator("form[data-testid=form-sources-edit]")
    form.locator("[name=name]").fill("Vasily Zarubin (typed, not saved)")
    form.locator("[name=interests]").fill("a career in the NKVD")
    entry = ws.get("zarubin-1937", "sources", "zarubin").model_dump(mode="json", exclude_none=True)
    ws.replace("zarubin-1937", "sources", "zarubin", {**entry, "name": "V. M. Zarubin (renamed meanwhile)"})
    submit(page, form.locator("[data-testid=save-sources]"), "", status=412)
    expect(page.get_by_test_id("form-notice")).to_be_visible()
    part(page.locator("form[data-testid=form-sources-edit]"), "conflict", width)

    page.reload()
    part(page.locator("#sharing"), "sharing", width)

    page.goto(base + "/account")
    snap(page, "account", width, full=False)
    page.goto(base + "/cases/no-such-case")
    snap(page, "error", width, full=False)
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors
    page.context.close()

    # an analyst's case list, and the 100-report pictures
    page = new_page(browser, width)
    login(page, base, "nina", "nina-password")
    snap(page, "cases", width)
    page.goto(base + "/cases/pictures-100")
    expect(page.locator("#graph svg g.node.report")).to_have_count(100)
    no_horizontal_overflow(page)
    part(page.locator("#graph-panel"), "provenance-100", width)
    part(page.locator("#timeline-panel"), "timeline-100", width)
    page.context.close()
