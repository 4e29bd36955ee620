"""Helpers for the browser tests: log in, take a screenshot, fill and submit the workbench's forms."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.conftest import SCRATCH

expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=15_000)  # two busy cores: a swap may take more than the default 5 s


def login(page: Any, base: str, name: str, password: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def shot(page: Any, name: str, full: bool = True) -> None:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCRATCH / name), full_page=full)


def open_kind(page: Any, kind: str) -> None:
    page.evaluate("k => { const d = document.querySelector(`details[data-kind='${k}']`); if (d) d.open = true; }",
                  kind)


def fill(form: Any, kind: str, values: dict[str, str]) -> None:
    from sevenfold.web.views import ENTRY_FORMS

    for f in ENTRY_FORMS[kind]:
        if f.name not in values:
            continue
        field = form.locator(f'[name="{f.name}"]')
        if f.widget == "select":
            if values[f.name] or f.ref:
                field.select_option(values[f.name])
        elif f.widget == "check":
            field.set_checked(bool(values[f.name]))
        else:
            field.fill(values[f.name])


def submit(page: Any, button: Any, expect_flash: str, status: int = 200) -> None:
    """Click a form's button and wait until htmx has swapped the answer in (the old form is gone)."""
    page.evaluate("() => { window.__settled = false; document.body.addEventListener('htmx:afterSettle',"
                  " () => { window.__settled = true; }, { once: true }); }")
    with page.expect_response(lambda r: "/ui/" in r.url and r.request.method == "POST") as info:
        button.click()
    assert info.value.status == status, info.value.text()[:800]
    page.wait_for_function("() => window.__settled === true")
    if expect_flash:
        expect(page.get_by_test_id("flash")).to_contain_text(expect_flash)


def add_entry(page: Any, kind: str, values: dict[str, str], label: str) -> None:
    open_kind(page, kind)
    form = page.locator(f"form[data-testid=form-{kind}]")
    fill(form, kind, values)
    submit(page, form.locator(f"[data-testid=save-{kind}]"), label)


def edit_entry(page: Any, kind: str, entry_id: str, values: dict[str, str], label: str) -> None:
    open_kind(page, kind)
    page.click(f"[data-testid='edit-{kind}-{entry_id}']")
    form = page.locator(f"form[data-testid=form-{kind}-edit]")
    expect(form).to_be_visible()
    fill(form, kind, {k: v for k, v in values.items() if k != "id"})
    submit(page, form.locator(f"[data-testid=save-{kind}]"), label)


def csrf(page: Any, base: str) -> str:
    return str(page.request.get(base + "/api/v1/me").json()["csrf_token"])


def rate(page: Any, report: str, hypothesis: str, value: str) -> None:
    """Choose a rating in the matrix and wait until the re-assessed workspace is swapped in."""
    page.evaluate("() => { window.__settled = false; document.body.addEventListener('htmx:afterSettle',"
                  " () => { window.__settled = true; }, { once: true }); }")
    with page.expect_response(lambda r: "/ui/rate" in r.url and r.request.method == "POST") as info:
        page.select_option(f"[data-testid='rate-{report}-{hypothesis}']", value)
    assert info.value.status == 200, info.value.text()[:800]
    page.wait_for_function("() => window.__settled === true")
    expect(page.get_by_test_id("flash")).to_contain_text(f"rated {report} against {hypothesis}")
