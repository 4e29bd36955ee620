"""A screenshot of each page at 1440 px and 800 px wide, and checks that nothing overflows at 800 px.

With SEVENFOLD_UPDATE_SCREENSHOTS=1 they go to docs/screenshots/ (NAME-1440.png, NAME-800.png), which
docs/workbench.md shows; otherwise to a scratch folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.browser.conftest import SCREENSHOTS
from tests.web.browser.helpers import login, open_kind, submit

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

ZARUBIN = Path(__file__).resolve().parents[3] / "src" / "sevenfold" / "data" / "zarubin-1937.yaml"
WIDTHS = (1440, 800)


def snap(page: Any, name: str, width: int, full: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=full)


def no_horizontal_overflow(page: Any) -> None:
    """The page itself never scrolls sideways (wide tables scroll inside their own box)."""
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 1, f"the page is {wide} px wider than the window"


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_every_page(empty_server, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    from sevenfold.workspace import Workspace

    base, store = empty_server
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/login")
    snap(page, "login", width, full=False)
    login(page, base, "alice", "alice-password")
    snap(page, "cases", width)
    no_horizontal_overflow(page)

    # a case with hypotheses only: what is missing, and the forms to add it
    form = page.locator("form[data-testid=form-new-case]")
    form.locator("[name=id]").fill("draft")
    form.locator("[name=title]").fill("A case being built")
    form.locator("[name=hypotheses]").fill("genuine | The document is genuine\nplant | It was planted")
    form.locator("[data-testid=create-case]").click()
    page.wait_for_url(base + "/cases/draft")
    snap(page, "case-new", width)
    no_horizontal_overflow(page)
    open_kind(page, "reports")
    form = page.locator("form[data-testid=form-reports]")
    form.locator("[name=id]").fill("r1")
    form.locator("[name=date]").fill("1937-02-30")
    submit(page, form.locator("[data-testid=save-reports]"), "", status=422)
    page.locator("details[data-kind=reports]").screenshot(path=str(SCREENSHOTS / f"form-error-{width}.png"))

    # the bundled case, shared with a second analyst who rated some reports differently
    page.goto(base + "/")
    page.set_input_files("[data-testid=upload-file]", str(ZARUBIN))
    page.click("text=Upload and create")
    page.wait_for_url(base + "/cases/zarubin-1937")
    ws = Workspace(store, actor="test:setup")
    ws.grant("zarubin-1937", "omar", "analyst")
    for report, hyp, rating in (("zarubin-provocation-precluded", "german-provocation", "C"),
                                ("stalin-convinced-exists", "genuine", "CC"),
                                ("zarubin-english-precluded", "british-plant", "N")):
        ws.rate("zarubin-1937", report, hyp, analyst="omar", consistency=rating)
    page.reload()
    page.wait_for_selector("#graph svg")
    snap(page, "case", width)
    no_horizontal_overflow(page)
    page.locator("#hypotheses-panel").screenshot(path=str(SCREENSHOTS / f"posteriors-{width}.png"))
    page.locator("#graph-panel").screenshot(path=str(SCREENSHOTS / f"provenance-{width}.png"))
    open_kind(page, "reports")
    page.click("[data-testid='delete-reports-memorandum-sent']")
    expect(page.get_by_test_id("confirm-delete")).to_be_visible()
    page.locator("details[data-kind=reports]").screenshot(path=str(SCREENSHOTS / f"confirm-delete-{width}.png"))
    page.locator("#sharing").screenshot(path=str(SCREENSHOTS / f"sharing-{width}.png"))

    page.goto(base + "/account")
    snap(page, "account", width, full=False)
    no_horizontal_overflow(page)
    page.context.close()
