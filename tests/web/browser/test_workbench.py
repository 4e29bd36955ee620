"""The workbench in a real browser: log in, create a case, add evidence, rate, burn, access denied.

Takes a screenshot of each step into the scratch folder (docs/screenshots/ comes from test_screenshots.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.browser.conftest import SCRATCH
from tests.web.browser.helpers import add_entry, login, shot

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

ZARUBIN = Path(__file__).resolve().parents[3] / "src" / "sevenfold" / "data" / "zarubin-1937.yaml"


def test_analyst_workflow_and_access_denied(live_server, page) -> None:  # type: ignore[no-untyped-def]
    base, store = live_server
    case_file = ZARUBIN if ZARUBIN.exists() else None
    assert case_file is not None, "the bundled demo case is missing"
    case_id = "zarubin-1937"

    page.goto(base + "/")
    assert page.url.endswith("/login")
    shot(page, "login.png", full=False)
    login(page, base, "alice", "alice-password")

    # create a case by uploading the bundled case file
    page.set_input_files("[data-testid=upload-file]", str(case_file))
    page.click("text=Upload and create")
    page.wait_for_url(f"{base}/cases/{case_id}")
    assert page.inner_text("[data-testid=case-title]")
    page.wait_for_selector("#graph svg")  # the provenance graph is drawn
    shot(page, "case.png")

    # add a report and a hypothesis (htmx swaps, no reload)
    page.evaluate("window.__marker = 1")
    add_entry(page, "reports", {"id": "new-intercept", "source": "zarubin", "date": "1937-02",
                                "text": "An intercept says the memorandum was <b>planted</b>."},
              "added report new-intercept")
    page.wait_for_selector('tr[data-report="new-intercept"]')
    assert "<b>planted</b>" in page.inner_text('tr[data-report="new-intercept"]')  # text, not markup
    add_entry(page, "hypotheses", {"id": "sub-source-fabrication",
                                   "statement": "Zarubin's sub-sources fabricated it"},
              "added hypothesis sub-source-fabrication")
    page.wait_for_selector("[data-testid=rate-new-intercept-sub-source-fabrication]")

    # rate: the posterior / scores change without a page reload
    def scores() -> str:
        return page.inner_text("[data-testid=posteriors]")

    before = scores()
    page.select_option("[data-testid=rate-new-intercept-genuine]", "II")
    expect(page.get_by_test_id("flash")).to_contain_text("rated new-intercept against genuine")
    after = scores()
    assert after != before
    page.select_option("[data-testid=rate-new-intercept-sub-source-fabrication]", "CC")
    expect(page.get_by_test_id("flash")).to_contain_text("against sub-source-fabrication")
    assert page.evaluate("window.__marker") == 1, "the page reloaded"
    case = store.load_case(case_id)
    mine = {(r.report, r.hypothesis): r.consistency for r in case.ratings if r.analyst == "alice"}
    assert mine == {("new-intercept", "genuine"): "II", ("new-intercept", "sub-source-fabrication"): "CC"}
    page.wait_for_selector("#graph svg")
    page.locator("#matrix-panel").screenshot(path=str(SCRATCH / "matrix.png"))
    page.locator("#hypotheses-panel").screenshot(path=str(SCRATCH / "posteriors.png"))

    # burn a source: preview what falls, then burn it
    page.select_option("[data-testid=burn-source]", "zarubin")
    page.fill("[data-testid=burn-since]", "1936-06")
    page.click("[data-testid=burn-preview]")
    page.wait_for_selector("[data-testid=burn-outcome]")
    falls = page.inner_text("[data-testid=falls]")
    assert "new-intercept" in falls
    # a bad date: the error sits in the burn panel under its form, and the earlier result is gone
    page.fill("[data-testid=burn-since]", "1936-13")
    page.click("[data-testid=burn-preview]")
    expect(page.locator("#burn-panel [data-testid=burn-error]")).to_contain_text("1936-13")
    expect(page.locator("[data-testid=burn-outcome]")).to_have_count(0)
    page.fill("[data-testid=burn-since]", "1936-06")
    page.click("[data-testid=burn-preview]")
    page.wait_for_selector("[data-testid=burn-outcome]")
    page.locator("#burn-panel").screenshot(path=str(SCRATCH / "burn.png"))
    page.click("[data-testid=burn-commit]")
    expect(page.get_by_test_id("flash")).to_contain_text("burned zarubin from 1936-06")
    page.wait_for_selector("[data-testid=burns]")
    assert any(b.source == "zarubin" for b in store.load_case(case_id).burns)
    assert "burned" in page.inner_text("[data-testid=sources]")
    page.locator("#sources-panel").screenshot(path=str(SCRATCH / "sources.png"))
    page.locator("#timeline-panel").screenshot(path=str(SCRATCH / "timeline.png"))
    page.locator("#graph-panel").screenshot(path=str(SCRATCH / "provenance.png"))
    page.goto(base + "/")
    shot(page, "cases.png", full=False)
    assert not [e for e in page.console_errors if "Content Security Policy" in e], page.console_errors

    # a second user sees nothing of it
    page.click("text=Log out")
    page.wait_for_url(base + "/login")
    login(page, base, "bob", "bob-password")
    assert case_id not in page.inner_text("main")
    response = page.goto(f"{base}/cases/{case_id}")
    assert response.status == 404
    assert "not shared with you" in page.inner_text("main")
    shot(page, "denied.png", full=False)
    api = page.request.get(f"{base}/api/v1/cases/{case_id}/assessment")
    assert api.status == 404
