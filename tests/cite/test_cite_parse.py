"""Citation parsing: archives (Russian, Ukrainian, Polish, US, Japanese), books, articles, back-references."""

from __future__ import annotations

import pytest

from sevenfold.cite import parse_citation, parse_citations
from sevenfold.cite.archives import load_archives


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("RGASPI, f. 17, op. 163, d. 1217, ll. 51–2",
         {"archive": "RGASPI", "fond": "17", "opis": "163", "delo": "1217", "list": "51-52"}),
        ("RGASPI f. 558, op. 11, d. 1120, ll. 3–4ob.",
         {"archive": "RGASPI", "fond": "558", "delo": "1120", "list": "3-4ob"}),
        ("GARF, f. R-9401, op. 1, d. 4157, l. 202", {"archive": "GARF", "fond": "R-9401", "list": "202"}),
        ("RGAE, f. 7486, op. 37, d. 235, ll. 12-15.", {"archive": "RGAE", "list": "12-15"}),
        ("TsA FSB, f. 3, op. 4, d. 152, l. 34.", {"archive": "TsA FSB", "fond": "3", "delo": "152"}),
        ("AVP RF, f. 0100, op. 21, p. 183, d. 11, l. 5.",
         {"archive": "AVP RF", "fond": "0100", "delo": "11", "list": "5", "locator": "p. 183"}),
        ("Rossiiskii gosudarstvennyi arkhiv noveishei istorii, f. 89, op. 63, d. 13, l. 10",
         {"archive": "RGANI", "fond": "89", "opis": "63", "delo": "13", "list": "10"}),
        ("Rossiiskii gosudarstvennyi voennyi arkhiv (RGVA), f. 308k, op. 6, d. 21, l. 287.",
         {"archive": "RGVA", "fond": "308k", "list": "287"}),
        ("HDA SBU, f. 6, spr. 75123, t. 2, ark. 14–16.",
         {"archive": "HDA SBU", "fond": "6", "delo": "75123", "list": "14-16", "locator": "t. 2"}),
        ("TsDAHO, f. 1, op. 20, spr. 6572, ark. 3.", {"archive": "TsDAHO", "opis": "20", "delo": "6572"}),
        ("ЦДАГО України, ф. 1, оп. 20, спр. 6572, арк. 3–5.",
         {"archive": "TsDAHO", "fond": "1", "delo": "6572", "list": "3-5"}),
        ("РГАСПИ. Ф. 17. Оп. 162. Д. 21. Л. 45–46.",
         {"archive": "RGASPI", "fond": "17", "opis": "162", "delo": "21", "list": "45-46"}),
        ("Centralne Archiwum Wojskowe (Warsaw), I.303.4.3158, 235",
         {"archive": "CAW", "signature": "I.303.4.3158", "list": "235"}),
        ("National Archives and Record Administration, T1243, roll 8, 760c.6/682 (dated December 4, 1934).",
         {"archive": "NARA", "series": "T1243", "roll": "8", "item": "760c.6/682", "date": "1934-12-04"}),
        ("NARA, RG 59, T1243, roll 8, frame 1234.",
         {"archive": "NARA", "record_group": "59", "publication": "T1243", "roll": "8", "frame": "1234"}),
        ("JACAR (Japan Center for Asian Historical Records), Ref. C01004123400, Mitsudai nikki, 1936.",
         {"archive": "JACAR", "reference_code": "C01004123400"}),
        ("Bōeishō Bōei Kenkyūjo, Ref. C04120123400.", {"archive": "BBK", "reference_code": "C04120123400"}),
        ("Ref. C01004123400", {"archive": "JACAR", "reference_code": "C01004123400"}),
        ("Gaimushō Gaikō Shiryō Kan (GGSK) (Tokyo), S.9.4.5.", {"archive": "GGSK", "signature": "S.9.4.5"}),
    ],
)
def test_archival(text: str, want: dict) -> None:
    c = parse_citation(text)
    assert c.kind == "archival", c
    for k, v in want.items():
        assert getattr(c, k) == v, (k, c)


def test_archive_table_is_data_and_has_codes() -> None:
    codes = {a.code for a in load_archives()}
    assert {"RGASPI", "RGVA", "GARF", "RGAE", "RGANI", "TsA FSB", "AVP RF", "HDA SBU", "TsDAHO", "CAW", "NARA",
            "JACAR", "BBK"} <= codes


def test_acronym_needs_capitals() -> None:
    assert parse_citation("Garf, f. 1, op. 2, d. 3").kind == "unparsed"


def test_book_with_publisher_and_cyrillic() -> None:
    c = parse_citation("Robert Conquest, *The Great Terror: A Reassessment* (New York: Oxford University Press, "
                       "1990), pp. 12–14.")
    assert (c.kind, c.year, c.pages, c.first_page, c.last_page) == ("book", 1990, "12-14", 12, 14)
    assert c.place == "New York" and c.authors[0].family == "Conquest"
    c = parse_citation("О. В. Хлевнюк, *Хозяин: Сталин и утверждение сталинской единоличной власти* "
                       "(Москва, 2010), с. 245.")
    assert (c.kind, c.place, c.year, c.pages) == ("book", "Москва", 2010, "245")
    assert c.authors[0].family == "Хлевнюк" and c.authors[0].given == "О. В."


def test_abbreviated_range_expanded_in_first_last() -> None:
    c = parse_citation("Ervin Stavinskii, *Zarubiny. Semeinaia rezidentura* (Moscow, 2003), pp. 367–69.")
    assert c.pages == "367-69" and (c.first_page, c.last_page) == (367, 369)


@pytest.mark.parametrize(
    ("text", "kind", "form", "pages"),
    [
        ("Ibid.", "ibid", "ibid", None),
        ("Ibid", "ibid", "ibid", None),
        ("Ibid., p. 374.", "ibid", "ibid", "374"),
        ("Ibid., 373–74.", "ibid", "ibid", "373-74"),
        ("Quoted in Ibid, pp. 19–20.", "ibid", "ibid", "19-20"),
        ("Там же, с. 12.", "ibid", "ibid", "12"),
        ("Idem.", "ibid", "idem", None),
        ("Sidorov, op. cit., p. 132, states without presenting any evidence", "op_cit", "op_cit", "132"),
        ("Kershaw, p. 16.", "short", "short", "16"),
        ("*Russko-kitaiskie otnosheniia v XX veke*, p. 156.", "short", "short", "156"),
    ],
)
def test_back_references(text: str, kind: str, form: str, pages: str | None) -> None:
    c = parse_citation(text)
    assert (c.kind, c.form, c.pages) == (kind, form, pages)


def test_quoted_in_flag() -> None:
    assert parse_citation("Quoted in Ibid, pp. 19–20.").quoted_in
    assert not parse_citation("Ibid., p. 3.").quoted_in


def test_ibid_with_folio() -> None:
    c = parse_citation("Там же. Л. 47.")
    assert (c.kind, c.list) == ("ibid", "47")


def test_several_citations_in_one_note() -> None:
    cits = parse_citations("RGASPI, f. 17, op. 163, d. 1217, ll. 51–2. See also Stenogrammy zasedanii Politbiuro "
                           "TsK RKP (b)-VKP (B) 1923–1938 gg., t. 3 (Moscow, 2007), p. 695.")
    assert [c.kind for c in cits] == ["archival", "book"]
    cits = parse_citations("Ibid., p. 5; Kershaw, p. 16.")
    assert [c.kind for c in cits] == ["ibid", "short"]


def test_continuation_of_archival_locator_in_same_note() -> None:
    cits = parse_citations("RGASPI, f. 17, op. 3, d. 5, l. 6; d. 7, l. 8.")
    assert [(c.archive, c.fond, c.delo, c.list) for c in cits] == [("RGASPI", "17", "5", "6"),
                                                                   ("RGASPI", "17", "7", "8")]


def test_prose_is_not_a_citation() -> None:
    assert parse_citations("Stalin left room for a deal with Hitler.") == []
    assert parse_citations("He was killed as a “Polish spy” in 1937 and 1938.") == []
    c = parse_citation("This hardly constitutes an exception.")
    assert c.kind == "unparsed" and c.raw == "This hardly constitutes an exception."


def test_idem_full_citation_inherits_author() -> None:
    cits = parse_citations("Hiroaki Kuromiya, *The Voices of the Dead* (New Haven, 2007), p. 3; "
                           "Idem, *Freedom and Terror in the Donbas* (Cambridge, 1998), p. 5.")
    assert [c.kind for c in cits] == ["book", "book"]
    assert cits[1].authors[0].family == "Kuromiya" and cits[1].title == "Freedom and Terror in the Donbas"


def test_russian_gost_book_and_article() -> None:
    c = parse_citation("Хлевнюк О. В. Хозяин. М., 2010. С. 245.")
    assert (c.kind, c.title, c.place, c.year, c.pages) == ("book", "Хозяин", "М.", 2010, "245")
    assert (c.authors[0].family, c.authors[0].given) == ("Хлевнюк", "О. В.")
    c = parse_citation("Горбунов Е. А. Военная разведка в 1934–1939 годах // Свободная мысль. 1998. № 2. С. 103.")
    assert (c.kind, c.container, c.year, c.issue, c.pages) == ("article", "Свободная мысль", 1998, "2", "103")
    c = parse_citation("Там же. С. 12.")
    assert (c.kind, c.pages) == ("ibid", "12")


def test_mixed_scripts_in_one_note() -> None:
    cits = parse_citations("РГАСПИ. Ф. 17. Оп. 162. Д. 21. Л. 45–46; RGVA, f. 33987, op. 3, d. 1, l. 5; "
                           "Хлевнюк О. В. Хозяин. М., 2010. С. 245.")
    assert [(c.kind, c.archive) for c in cits] == [("archival", "RGASPI"), ("archival", "RGVA"), ("book", None)]


def test_slash_shorthand_and_free_locators() -> None:
    c = parse_citation("RGASPI 17/162/21, l. 3.")
    assert (c.archive, c.fond, c.opis, c.delo, c.list) == ("RGASPI", "17", "162", "21", "3")
    c = parse_citation("See RGASPI 558/11/1120:45–46.")
    assert (c.fond, c.delo, c.list) == ("558", "1120", "45-46")
    c = parse_citation("Hoover Institution Archives, Boris Nicolaevsky Collection, box 12, folder 5.")
    assert (c.kind, c.archive, c.collection, c.box, c.folder) == ("archival", "HIA", "Boris Nicolaevsky Collection",
                                                                  "12", "5")
    c = parse_citation("Bundesarchiv, RH 2/1234, Bl. 5.")
    assert (c.archive, c.signature, c.folio, c.locator) == ("BArch", "RH 2/1234", "5", None)


def test_papka_is_part_of_the_file() -> None:
    from sevenfold.cite import audit

    r = audit("[^1]: AVP RF, f. 0100, op. 21, p. 183, d. 11, l. 5.\n"
              "[^2]: AVP RF, f. 0100, op. 21, p. 184, d. 11, l. 5.\n")
    assert len(r.works) == 2
