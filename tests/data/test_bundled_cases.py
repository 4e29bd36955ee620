"""The bundled demo cases (src/sevenfold/data/*.yaml) are valid, complete and faithful to the seed paper.

Generic checks run on every bundled case; the seed-faithfulness checks (citations and quotes copied
verbatim from the seed) run when the seed text is available and are skipped otherwise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sevenfold.model import Case, date_end, date_start, load_case

DATA_DIR = Path(__file__).resolve().parents[2] / "src" / "sevenfold" / "data"
SEED_PATH = Path("/work/shared/seed/000_ce50222c185dd762.txt")
SEED_DATE = "2009-09-14"  # the seed paper's own date: nothing in a case can be later than it
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

CASE_FILES = sorted(DATA_DIR.glob("*.yaml"))


def test_both_demo_cases_are_bundled() -> None:
    names = {p.stem for p in CASE_FILES}
    assert {"zarubin-1937", "internal-threat-1937"} <= names


@pytest.fixture(params=CASE_FILES, ids=lambda p: p.stem)
def case(request: pytest.FixtureRequest) -> Case:
    return load_case(request.param)


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_yaml_parses_and_id_matches_file_name(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["format"] == "sevenfold/1"
    assert data["case"]["id"] == path.stem


def test_every_reference_resolves(case: Case) -> None:
    assert case.reference_problems() == []
    assert case.warnings() == []


def test_ids_are_lowercase_slugs(case: Case) -> None:
    ids = [case.case.id] + [e.id for kind in ("actors", "sources", "documents", "reports", "hypotheses")
                            for e in getattr(case, kind)]
    bad = [i for i in ids if not SLUG.match(i)]
    assert bad == []


def test_metadata_cites_the_seed(case: Case) -> None:
    meta = case.case
    assert meta.title and meta.question and meta.as_of and meta.language == "en"
    cites = meta.extra.get("cites")
    assert isinstance(cites, dict)
    assert cites["author"] == "Hiroaki Kuromiya"
    assert cites["title"] == "Stalin's Great Terror and Espionage"
    assert "NCEEER" in cites["series"] and cites["year"] == 2009
    assert meta.extra.get("description")


def test_each_report_has_a_cited_document_and_a_footnote(case: Case) -> None:
    documents = {d.id: d for d in case.documents}
    for r in case.reports:
        assert r.document is not None, r.id
        doc = documents[r.document]
        assert doc.citation.strip(), r.id
        assert "footnote" in r.extra, f"{r.id}: say which seed footnote it comes from (null if none)"
        # the report's footnote is the document's footnote: a report cannot cite one note and point at another
        assert r.extra["footnote"] == doc.extra.get("footnote"), r.id
        assert r.text.strip() and r.extra.get("quote"), r.id


def test_full_ach_matrix(case: Case) -> None:
    rated = {(rt.report, rt.hypothesis) for rt in case.ratings}
    for h in case.hypotheses:
        assert any(rt.hypothesis == h.id for rt in case.ratings), h.id
    missing = [(r.id, h.id) for r in case.reports for h in case.hypotheses if (r.id, h.id) not in rated]
    assert missing == []
    assert len(case.ratings) == len(rated)  # one analyst, no duplicates


def test_at_least_one_deception_hypothesis_with_a_known_actor(case: Case) -> None:
    actors = {a.id for a in case.actors}
    deceptive = [h for h in case.hypotheses if h.deception_by is not None]
    assert deceptive
    assert all(h.deception_by in actors for h in deceptive)
    assert len(case.hypotheses) >= 3


def test_priors_absent_or_justified(case: Case) -> None:
    priors = [h.prior for h in case.hypotheses]
    if any(p is not None for p in priors):
        assert all(p is not None for p in priors)
        assert abs(sum(p for p in priors if p is not None) - 1.0) < 1e-9
        assert all(h.extra.get("note") for h in case.hypotheses)


def test_dates_are_not_later_than_the_seed(case: Case) -> None:
    dated = [r.date for r in case.reports] + [d.date for d in case.documents] + [o.date for o in case.outcomes]
    # a partial date ("2009" for an article forthcoming in 2009) may start no later than the seed
    assert all(date_start(d) <= date_start(SEED_DATE) for d in dated if d is not None)


def test_outcomes_are_dated_so_as_of_can_hide_them(case: Case) -> None:
    # an undated outcome would leak into an assessment made as of an earlier date
    assert all(o.date is not None for o in case.outcomes)
    assert all(o.note for o in case.outcomes)


def test_interested_official_statements_name_their_interests(case: Case) -> None:
    sources = {s.id: s for s in case.sources}
    for r in case.reports:
        if r.modality in ("official_statement", "coerced_confession"):
            assert sources[r.source].interests, f"{r.id}: source {r.source} needs interests"


def test_derived_reports_are_not_older_than_their_origin(case: Case) -> None:
    reports = {r.id: r for r in case.reports}
    for r in case.reports:
        for d in r.derived_from:
            parent = reports[d]
            if r.date and parent.date:
                assert date_end(r.date) >= date_start(parent.date), (r.id, d)


def test_zarubin_case_structure() -> None:
    case = load_case(DATA_DIR / "zarubin-1937.yaml")
    by_actor = {h.deception_by for h in case.hypotheses}
    assert {"german-intelligence", "british-intelligence", None} == by_actor
    # the whole account reaches us through one book: every report's chain ends in it
    assert all(r.via and r.via[-1] == "stavinskii-2003" for r in case.reports)
    # no report after the decision point; every outcome after it (no hindsight)
    assert all(date_end(r.date) <= date_end(case.case.as_of) for r in case.reports if r.date)
    assert all(date_start(o.date) > date_end(case.case.as_of) for o in case.outcomes if o.date)
    tracked = [s for s in case.sources if s.track_record is not None]
    assert [s.id for s in tracked] == ["zarubin-sources"]
    assert tracked[0].track_record.refuted == 0 and tracked[0].track_record.confirmed >= 1


def test_internal_threat_case_structure() -> None:
    case = load_case(DATA_DIR / "internal-threat-1937.yaml")
    modalities = {r.modality for r in case.reports}
    assert {"coerced_confession", "official_statement"} <= modalities
    deceiver = [h for h in case.hypotheses if h.deception_by]
    assert [h.deception_by for h in deceiver] == ["nkvd"]
    assert any(s.controlled_by == "nkvd" for s in case.sources)


# ---- faithfulness to the seed ----------------------------------------------------------------------

seed_required = pytest.mark.skipif(not SEED_PATH.exists(), reason="seed text not available")


def _normalise(text: str) -> str:
    text = text.translate(str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"}))
    return re.sub(r"\s+", " ", text)


@seed_required
def test_footnote_citations_are_verbatim(case: Case) -> None:
    seed = SEED_PATH.read_text(encoding="utf-8")
    for d in case.documents:
        if d.extra.get("footnote") is not None:
            assert d.citation in seed, f"{d.id}: citation is not the seed's own text"


@seed_required
def test_quotes_are_the_seeds_words(case: Case) -> None:
    seed = _normalise(SEED_PATH.read_text(encoding="utf-8"))
    for r in case.reports:
        for q in [r.extra["quote"], *(r.extra.get("seed_passage") or [])]:
            assert _normalise(q) in seed, f"{r.id}: {q!r} is not in the seed"


# ---- custody and documents (docs/case-format.md) -------------------------------------------------------

def test_bundled_documents_say_what_they_are_and_studies_merge_nothing(case: Case) -> None:
    from sevenfold.provenance import partition

    kinds = {d.id: d.kind for d in case.documents}
    assert set(kinds.values()) <= {"original", "study"}
    # a book or article printing earlier statements is where they are read, never their common origin
    for merge in partition(case).merges():
        if merge["rule"] == "document":
            doc = case.report(merge["reports"][0]).document
            assert kinds[doc] == "original", merge


def test_bundled_custody_chains_run_in_travel_order(case: Case) -> None:
    from sevenfold.model import custody_warnings

    assert custody_warnings(case) == []
    assert [w for w in case.warnings() if "unknown key" in w] == []


def test_zarubin_memorandum_names_its_originator() -> None:
    from sevenfold.model import custody_chain

    case = load_case(DATA_DIR / "zarubin-1937.yaml")
    memo = case.report("memorandum-sent")
    assert custody_chain(memo) == ["zarubin-sources", "zarubin", "stavinskii-2003"]


def test_show_and_the_html_report_carry_the_case_note_and_report_notes(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from sevenfold.cli import app
    from sevenfold.commands import _common

    # the console took its width when it was created (another test may have imported it first)
    monkeypatch.setattr(_common.console, "width", 400)

    path = DATA_DIR / "zarubin-1937.yaml"
    case = load_case(path)
    memo = case.report("memorandum-sent")
    assert case.case.note and memo.note and memo.date_note
    res = CliRunner().invoke(app, ["show", str(path)], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    flat = " ".join(res.stdout.split())
    for text in (case.case.note, memo.note, memo.date_note):
        assert " ".join(text.split())[:60] in flat
    pytest.importorskip("jinja2")
    from sevenfold.pipeline import run_assessment
    from sevenfold.report import render_report

    out = render_report(case, run_assessment(case), "html", tmp_path / "z.html")
    import html as html_lib

    page = " ".join(html_lib.unescape(Path(out).read_text(encoding="utf-8")).split())
    for text in (case.case.note, memo.note, memo.date_note):
        assert " ".join(text.split())[:60] in page
