"""Hostile text through every field: the pages must render it as text, never as markup.

The check is structural: the HTML is parsed and every element must be one our templates emit,
with no event-handler attribute, no ``javascript:`` URL and no script other than our own.
"""

from __future__ import annotations

import copy
from html.parser import HTMLParser
from typing import Any

import pytest
import yaml

from tests.web.conftest import TINY, World, session_client

PAYLOADS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "'><svg onload=alert(3)>",
    "</script><script>alert(4)</script>",
    "javascript:alert(5)",
    "<iframe srcdoc='<script>alert(6)</script>'>",
    "{{ 7*7 }}{% raw %}",
    "<a href=\"javascript:alert(8)\">x</a>",
    "<style>body{display:none}</style>",
    "\u2028\u2029<!--",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(9)>",
    "]]><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(10)</x:script>",
    "%3Cscript%3Ealert(11)%3C%2Fscript%3E",
    "<div hx-get=\"/api/v1/me\" hx-trigger=\"load\">htmx</div>",
]
ID_PAYLOADS = [p for p in PAYLOADS if "/" not in p and "?" not in p and "#" not in p and "%" not in p]

ALLOWED_TAGS = {"html", "head", "meta", "title", "link", "script", "body", "header", "a", "span", "form", "input",
                "button", "main", "section", "h1", "h2", "h3", "p", "code", "strong", "table", "thead", "tbody",
                "tr", "th", "td", "br", "select", "option", "label", "textarea", "div", "ul", "ol", "li", "svg",
                "rect", "sub", "em", "small", "details", "summary",
                # the provenance graph and the timeline (SVG drawn by the server)
                "g", "path", "circle", "text", "tspan", "defs", "marker"}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.bad.append(f"<{tag}>")
        d = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}>")
            url_attr = name in ("href", "src", "action", "formaction")
            if url_attr and (value or "").strip().lower().startswith("javascript:"):
                self.bad.append(f"<{tag} {name}={value}>")
            if name.startswith("hx-") and "htmx" in (value or ""):
                self.bad.append(f"<{tag} {name}>")
        if tag == "script":
            ok = (d.get("src") or "").startswith("/static/")
            if not ok:
                self.bad.append(f"<script {d}>")
        if tag == "div" and any(n.startswith("hx-") for n in d) and "htmx" in str(d):
            self.bad.append("<div hx-*> from user data")


def assert_inert(html: str) -> None:
    audit = _Audit()
    audit.feed(html)
    assert not audit.bad, audit.bad
    for p in PAYLOADS:
        if "<" in p:
            assert p not in html, f"raw payload in page: {p!r}"


def hostile_case(payload: str, id_payload: str) -> dict[str, Any]:
    data = copy.deepcopy(TINY)
    data["case"].update(id="hostile", title=payload, question=payload, description=payload)
    data["actors"][0].update(name=payload, aliases=[payload])
    for s in data["sources"]:
        s.update(name=payload, aliases=[payload], interests=[payload], extra_note=payload)
    data["sources"][1]["id"] = id_payload
    for r in data["reports"]:
        r["text"] = payload
        if r["source"] == "s2":
            r["source"] = id_payload
    data["reports"][0]["claims"] = [{"object": payload, "attribute": payload, "value": payload}]
    data["documents"][0].update(citation=payload, title=payload)
    data["hypotheses"][0].update(statement=payload)
    data["hypotheses"][1]["id"] = id_payload + "h"
    for rt in data["ratings"]:
        rt["note"] = payload
        rt["analyst"] = payload
        if rt["hypothesis"] == "h2":
            rt["hypothesis"] = id_payload + "h"
    data["outcomes"][0]["note"] = payload
    data["burns"][0]["note"] = payload
    return data


@pytest.mark.parametrize("i", range(len(PAYLOADS)))
def test_payload_through_every_field_renders_as_text(fresh: World, i: int) -> None:
    payload, id_payload = PAYLOADS[i], ID_PAYLOADS[i % len(ID_PAYLOADS)]
    client = fresh.client("bob")
    r = client.post("/api/v1/cases", files={"file": ("x.yaml", yaml.safe_dump(hostile_case(payload, id_payload)),
                                                     "application/yaml")})
    assert r.status_code == 201, r.text
    try:
        html = {"accept": "text/html"}
        assert_inert(client.get("/", headers=html).text)
        page = client.get("/cases/hostile", headers=html)
        assert page.status_code == 200
        assert_inert(page.text)
        assert payload in page.text or "<" in payload or "&" in payload or "{" in payload or "\u2028" in payload
        assert_inert(client.get("/cases/hostile/ui/burn-preview", params={"source": id_payload, "since": "1936"}).text)
        # htmx edits echo user input into flash messages
        assert_inert(client.post("/cases/hostile/ui/reports",
                                 data={"id": id_payload + "r", "source": "s1", "text": payload}).text)
        assert_inert(client.post("/cases/hostile/ui/hypotheses",
                                 data={"id": id_payload + "x", "statement": payload}).text)
        assert_inert(client.post("/cases/hostile/ui/rate", data={"report": "r1", "hypothesis": id_payload + "h",
                                                                  "consistency": "II"}).text)
        assert_inert(client.post("/cases/hostile/ui/burn", data={"source": id_payload, "since": "1936",
                                                                  "note": payload}).text)
        # error paths echo input too
        assert_inert(client.post("/cases/hostile/ui/rate", data={"report": payload, "hypothesis": "h1",
                                                                  "consistency": "C"}).text)
        assert_inert(client.post("/cases/hostile/ui/reports", data={"id": "r1", "source": payload}).text)
        assert_inert(client.get("/cases/" + id_payload, headers=html).text)
    finally:
        fresh.store.delete_case("hostile", actor="test:cleanup")


def test_invalid_upload_problems_are_escaped(fresh: World) -> None:
    c, csrf = session_client(fresh, "bob")
    bad = copy.deepcopy(TINY)
    bad["case"]["id"] = "bad"
    bad["reports"].append({"id": PAYLOADS[1], "source": PAYLOADS[0]})
    r = c.post("/cases", data={"csrf_token": csrf},
               files={"file": (PAYLOADS[2], yaml.safe_dump(bad), "application/yaml")})
    assert r.status_code == 422
    assert "unknown source" in r.text
    assert_inert(r.text)


def test_graph_and_timeline_labels_stay_text(fresh: World) -> None:
    client = fresh.client("bob")
    data = hostile_case('"></text></svg><script>alert(1)</script>', "s2")
    client.post("/api/v1/cases", files={"file": ("x.yaml", yaml.safe_dump(data), "application/yaml")})
    try:
        html = client.get("/cases/hostile", headers={"accept": "text/html"}).text
        for testid in ("graph-svg", "timeline-svg"):
            svg = html.split(f'data-testid="{testid}"', 1)[1].split("</svg>", 1)[0]
            assert "<script" not in svg and "&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;" in svg  # shown, as text
        assert_inert(html)
    finally:
        fresh.store.delete_case("hostile", actor="test:cleanup")
