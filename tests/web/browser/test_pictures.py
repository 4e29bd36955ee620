"""The pictures in Chromium: the 100-report provenance graph and the timeline render with every label
inside its box and no two boxes overlapping (measured in the browser), a click on a node goes to its
row, the what-if marks its fallen reports, and a failed request leaves no stale value on screen.

Screenshots (1440 px and 800 px, into the scratch folder; docs/screenshots/ comes from test_screenshots.py):
timeline-W.png and whatif-W.png of the bundled Zarubin case, provenance-100-W.png and timeline-100-W.png of
the 100-report case.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from tests.report.figures_cases import case_100
from tests.web.browser.conftest import SCRATCH
from tests.web.browser.helpers import login

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

ZARUBIN = Path(__file__).resolve().parents[3] / "src" / "sevenfold" / "data" / "zarubin-1937.yaml"

# every node's label inside its rectangle, and every pair of node rectangles apart (screen coordinates)
MEASURE = """() => {
  const boxes = [], spill = [];
  document.querySelectorAll('#graph g.node:not(.origin)').forEach(g => {
    const r = g.querySelector('rect').getBBox(), t = g.querySelector('text').getBBox();
    if (t.x < r.x - 0.5 || t.x + t.width > r.x + r.width + 0.5 || t.y + t.height > r.y + r.height + 1)
      spill.push(g.getAttribute('data-node'));
    boxes.push([g.getAttribute('data-node'), r.x, r.y, r.width, r.height]);
  });
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a[1] < b[1] + b[3] && b[1] < a[1] + a[3] && a[2] < b[2] + b[4] && b[2] < a[2] + a[4])
      overlaps.push([a[0], b[0]]);
  }
  const tl = [];
  document.querySelectorAll('#timeline g.mark').forEach(g => {
    const b = g.getBBox();
    tl.push([g.getAttribute('data-lane'), b.x, b.x + b.width, g.querySelector('text').getComputedTextLength()]);
  });
  return {nodes: boxes.length, spill, overlaps, tl};
}"""


def _snap(locator: Any, name: str) -> None:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCRATCH / name))


@pytest.fixture
def pictures_server(empty_server):  # type: ignore[no-untyped-def]
    from sevenfold.model import load_case
    from sevenfold.store import accounts

    base, store = empty_server
    store.import_case(case_100(1), actor="test:setup")
    store.import_case(load_case(ZARUBIN), actor="test:setup")
    for case_id in ("pictures-100", "zarubin-1937"):
        accounts.grant(store, case_id, "nina", "analyst", actor="test:setup")
    return base, store


@pytest.mark.parametrize("width", [1440, 800])
def test_the_100_report_pictures_render_readably(pictures_server, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    base, _ = pictures_server
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, base, "nina", "nina-password")
    page.goto(base + "/cases/pictures-100")
    expect(page.locator("#graph svg g.node.report")).to_have_count(100)
    m = page.evaluate(MEASURE)
    assert m["nodes"] > 100 and not m["spill"], m["spill"][:5]
    assert not m["overlaps"], m["overlaps"][:5]
    # timeline: marks of one lane never overlap, with their labels, as the browser draws them
    lanes: dict[str, list[tuple[float, float]]] = {}
    for lane, x0, x1, _ in m["tl"]:
        lanes.setdefault(lane, []).append((x0, x1))
    assert len(m["tl"]) > 50
    for spans in lanes.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "two marks of a lane overlap"
    assert page.locator("#timeline g.mark[data-precision=year] rect").count() > 0
    assert page.locator("#timeline g.mark[data-precision=month] rect").count() > 0
    assert page.locator("#timeline g.mark[data-precision=day] circle").count() > 0
    # the page itself never scrolls sideways: the pictures scroll inside their boxes
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    _snap(page.locator("#graph-panel"), f"provenance-100-{width}.png")
    _snap(page.locator("#timeline-panel"), f"timeline-100-{width}.png")
    # click-through: a report node goes to its row in the matrix
    node = page.locator("#graph a:has(g[data-report='r12'])")
    node.scroll_into_view_if_needed()
    node.click()
    page.wait_for_function("location.hash === '#report-r12'")
    row = page.locator("tr#report-r12")
    expect(row).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == "report-r12"
    assert not errors, errors


@pytest.mark.parametrize("width", [1440, 800])
def test_the_what_if_marks_its_fallen_reports_and_stale_results_go(pictures_server, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    base, _ = pictures_server
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    page.set_default_timeout(20_000)
    login(page, base, "nina", "nina-password")
    page.goto(base + "/cases/zarubin-1937")
    _snap(page.locator("#timeline-panel"), f"timeline-{width}.png")
    page.select_option("[data-testid=burn-source]", "zarubin")
    page.fill("[data-testid=burn-since]", "1936-06")
    page.click("[data-testid=burn-preview]")
    falls = page.locator("#burn-result [data-testid=falls] a")
    expect(falls.first).to_be_visible()
    fallen = falls.all_inner_texts()
    highlighted = page.locator("#graph g.node.report.highlight")
    expect(highlighted).to_have_count(len(fallen))
    assert sorted(highlighted.evaluate_all("els => els.map(e => e.getAttribute('data-report'))")) == sorted(fallen)
    assert page.locator("#timeline g.mark.highlight").count() == len(
        [f for f in fallen if page.locator(f"#timeline g.mark[data-report='{f}']").count()])
    _snap(page.locator("#burn-panel"), f"whatif-{width}.png")
    _snap(page.locator("#graph-panel"), f"provenance-whatif-{width}.png")
    # a new input: the old answer and its marks go at once
    page.fill("[data-testid=burn-since]", "1936-0")
    expect(page.locator("#burn-result [data-testid=burn-outcome]")).to_have_count(0)
    expect(page.locator("#graph g.node.highlight")).to_have_count(0)
    # a bad date: the error stands under the form, no result and no marks
    page.fill("[data-testid=burn-since]", "1936-13")
    page.click("[data-testid=burn-preview]")
    expect(page.locator("#burn-panel [data-testid=burn-error]")).to_contain_text("1936-13")
    expect(page.locator("#burn-result [data-testid=burn-outcome]")).to_have_count(0)
    expect(page.locator("#graph g.node.highlight")).to_have_count(0)
    # the server fails: the old result does not stay as if it were current
    page.fill("[data-testid=burn-since]", "1936-06")
    page.click("[data-testid=burn-preview]")
    expect(page.locator("#burn-result [data-testid=burn-outcome]")).to_be_visible()
    page.route("**/ui/burn-preview*", lambda route: route.fulfill(status=500, content_type="application/json",
                                                                  body='{"error": "InternalError", "detail": "boom"}'))
    page.click("[data-testid=burn-preview]")
    expect(page.locator("#burn-panel [data-testid=burn-error]")).to_contain_text("boom")
    expect(page.locator("#burn-result [data-testid=burn-outcome]")).to_have_count(0)
    expect(page.locator("#graph g.node.highlight")).to_have_count(0)
    page.unroute("**/ui/burn-preview*")
    page.route("**/ui/burn-preview*", lambda route: route.abort())
    page.click("[data-testid=burn-preview]")
    expect(page.locator("#burn-panel [data-testid=burn-error]")).to_contain_text("could not be reached")
    page.context.close()


def test_a_failed_rating_is_shown_in_its_cell_and_the_cell_keeps_the_stored_value(pictures_server, page) -> None:  # type: ignore[no-untyped-def]
    base, _ = pictures_server
    login(page, base, "nina", "nina-password")
    page.goto(base + "/cases/zarubin-1937")
    cell = page.get_by_test_id("rate-memorandum-sent-genuine")
    stored = cell.input_value()
    posterior = page.get_by_test_id("posterior-genuine").inner_text()
    new = "II" if stored != "II" else "CC"
    page.route("**/ui/rate", lambda route: route.abort())
    cell.select_option(new)
    error = page.locator("tr[data-report='memorandum-sent'] [data-testid=cell-error]")
    expect(error).to_contain_text("could not be reached")
    expect(cell).to_have_value(stored)  # not the unsaved value, as if it had been saved
    assert page.get_by_test_id("posterior-genuine").inner_text() == posterior
    page.unroute("**/ui/rate")
    refused = '<div id="flash" class="flash error">the case changed</div>'
    page.route("**/ui/rate", lambda route: route.fulfill(status=409, content_type="text/html", body=refused))
    cell.select_option(new)
    expect(error).to_contain_text("the case changed")
    expect(cell).to_have_value(stored)
    expect(page.locator("#flash")).not_to_contain_text("the case changed")
    page.unroute("**/ui/rate")
    # and the rating form with a note: the message inside the form
    page.evaluate("document.querySelector('#matrix-panel details.subform').open = true")
    page.route("**/ui/rating", lambda route: route.abort())
    page.locator("#rating-form [data-testid=save-ratings]").click()
    expect(page.locator("#rating-form [data-testid=form-error]")).to_contain_text("could not be reached")
