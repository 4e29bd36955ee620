"""The case page's pictures (server side): the provenance graph and the timeline as SVG, their
click-through links, the what-if's fallen reports, and errors of the burn preview in the burn panel."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from sevenfold import api
from sevenfold.model import case_from_data
from sevenfold.store import accounts
from tests.report.figures_cases import case_100
from tests.web.conftest import World


class Page(HTMLParser):
    """Ids, fragment links (inside the graph or the timeline) and the SVG marks of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: dict[str, list[str]] = {"graph": [], "timeline": [], "other": []}
        self.where: list[str] = []
        self.nodes: list[dict[str, str]] = []
        self.marks: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if a.get("id") in ("graph", "timeline"):
            self.where.append(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links[self.where[-1] if self.where else "other"].append(a["href"][1:])
        if tag == "g" and "node" in a.get("class", "").split():
            self.nodes.append(a)
        if tag == "g" and "mark" in a.get("class", "").split():
            self.marks.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.where:
            self.where.pop()


def parse(html: str) -> Page:
    p = Page()
    p.feed(html)
    return p


@pytest.fixture
def big(world: World) -> World:
    case = case_100(1)
    world.store.import_case(case, replace=True, actor="test:setup")
    for name in ("alice", "bob", "carol"):
        accounts.grant(world.store, case.id, name, {"alice": "owner", "bob": "analyst", "carol": "reader"}[name],
                       actor="test:setup")
    world.app.state.assessments = type(world.app.state.assessments)()  # type: ignore[attr-defined]
    return world


def page_of(world: World, user: str, case_id: str) -> str:
    r = world.client(user).get(f"/cases/{case_id}", headers={"accept": "text/html"})
    assert r.status_code == 200, r.text[:500]
    return r.text


def test_the_100_report_graph_and_timeline_are_drawn_and_every_link_resolves(big: World) -> None:
    for user in ("carol", "bob"):  # a reader and an analyst (who also gets links to documents)
        html = page_of(big, user, "pictures-100")
        p = parse(html)
        reports = [n for n in p.nodes if "report" in n["class"].split()]
        assert len(reports) == 100
        assert {c for n in p.nodes for c in n["class"].split()} >= {"source", "report", "document"}
        assert 'data-testid="graph-legend"' in html and 'data-testid="timeline-legend"' in html
        assert p.links["graph"] and p.links["timeline"]
        unresolved = [x for x in p.links["graph"] + p.links["timeline"] if x not in p.ids]
        assert not unresolved, unresolved[:5]
        targets = set(p.links["graph"])
        assert all(f"report-{n['data-report']}" in targets for n in reports)  # every report is clickable
        documents = [n for n in p.nodes if "document" in n["class"].split()]
        linked_docs = [n for n in documents if n["id"].removeprefix("graph-") in targets]
        assert len(linked_docs) == (len(documents) if user == "bob" else 0)
        spans = [m for m in p.marks if m["data-precision"] in ("year", "month")]
        points = [m for m in p.marks if m["data-precision"] == "day"]
        assert spans and points
        for m in spans:
            assert float(m["data-x1"]) > float(m["data-x0"])


def test_matrix_rows_and_source_rows_are_the_targets(big: World) -> None:
    html = page_of(big, "carol", "pictures-100")
    assert '<tr data-report="r1" id="report-r1">' in html
    p = parse(html)
    case = big.store.load_case("pictures-100")
    assert {f"source-{s.id}" for s in case.sources} <= p.ids


def test_the_what_if_names_its_fallen_reports_for_the_graph(big: World) -> None:
    case = big.store.load_case("pictures-100")
    source = case.reports[3].source
    expected = api.what_if(case, source=source, since="1930").falls
    assert expected
    r = big.client("carol").get(f"/cases/pictures-100/ui/burn-preview?source={source}&since=1930",
                                headers={"HX-Request": "true"})
    assert r.status_code == 200
    p = parse(r.text)
    import json
    import re

    falls = json.loads(re.search(r'data-falls="([^"]*)"', r.text).group(1).replace("&#34;", '"'))  # type: ignore[union-attr]
    assert falls == expected and 'data-preview="1"' in r.text
    graph_ids = parse(page_of(big, "carol", "pictures-100")).ids
    assert all(f"graph-report-{f}" in graph_ids for f in falls)
    assert [x for x in p.links["other"]] == [f"graph-report-{f}" for f in falls]


def test_a_recorded_burn_marks_what_fell_in_the_graph(big: World) -> None:
    case = big.store.load_case("pictures-100")
    source = case.reports[3].source
    c, csrf = _session(big, "bob")
    r = c.post("/cases/pictures-100/ui/burn", data={"source": source, "since": "1930"},
               headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert r.status_code == 200, r.text[:300]
    p = parse(r.text)
    fallen = {n["data-report"] for n in p.nodes if "fallen" in n["class"].split()}
    from sevenfold.pipeline import burned_reports

    assert fallen == set(burned_reports(big.store.load_case("pictures-100"), source, "1930"))
    burned = [n for n in p.nodes if "burned" in n["class"].split()]
    assert [n["data-node"] for n in burned] == [f"source:{source}"]


def test_a_failed_preview_replaces_the_old_result_next_to_the_form(big: World) -> None:
    c = big.client("carol")
    r = c.get("/cases/pictures-100/ui/burn-preview?source=s0&since=1936-13", headers={"HX-Request": "true"})
    assert r.status_code == 422
    # shown in place of the result under the burn form, never in the flash at the top
    assert r.headers["HX-Retarget"] == "#burn-result" and r.headers["HX-Reswap"] == "innerHTML"
    assert 'data-testid="burn-error"' in r.text and "1936-13" in r.text and "data-falls" not in r.text
    r = c.get("/cases/pictures-100/ui/burn-preview?source=no-such-source&since=1936", headers={"HX-Request": "true"})
    assert r.status_code in (404, 409, 422) and r.headers.get("HX-Retarget") == "#burn-result"


def test_hostile_labels_stay_text_in_the_pictures(fresh: World) -> None:
    data = {"format": "sevenfold/1", "case": {"id": "hostile-pictures"},
            "sources": [{"id": "s1", "name": '"><script>alert(1)</script> <img src=x onerror=alert(2)>'}],
            "documents": [{"id": "d1", "title": "</text><script>alert(3)</script>"}],
            "reports": [{"id": "r1", "source": "s1", "date": "1937", "document": "d1",
                         "text": "</title><script>alert(4)</script>"},
                        {"id": "r2", "source": "s1", "date": "1937-05-02"}],
            "hypotheses": [{"id": "h1"}, {"id": "h2"}]}
    case = case_from_data(data, "h.yaml")
    fresh.store.import_case(case, replace=True, actor="test:setup")
    accounts.grant(fresh.store, case.id, "carol", "reader", actor="test:setup")
    try:
        html = page_of(fresh, "carol", case.id)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)" in html  # shown, as text
    finally:
        fresh.store.delete_case(case.id, actor="test:cleanup")


def _session(world: World, name: str):  # type: ignore[no-untyped-def]
    from tests.web.conftest import session_client

    return session_client(world, name)
