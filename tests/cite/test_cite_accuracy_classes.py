"""Classes of citation the parser reads (each example written for this test, one rule per case).

Cyrillic and Ukrainian archive names with a country after them, archives the table does not list (known by
the fond reference after them), verso sheets (`об.`, `зв.`, `ob.`) normalised to `ob`, GOST compiled volumes
(`/ сост.`), editions without an author, chapters in `[w:]` / `in:` books, `hier S.` pages, edited volumes
(`ed.`), plain-text short forms and the Ibid. after them.
"""

from __future__ import annotations

import pytest

from sevenfold.cite import audit, parse_citation, parse_citations
from sevenfold.cite.archives import archive_by_alias


def _fields(c, keys):  # type: ignore[no-untyped-def]
    return {k: getattr(c, k) for k in keys}


ARCHIVE_KEYS = ("kind", "archive", "fond", "opis", "delo", "list")


@pytest.mark.parametrize("text, want", [
    # a country after the name belongs to it
    ("ЦАМО РФ. Ф. 500. Оп. 12462. Д. 14. Л. 7.", ("archival", "TsAMO", "500", "12462", "14", "7")),
    ("ЦА ФСБ РФ. Ф. 3. Оп. 7. Д. 50. Л. 1.", ("archival", "TsA FSB", "3", "7", "50", "1")),
    ("TsA FSB Rossii, f. 3, op. 7, d. 51, l. 2.", ("archival", "TsA FSB", "3", "7", "51", "2")),
    ("ГА РФ. Ф. Р-393. Оп. 43а. Д. 1796. Л. 9.", ("archival", "GARF", "Р-393", "43а", "1796", "9")),
    ("ЦДАВО України, ф. 4, оп. 1, спр. 77, арк. 2.", ("archival", "TsDAVO", "4", "1", "77", "2")),
    # Ukrainian зв. and Russian об. are verso: 'ob', joined to the number
    ("ГДА СБУ, ф. 13, оп. 1, спр. 402, арк. 7 зв.", ("archival", "HDA SBU", "13", "1", "402", "7ob")),
    ("РГАСПИ. Ф. 82. Оп. 2. Д. 537. Л. 4 об.–5.", ("archival", "RGASPI", "82", "2", "537", "4ob-5")),
    ("RGVA, f. 4, op. 14, d. 1737, ll. 2 ob.–3.", ("archival", "RGVA", "4", "14", "1737", "2ob-3")),
    ("RGANI, f. 5, op. 30, d. 4, ll. 11–12 zv.", ("archival", "RGANI", "5", "30", "4", "11-12ob")),
    # 'Ед. хр.' is the file; a 'П.' (papka) between opis and delo
    ("РГАЛИ. Ф. 1038. Оп. 1. Ед. хр. 2077. Л. 5.", ("archival", "RGALI", "1038", "1", "2077", "5")),
    ("АВП РФ. Ф. 06. Оп. 2. П. 14. Д. 149. Л. 3.", ("archival", "AVP RF", "06", "2", "149", "3")),
    # archives the table does not list: the acronym (or the name) before a fond reference
    ("ГАСО. Ф. Р-88. Оп. 1. Д. 4. Л. 2.", ("archival", "ГАСО", "Р-88", "1", "4", "2")),
    ("ДАЛО, ф. Р-3, оп. 1, спр. 42, арк. 9 зв.", ("archival", "ДАЛО", "Р-3", "1", "42", "9ob")),
    ("DALO, f. R-3, op. 1, spr. 43, ark. 1.", ("archival", "DALO", "R-3", "1", "43", "1")),
    ("Государственный архив Пермского края (ГАПК). Ф. р-1. Оп. 2. Д. 3. Л. 4.",
     ("archival", "ГАПК", "р-1", "2", "3", "4")),
])
def test_fond_system_archives(text: str, want: tuple) -> None:
    c = parse_citation(text)
    assert tuple(_fields(c, ARCHIVE_KEYS).values()) == want, c


def test_archive_names_with_a_country_are_the_listed_archive() -> None:
    for name, code in (("ЦАМО РФ", "TsAMO"), ("ЦА ФСБ РФ", "TsA FSB"), ("АВП РФ", "AVP RF"),
                       ("ЦДАГО України", "TsDAHO")):
        a = archive_by_alias(name)
        assert a is not None and a.code == code, name


def _notes(*lines: str) -> list:  # type: ignore[type-arg]
    r = audit("Notes\n" + "".join(f"{i}. {t}\n" for i, t in enumerate(lines, 1)))
    return [f.citations for f in r.footnotes]


def test_ibid_after_a_cyrillic_archive_inherits_and_overrides() -> None:
    (a,), (b,), (c,) = _notes("ЦАМО РФ. Ф. 32. Оп. 11289. Д. 1. Л. 40.", "Там же. Д. 2. Л. 3 об.",
                              "Там же. Ед. хр. 5.")
    assert (b.kind, b.archive, b.fond, b.opis, b.delo, b.list) == ("ibid", "TsAMO", "32", "11289", "2", "3ob")
    assert (c.archive, c.delo, c.list) == ("TsAMO", "5", None) and c.resolves_to == a.resolves_to


@pytest.mark.parametrize("text, title, place, year, pages", [
    ("Katyń. Wybór dokumentów. T. 3. Kraków 1999, s. 17.", "Katyń. Wybór dokumentów", "Kraków", 1999, "17"),
    ("Deportacje Polaków z północno-wschodnich ziem II Rzeczypospolitej, t. 2, Białystok 2003, s. 120.",
     "Deportacje Polaków z północno-wschodnich ziem II Rzeczypospolitej", "Białystok", 2003, "120"),
    ("Dokumente zur Deutschlandpolitik, Reihe I, Bd. 3, Frankfurt am Main 1988, S. 14.",
     "Dokumente zur Deutschlandpolitik", "Frankfurt am Main", 1988, "14"),
    ("Stalin i Kaganovich. Perepiska / sost. O. V. Khlevniuk. M., 2001. S. 12.",
     "Stalin i Kaganovich. Perepiska", "M.", 2001, "12"),
    ("Сталин и Каганович. Переписка. 1931–1936 гг. / сост. О. В. Хлевнюк, Р. У. Дэвис. М.: РОССПЭН, 2001. С. 118.",
     "Сталин и Каганович. Переписка. 1931–1936 гг", "М.", 2001, "118"),
    ("Военные архивы России. Вып. 1. М., 1993. С. 44.", "Военные архивы России", "М.", 1993, "44"),
    ("Documents on Australian Foreign Policy, ser. B, vol. 3, ed. W. J. Hudson (Canberra: AGPS, 1983), 61.",
     "Documents on Australian Foreign Policy", "Canberra", 1983, "61"),
])
def test_editions_without_author_keep_the_title_whole(text: str, title: str, place: str, year: int,
                                                       pages: str) -> None:
    c = parse_citation(text)
    assert (c.kind, c.title, c.place, c.year, c.pages) == ("book", title, place, year, pages), c
    assert c.authors == [], c


def test_gost_compilers_are_editors_and_an_author_after_the_slash_is_an_author() -> None:
    c = parse_citation("Лубянка. Сталин и ВЧК–ГПУ–ОГПУ–НКВД / сост. А. Н. Яковлев; отв. ред. В. Н. Хаустов. М., 2003. "
                       "С. 9.")
    assert not c.authors and [p.family for p in c.editors] == ["Яковлев", "Хаустов"]
    c = parse_citation("Хозяин. Сталин и утверждение сталинской единоличной власти / О. В. Хлевнюк. М., 2010. С. 5.")
    assert [(p.family, p.given) for p in c.authors] == [("Хлевнюк", "О. В.")] and c.place == "М."


def test_volumes_are_cut_from_gost_titles() -> None:
    c = parse_citation("Микоян А. И. Так было. В 2 т. Т. 2. М., 1999. С. 30.")
    assert (c.title, c.volume, c.pages) == ("Так было", "2", "30")


@pytest.mark.parametrize("text, title, place, year, pages", [
    ("Jerzy Eisler, Marzec 1968, [w:] Polska 1944/45–1989. Studia i materiały, red. Jan Nowak, Warszawa 1995, "
     "s. 11–30, tu s. 15.", "Marzec 1968", "Warszawa", 1995, "15"),
    ("Ulrich Herbert, Vernichtungspolitik, in: Ulrich Herbert (Hg.), Nationalsozialistische Vernichtungspolitik, "
     "Frankfurt am Main 1998, S. 9–66, hier S. 21.", "Vernichtungspolitik", "Frankfurt am Main", 1998, "21"),
    ("Klaus Müller, Neue Wege, in: ders., Aufsätze zur Geschichte, Berlin 2001, S. 3–40, hier S. 12.",
     "Neue Wege", "Berlin", 2001, "12"),
    ("Karl Schmidt, „Der Weg nach Osten“, in: Hans Weber (Hg.), Der Krieg, Bonn 1990, S. 1–9.",
     "Der Weg nach Osten", "Bonn", 1990, "1-9"),
])
def test_chapters_in_edited_books(text: str, title: str, place: str, year: int, pages: str) -> None:
    c = parse_citation(text)
    assert (c.kind, c.csl_type, c.title, c.place, c.year, c.pages) == ("article", "chapter", title, place, year,
                                                                       pages), c
    assert len(c.authors) == 1, c


def test_hier_gives_the_page_cited_in_journals_and_archives() -> None:
    c = parse_citation("Karl Schmidt, Der Weg, in: Vierteljahrshefte für Zeitgeschichte 30 (1982), S. 10–40, "
                       "hier S. 22.")
    assert (c.kind, c.csl_type, c.pages, c.year) == ("article", "article-journal", "22", 1982)
    c = parse_citation("Karl Schmidt, „Der Weg“, in: Vierteljahrshefte für Zeitgeschichte 30 (1982), S. 10–40, "
                       "hier S. 23.")
    assert (c.title, c.pages) == ("Der Weg", "23")
    c = parse_citation("BArch, R 43 II/1334, Bl. 10–14, hier Bl. 12.")
    assert (c.signature, c.folio) == ("R 43 II/1334", "12")


def test_an_edited_volume_has_editors_not_authors() -> None:
    c = parse_citation("Paul R. Gregory, ed., Behind the Facade of Stalin's Command Economy (Stanford: Hoover "
                       "Institution Press, 2001), 77.")
    assert (c.kind, c.title, c.pages, c.authors) == ("book", "Behind the Facade of Stalin's Command Economy", "77", [])
    assert [p.family for p in c.editors] == ["Gregory"]
    c = parse_citation("Anne Applebaum et al., eds., Gulag Voices (New Haven, 2011), 5.")
    assert (c.title, c.authors, [p.family for p in c.editors]) == ("Gulag Voices", [], ["Applebaum"])


def test_plain_short_title_resolves_and_a_later_ibid_repeats_the_whole_work() -> None:
    (a,), (b,), (c,) = _notes("Sheila Fitzpatrick, Everyday Stalinism (New York: Oxford University Press, 1999), 3.",
                              "Fitzpatrick, Everyday Stalinism, 45.", "Ibid., 47.")
    assert (b.kind, b.resolves_to, b.pages) == ("short", a.resolves_to, "45")
    assert (c.resolves_to, c.title, c.place, c.year, c.pages) == (a.resolves_to, "Everyday Stalinism", "New York",
                                                                  1999, "47")


@pytest.mark.parametrize("text, want", [
    ("NARA, RG 59, Visa Division, box 4, folder 2.",
     {"record_group": "59", "collection": "Visa Division", "box": "4", "folder": "2"}),
    ("National Archives, College Park, RG 226, entry A1-154, box 12.",
     {"record_group": "226", "archive_series": "A1-154", "box": "12"}),
    ("TNA, KV 2/815, serial 12a.", {"signature": "KV 2/815", "item": "12a", "archive_series": None}),
    ("AAN, zesp. Ministerstwo Informacji i Dokumentacji, sygn. 5, k. 2.",
     {"collection": "Ministerstwo Informacji i Dokumentacji", "signature": "5", "folio": "2"}),  # the fonds' name
    ("BStU, MfS, HA XX, Nr. 455, Bl. 9.", {"collection": "MfS", "signature": "HA XX, Nr. 455", "folio": "9"}),
])
def test_keyed_archive_parts(text: str, want: dict) -> None:
    c = parse_citation(text)
    assert c.kind == "archival", c
    assert _fields(c, want) == want, c


def test_microfilm_publication_spelt_out() -> None:
    c = parse_citation("NARA, Microfilm Publication T-311, Roll 12, Frame 7001234.")
    assert (c.archive, c.publication, c.roll, c.frame) == ("NARA", "T311", "12", "7001234")


def test_call_numbers_of_other_archives() -> None:
    c = parse_citation("IPMS, A.12.53/7, k. 3.")
    assert (c.archive, c.signature, c.folio) == ("IPMS", "A.12.53/7", "3")
    c = parse_citation("SHD, 7 N 2520.")
    assert (c.archive, c.signature) == ("SHD", "7 N 2520")


def test_a_publisher_named_after_an_archive_is_not_the_archive() -> None:
    c = parse_citation("Robert Conquest, *Kolyma* (Stanford: Hoover Institution Press, 1978), 9.")
    assert (c.kind, c.title, c.archive) == ("book", "Kolyma", None)


def test_ders_takes_the_author_of_the_citation_before() -> None:
    ((a, b),) = _notes("Götz Aly, Endlösung, Frankfurt am Main 1995, S. 4; ders., Hitlers Volksstaat, "
                       "Frankfurt am Main 2005, S. 9.")
    assert (b.kind, b.form, b.title, b.pages) == ("book", "idem", "Hitlers Volksstaat", "9")
    assert [p.family for p in b.authors] == ["Aly"] and a.resolves_to != b.resolves_to


def test_polish_journal_without_quotes_is_a_journal_not_a_place() -> None:
    c = parse_citation("Jan Nowak, „Sprawa katyńska w prasie”, Kwartalnik Historyczny 1990, nr 3, s. 5–20.")
    assert (c.kind, c.csl_type, c.title, c.container, c.place, c.year, c.pages) == (
        "article", "article-journal", "Sprawa katyńska w prasie", "Kwartalnik Historyczny", None, 1990, "5-20")


def test_microfilm_shorthand_publication_roll_frame() -> None:
    c = parse_citation("NARA, RG 242, T-175/410/2934001–05.")
    assert (c.record_group, c.publication, c.roll, c.frame) == ("242", "T175", "410", "2934001-2934005")


@pytest.mark.parametrize("text, quoted", [
    ("Цит. по: Жуков Г. К. Воспоминания. М., 1969. С. 5.", True),
    ("См. также: Жуков Г. К. Воспоминания. М., 1969. С. 5.", False),
    ("Zob. też: Jan Nowak, Kurier z Warszawy, Londyn 1978, s. 5.", False),
    ("Cyt. za: Jan Nowak, Kurier z Warszawy, Londyn 1978, s. 5.", True),
    ("Zit. nach: Hans Frank, Im Angesicht des Galgens, München 1953, S. 5.", True),
    ("Vgl. auch Hans Frank, Im Angesicht des Galgens, München 1953, S. 5.", False),
])
def test_lead_ins_in_russian_polish_german(text: str, quoted: bool) -> None:
    c = parse_citation(text)
    assert (c.kind, c.pages, c.quoted_in) == ("book", "5", quoted), c
    assert len(c.authors) == 1 and c.title and not c.title.startswith(("Цит", "См", "Zob", "Cyt", "Zit", "Vgl")), c


def test_ukrainian_gost_initials_and_compilers() -> None:
    c = parse_citation("Шаповал Ю. І. Людина і система. Київ: Наукова думка, 1994. С. 12.")
    assert ([(p.family, p.given) for p in c.authors], c.title, c.place) == ([("Шаповал", "Ю. І.")], "Людина і система",
                                                                           "Київ")
    c = parse_citation("Розсекречена пам'ять / упоряд. В. Данилюк. Київ: Стилос, 2007. С. 40.")
    assert (c.authors, [p.family for p in c.editors], c.title) == ([], ["Данилюк"], "Розсекречена пам'ять")


def test_a_quoted_word_inside_a_plain_title() -> None:
    c = parse_citation('Sovetskii faktor v Vostochnoi Evrope, "Tsentral\'naia" chast\', ed. T. V. Volokitina et al. '
                       "(Moscow: ROSSPEN, 1999), 12.")
    assert (c.kind, c.authors, c.place, c.year, c.pages) == ("book", [], "Moscow", 1999, "12")
    assert c.title == 'Sovetskii faktor v Vostochnoi Evrope, "Tsentral\'naia" chast\''


def test_here_after_chicago_journal_pages() -> None:
    c = parse_citation('Peter Holquist, "To Count, to Extract, and to Exterminate," Kritika 4, no. 1 (2003): 1–40, '
                       "here 22.")
    assert (c.kind, c.year, c.pages) == ("article", 2003, "22")


def test_a_title_cut_at_its_inner_full_stop_is_one_title_unless_the_first_sentence_is_prose() -> None:
    c = parse_citations("Sovetskaia derevnia glazami VChK–OGPU–NKVD. Dokumenty i materialy, vol. 2 "
                        "(Moscow: ROSSPEN, 2000), 77.")
    assert [(x.kind, x.title) for x in c] == [
        ("book", "Sovetskaia derevnia glazami VChK–OGPU–NKVD. Dokumenty i materialy")]
    c = parse_citations("This was published later. Dokumenty i materialy, vol. 2 (Moscow: ROSSPEN, 2000), 77.")
    assert [(x.kind, x.title) for x in c] == [("book", "Dokumenty i materialy")]


def test_bare_file_number_before_a_folio_and_fos() -> None:
    c = parse_citation("AAN, MSZ, 6211, k. 7.")
    assert (c.collection, c.signature, c.folio) == ("MSZ", "6211", "7")
    c = parse_citation("TNA (PRO), FO 371/29464, fos. 3–5.")
    assert (c.signature, c.folio) == ("FO 371/29464", "3-5")


def test_ibid_with_a_papka_and_a_file() -> None:
    (a,), (b,), (c, d) = _notes("АВП РФ. Ф. 059. Оп. 1. П. 7. Д. 40. Л. 3.", "Там же. П. 8. Д. 41.",
                                "ГАНО. Ф. П-3. Оп. 2. Д. 9. Л. 8; Д. 10. Л. 2 об.")
    assert (b.kind, b.archive, b.fond, b.opis, b.delo, b.list, b.locator) == (
        "ibid", "AVP RF", "059", "1", "41", None, "p. 8") and b.resolves_to == a.resolves_to
    assert (c.archive, c.delo, d.archive, d.fond, d.opis, d.delo, d.list) == (
        "ГАНО", "9", "ГАНО", "П-3", "2", "10", "2ob")


@pytest.mark.parametrize("text, editors", [
    ("Wolfgang Benz, Hermann Graml (Hg.), Biographisches Lexikon zur Weimarer Republik, München 1988, S. 4.",
     ["Benz", "Graml"]),
    ("Anna Kowalska (red.), Deportacje 1940, Kraków 2001, s. 4.", ["Kowalska"]),
])
def test_german_and_polish_edited_volumes_have_editors_not_authors(text: str, editors: list) -> None:
    c = parse_citation(text)
    assert (c.kind, c.authors, c.pages) == ("book", [], "4") and [p.family for p in c.editors] == editors, c
    assert "(" not in (c.title or "x"), c


def test_prose_with_a_place_and_year_is_not_an_edition() -> None:
    assert parse_citations("The totals for 1940 differ between the two reports, Warsaw 1941, as shown above.") == []


def test_a_corporate_author_is_not_part_of_the_title() -> None:
    c = parse_citation("Foreign Office, The Hungarian Question (London: HMSO, 1957), 8.")
    assert (c.kind, c.title, c.authors, c.author, c.pages) == ("book", "The Hungarian Question", [], "Foreign Office",
                                                                "8")


def test_verso_with_a_stop_before_the_dash() -> None:
    c = parse_citation("RGAE, f. 8043, op. 1, d. 19, ll. 14ob.–15.")
    assert c.list == "14ob-15"


def test_cjk_edited_volume_and_journal_article() -> None:
    c = parse_citation("杨奎松主编《冷战时期的中国对外关系》第2卷，北京大学出版社，2006年，第77页。")
    assert (c.kind, c.title, c.year, c.pages, c.authors) == ("book", "冷战时期的中国对外关系", 2006, "77", [])
    assert [(p.family, p.given) for p in c.editors] == [("杨", "奎松")]
    c = parse_citation("細谷千博「三国同盟と日ソ中立条約」『国際政治』第8巻、1959年、40頁。")
    assert (c.kind, c.csl_type, c.title, c.container, c.year, c.pages) == (
        "article", "article-journal", "三国同盟と日ソ中立条約", "国際政治", 1959, "40")
    assert [(p.family, p.given) for p in c.authors] == [("細谷", "千博")]


def test_gost_dash_separators_in_archive_references() -> None:
    (a,), (b,) = _notes("ЦДАВО України. – Ф. 2. – Оп. 7. – Спр. 19. – Арк. 3 зв.", "Там само. – Арк. 5.")
    assert (a.archive, a.fond, a.opis, a.delo, a.list) == ("TsDAVO", "2", "7", "19", "3ob")
    assert (b.kind, b.archive, b.delo, b.list) == ("ibid", "TsDAVO", "19", "5")


def test_fond_words_written_out() -> None:
    c = parse_citation("RGVA, fond 1, opis' 2, delo 3, listy 4–5.")
    assert (c.archive, c.fond, c.opis, c.delo, c.list) == ("RGVA", "1", "2", "3", "4-5")
    c = parse_citation("ГАРФ, фонд 5446, опись 1, дело 7, лист 8.")
    assert (c.archive, c.fond, c.opis, c.delo, c.list) == ("GARF", "5446", "1", "7", "8")
