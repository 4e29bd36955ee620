"""The case page explains every number: a "why" under each posterior, each report's credibility and weight,
the what-if's deltas, and the reason a rating edit moved nothing (all of them the library's)."""

from __future__ import annotations

import re

from tests.web.conftest import World

HX = {"hx-request": "true"}


def test_case_page_shows_why_for_posteriors_and_reports(fresh: World) -> None:
    html = fresh.client("bob").get("/cases/tiny").text
    for h in ("h1", "h2"):
        block = re.search(rf'data-testid="why-{h}">(.*?)</details>', html, re.S)
        assert block, h
        assert "log odds" in block.group(1) and "r2" in block.group(1)  # the one report that bears on them
    r1 = re.search(r'data-testid="why-report-r1">(.*?)</details>', html, re.S)
    assert r1 and "non-diagnostic" in r1.group(1) and "Weight" in r1.group(1)
    r2 = re.search(r'data-testid="why-report-r2">(.*?)</details>', html, re.S)
    assert r2 and "reliability" in r2.group(1) and "moves nothing" not in r2.group(1)
    # the JSON carries the same explanation
    a = fresh.client("bob").get("/api/v1/cases/tiny/assessment").json()
    assert a["hypotheses"][0]["why"]["contributions"][0]["reports"] == ["r2"]


def test_rating_a_copy_like_its_original_says_the_origin_is_already_counted(fresh: World) -> None:
    c = fresh.client("bob")
    r = c.post("/cases/tiny/ui/rate", data={"report": "r3", "hypothesis": "h1", "consistency": "I"}, headers=HX)
    assert r.status_code == 200
    r = c.post("/cases/tiny/ui/rate", data={"report": "r3", "hypothesis": "h2", "consistency": "C"}, headers=HX)
    why = re.search(r'data-testid="why">(.*?)</div>', r.text, re.S)
    assert why and "nothing moved" in why.group(1) and "already counted" in why.group(1), r.text[:2000]


def test_burn_preview_explains_each_delta(fresh: World) -> None:
    r = fresh.client("bob").get("/cases/tiny/ui/burn-preview", params={"source": "s2"}, headers=HX)
    assert r.status_code == 200
    block = re.search(r'data-testid="why-change-h1">(.*?)</details>', r.text, re.S)
    assert block and "Log odds against h2" in block.group(1) and "r2" in block.group(1)
