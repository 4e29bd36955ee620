"""Footnote extraction (superscript, Markdown, plain) and reference resolution (ibid, op. cit., short forms)."""

from __future__ import annotations

import pytest

from sevenfold.cite import audit, extract_footnotes
from sevenfold.errors import InputError, LimitExceeded

PAGED = """Body text that cites a book.¹ It goes on and on and the page ends in the middle of a

¹John Smith, *A Book About Things* (London, 1990), p. 5. See also the long remark that runs over the

sentence that resumes on the next page.² More body.

over the page break and ends here.

²Ibid., p. 6.
"""


def test_superscript_continuation_before_next_block() -> None:
    notes = extract_footnotes(PAGED)
    assert [n.n for n in notes] == [1, 2]
    assert notes[0].text.endswith("runs over the over the page break and ends here.")
    assert notes[0].continued_at == [7]
    assert "resumes on the next page" not in notes[0].text


def test_superscript_continuation_between_split_body() -> None:
    text = (
        "Body.¹\n\n¹A note that is cut by the\n\nbody continues here, at length, without a stop and\n\n"
        "page break and goes on.\n\nthe body resumes in lower case.²\n\n²Ibid.\n"
    )
    notes = extract_footnotes(text)
    assert notes[0].text == "A note that is cut by the page break and goes on."


def test_superscript_numbers_must_increase() -> None:
    text = "¹First note.\n\n²Second.\n\n¹Not a note: a body line starting with a stray superscript.\n"
    assert [n.n for n in extract_footnotes(text)] == [1, 2]


def test_markdown_notes() -> None:
    text = (
        "Text[^1] and more[^note].\n\n[^1]: RGASPI, f. 17, op. 3, d. 5, l. 6.\n"
        "[^note]: Ibid., l. 7,\n    continued on an indented line.\n"
    )
    notes = extract_footnotes(text)
    assert [(n.n, n.label) for n in notes] == [(1, None), (2, "note")]
    assert notes[1].text == "Ibid., l. 7, continued on an indented line."
    r = audit(text)
    assert r.style == "markdown"
    assert r.footnotes[1].citations[0].resolves_to == r.footnotes[0].citations[0].resolves_to


def test_plain_numbered_notes_after_heading() -> None:
    text = "1. A numbered list item in the body\n\nNotes\n1. Kershaw, p. 3.\n2. Ibid.\n"
    notes = extract_footnotes(text, style="plain")
    assert [(n.n, n.text) for n in notes] == [(1, "Kershaw, p. 3."), (2, "Ibid.")]


def test_unknown_style_is_input_error() -> None:
    with pytest.raises(InputError):
        extract_footnotes("x", style="nope")


def test_limit_is_enforced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEVENFOLD_LIMIT_CITE_TEXT_CHARS", "10")
    with pytest.raises(LimitExceeded):
        audit("¹" + "x" * 20)


def _md(*notes: str) -> str:
    return "\n".join(f"[^{i}]: {t}" for i, t in enumerate(notes, 1)) + "\n"


def test_op_cit_without_full_citation_is_dangling() -> None:
    r = audit(_md("Ian Kershaw, *Nemesis* (New York, 2000), p. 44.", "Sidorov, op. cit., p. 132."))
    c = r.footnotes[1].citations[0]
    assert (c.kind, c.form, c.resolves_to) == ("dangling", "op_cit", None)
    assert "Sidorov" in c.reason
    assert r.dangling == [2]


def test_seed_without_fn35_makes_sidorov_dangling(seed_text: str) -> None:
    """The same paper with fn 35's Sidorov citation removed: op. cit. has nothing to point to."""
    cut = seed_text.replace('A. Sidorov, "Problema zakliucheniia pakta o nenapadenii v sovetsko-kitaiskikh '
                            'otnosheniakh (1932–1937 gg)," *Problemy Dal\'nego Vostoka*, 2009, no. 1, p. 130 states',
                            "One author states")
    assert cut != seed_text
    r = audit(cut)
    c = r.footnote(36).citations[0]
    assert (c.kind, c.form, c.resolves_to) == ("dangling", "op_cit", None)


def test_ibid_after_note_with_several_works_is_dangling() -> None:
    r = audit(_md("Kershaw, *Nemesis* (New York, 2000), p. 4; Fest, *Hitler* (London, 1974), p. 5.", "Ibid."))
    c = r.footnotes[1].citations[0]
    assert c.kind == "dangling" and "several" in c.reason


def test_ibid_after_prose_note_is_dangling_and_prose_kept() -> None:
    r = audit(_md("Just a remark with no source.", "Ibid., p. 3."))
    assert r.footnotes[0].citations[0].kind == "unparsed"
    assert r.footnotes[0].citations[0].raw == "Just a remark with no source."
    assert r.footnotes[1].citations[0].kind == "dangling"
    assert r.unparsed == [1]


def test_short_form_ambiguous_author_is_dangling() -> None:
    r = audit(_md("Ian Kershaw, *Nemesis* (New York, 2000), p. 4.", "Ian Kershaw, *Hubris* (New York, 1998), p. 5.",
                  "Kershaw, p. 16."))
    c = r.footnotes[2].citations[0]
    assert c.kind == "dangling" and "several" in c.reason
    r2 = audit(_md("Ian Kershaw, *Nemesis* (New York, 2000), p. 4.", "Ian Kershaw, *Hubris* (New York, 1998), p. 5.",
                   "Kershaw, *Nemesis*, p. 16."))
    assert r2.footnotes[2].citations[0].resolves_to == r2.footnotes[0].citations[0].resolves_to


def test_short_form_by_title_prefix() -> None:
    r = audit(_md("“Accounting for the Great Terror,” *Jahrbücher für Geschichte Osteuropas*, 53:1 (2005).",
                  "See Kuromiya, “Accounting for the Great Terror.”"))
    assert r.footnotes[1].citations[0].resolves_to == r.works[0].id


def test_single_source_runs_are_maximal_and_need_two() -> None:
    r = audit(_md(
        "Ervin Stavinskii, *Zarubiny* (Moscow, 2003), p. 1.",  # 1 w1
        "Ibid., p. 2.",  # 2 w1
        "Fest, *Hitler* (London, 1974), p. 5.",  # 3 w2
        "Ibid.",  # 4 w2
        "Ibid.",  # 5 w2
        "Stavinskii, p. 9.",  # 6 w1
        "A remark.",  # 7 none
        "Stavinskii, p. 10.",  # 8 w1 (alone after a break)
    ))
    assert [(run.footnotes, run.work) for run in r.single_source_runs] == [([1, 2], "w1"), ([3, 4, 5], "w2")]


def test_same_work_cited_twice_in_full_is_one_work() -> None:
    r = audit(_md("Ian Kershaw, *Nemesis* (New York, 2000), p. 4.", "Ian Kershaw, *Nemesis* (New York, 2000), p. 9."))
    assert len(r.works) == 1 and r.works[0].footnotes == [1, 2]
    assert [run.footnotes for run in r.single_source_runs] == [[1, 2]]


def test_idem_with_title_in_next_note_takes_previous_author() -> None:
    r = audit(_md("Hiroaki Kuromiya, *The Voices of the Dead* (New Haven, 2007), p. 3.",
                  "Idem, *Freedom and Terror in the Donbas* (Cambridge, 1998), p. 5."))
    c = r.footnotes[1].citations[0]
    assert (c.kind, c.form, [p.family for p in c.authors]) == ("book", "idem", ["Kuromiya"])
    assert c.resolves_to != r.footnotes[0].citations[0].resolves_to


def test_chicago_style_markdown_document() -> None:
    """A second, independent document (Chicago notes, not the seed's style) read end to end."""
    from pathlib import Path

    text = (Path(__file__).parent / "fixtures" / "chicago_notes.md").read_text(encoding="utf-8")
    r = audit(text)
    kinds = [[c.kind for c in f.citations] for f in r.footnotes]
    assert kinds == [["book"], ["book"], ["article"], ["short"], ["ibid"], ["short"], ["book"], ["unparsed"],
                     ["archival", "archival"], ["dangling"], ["short", "short"], ["dangling"], ["book", "book"]]
    shearer = r.footnotes[2].citations[0]
    assert (shearer.container, shearer.volume, shearer.issue, shearer.year, shearer.first_page,
            shearer.last_page) == ("Cahiers du monde russe", "42", "2-4", 2001, 505, 534)
    assert r.footnotes[1].citations[0].place == "New Haven, CT"
    assert r.footnotes[5].citations[0].resolves_to == shearer.resolves_to  # 'Shearer, “Social Disorder,” 510'
    assert r.footnotes[12].citations[1].quoted_in  # 'Cited in Robert Service ...'
    assert [(run.footnotes, run.work) for run in r.single_source_runs] == [([4, 5], r.works[0].id)]


def test_superscript_notes_on_consecutive_lines() -> None:
    notes = extract_footnotes("Body.¹ ²\n\n¹Kershaw, p. 3.\n²Ibid.\n³A remark that wraps\nonto a second line.\n")
    assert [(n.n, n.text) for n in notes] == [(1, "Kershaw, p. 3."), (2, "Ibid."),
                                             (3, "A remark that wraps onto a second line.")]
