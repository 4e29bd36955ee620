"""Forms in the browser: errors next to the field with nothing stored, why nothing moved, sharing,
per-analyst posteriors, a stale edit (412) showing the current values, delete confirmation naming whose
ratings go, and changing one's password."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.helpers import add_entry, login, open_kind, rate, submit

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def new_case(page: Any, case_id: str, as_of: str, hypotheses: str) -> None:
    form = page.locator("form[data-testid=form-new-case]")
    form.locator("[name=id]").fill(case_id)
    form.locator("[name=as_of]").fill(as_of)
    form.locator("[name=hypotheses]").fill(hypotheses)
    form.locator("[data-testid=create-case]").click()


def test_forms_errors_deletes_sharing_and_password(empty_server, page, browser) -> None:  # type: ignore[no-untyped-def]
    base, store = empty_server
    login(page, base, "nina", "nina-password")

    # a bad date: the message sits next to the field, the typed values stay, nothing is stored
    new_case(page, "tiny", "1937-13", "h1 | one explanation")
    expect(page.get_by_test_id("error-as_of")).to_contain_text("month out of range")
    assert page.locator("form[data-testid=form-new-case] [name=hypotheses]").input_value() == "h1 | one explanation"
    assert store.list_cases() == []
    page.locator("form[data-testid=form-new-case] [name=as_of]").fill("1937-03")
    page.locator("[data-testid=create-case]").click()
    page.wait_for_url(base + "/cases/tiny")
    expect(page.get_by_test_id("missing")).to_contain_text("a second hypothesis")

    # entry forms: the library's message next to the field, nothing stored, then fixed
    open_kind(page, "hypotheses")
    form = page.locator("form[data-testid=form-hypotheses]")
    form.locator("[name=id]").fill("h2")
    form.locator("[name=prior]").fill("likely")
    submit(page, form.locator("[data-testid=save-hypotheses]"), "", status=422)
    expect(page.locator("form[data-testid=form-hypotheses] [data-testid=error-prior]")).to_contain_text("number")
    assert [h.id for h in store.load_case("tiny").hypotheses] == ["h1"]
    page.locator("form[data-testid=form-hypotheses] [name=prior]").fill("0.5")
    submit(page, page.locator("form[data-testid=form-hypotheses] [data-testid=save-hypotheses]"), "added hypothesis h2")
    add_entry(page, "sources", {"id": "s1", "name": "Agent", "access": "direct"}, "added source s1")
    open_kind(page, "reports")
    form = page.locator("form[data-testid=form-reports]")
    form.locator("[name=id]").fill("r1")
    form.locator("[name=source]").select_option("s1")
    form.locator("[name=date]").fill("1937-02-30")
    submit(page, form.locator("[data-testid=save-reports]"), "", status=422)
    expect(page.locator("[data-testid=error-date]")).to_contain_text("1937-02-30")
    assert store.load_case("tiny").reports == []
    page.locator("form[data-testid=form-reports] [name=date]").fill("1937-02")
    submit(page, page.locator("form[data-testid=form-reports] [data-testid=save-reports]"), "added report r1")
    expect(page.get_by_test_id("missing")).to_have_count(0)  # assessable now

    # a rating that moves nothing says why
    rate(page, "r1", "h1", "C")
    expect(page.get_by_test_id("why")).to_contain_text("not rated r1 against h2")
    rate(page, "r1", "h2", "C")
    expect(page.get_by_test_id("why")).to_contain_text("non-diagnostic")

    # owners share the case; an unknown user is refused next to the field
    sharing = page.locator("form[data-testid=form-grant]")
    sharing.locator("[name=user]").fill("nobody")
    submit(page, sharing.locator("[data-testid=grant-add]"), "")
    expect(page.get_by_test_id("grant-error")).to_contain_text("no user 'nobody'")
    sharing = page.locator("form[data-testid=form-grant]")
    sharing.locator("[name=user]").fill("omar")
    sharing.locator("[name=role]").select_option("analyst")
    submit(page, sharing.locator("[data-testid=grant-add]"), "omar is now analyst")
    expect(page.get_by_test_id("grants")).to_contain_text("omar")

    # omar rates in his own browser; nina then sees his posterior beside the team's
    other = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    login(other, base, "omar", "omar-password")
    other.goto(base + "/cases/tiny")
    rate(other, "r1", "h1", "II")
    other.context.close()
    page.reload()
    expect(page.get_by_test_id("posterior-h1-omar")).to_be_visible()
    expect(page.get_by_test_id("posterior-h1-nina")).to_be_visible()
    assert "{'" not in page.inner_text("#alerts-panel")  # no Python dict in an alert

    # a stale edit form: 412, the current values shown, nothing of the stale edit stored
    open_kind(page, "sources")
    page.click("[data-testid=edit-sources-s1]")
    form = page.locator("form[data-testid=form-sources-edit]")
    form.locator("[name=name]").fill("Typed by nina")
    from sevenfold.workspace import Workspace

    Workspace(store, actor="test:omar").replace("tiny", "sources", "s1", {"id": "s1", "name": "Renamed meanwhile"})
    submit(page, form.locator("[data-testid=save-sources]"), "", status=412)
    expect(page.get_by_test_id("form-notice")).to_contain_text("changed since you opened")
    assert page.locator("form[data-testid=form-sources-edit] [name=name]").input_value() == "Renamed meanwhile"
    assert store.load_case("tiny").sources[0].name == "Renamed meanwhile"

    # deleting a report says whose ratings go, and deletes only when confirmed
    open_kind(page, "reports")
    page.click("[data-testid=delete-reports-r1]")
    expect(page.get_by_test_id("delete-ratings")).to_contain_text("nina, omar")
    assert [r.id for r in store.load_case("tiny").reports] == ["r1"]
    submit(page, page.locator("[data-testid=confirm-delete-yes]"), "deleted report r1")
    assert store.load_case("tiny").reports == [] and store.load_case("tiny").ratings == []

    # the password page: the current password is checked, then every session ends
    page.click("[data-testid=who]")
    page.wait_for_url(base + "/account")
    page.fill("[name=current]", "wrong-password")
    page.fill("[name=new]", "a new long secret")
    page.fill("[name=again]", "a new long secret")
    page.click("[data-testid=change-password]")
    expect(page.get_by_test_id("error-current")).to_be_visible()
    page.fill("[name=current]", "nina-password")
    page.fill("[name=new]", "a new long secret")
    page.fill("[name=again]", "a new long secret")
    page.click("[data-testid=change-password]")
    expect(page.get_by_test_id("password-changed")).to_be_visible()
    assert page.goto(base + "/").url.endswith("/login")
    login(page, base, "nina", "a new long secret")
