"""Bibliographic styles beyond Chicago: German/Polish, GOST variants, CJK script, plain-text Chicago; op. cit."""

from __future__ import annotations

import pytest

from sevenfold.cite import audit, parse_citation


@pytest.mark.parametrize("text, want", [
    ("Vgl. Michael Wildt, Generation des Unbedingten. Das Führungskorps des Reichssicherheitshauptamtes, "
     "Hamburg 2002, S. 538–545.",
     ("book", ["Wildt"], "Generation des Unbedingten. Das Führungskorps des Reichssicherheitshauptamtes", "Hamburg",
      2002, "538-545")),
    ("Andrzej Paczkowski, Pół wieku dziejów Polski 1939–1989, Warszawa 1995, s. 120–124.",
     ("book", ["Paczkowski"], "Pół wieku dziejów Polski 1939–1989", "Warszawa", 1995, "120-124")),
    ("Paweł Machcewicz, Emigracja w polityce międzynarodowej, „Dzieje Najnowsze” 1999, nr 2, s. 77–98.",
     ("article", ["Machcewicz"], "Emigracja w polityce międzynarodowej", None, 1999, "77-98")),
    ("Ulrich Herbert, Vernichtungspolitik, in: Ulrich Herbert (Hg.), Nationalsozialistische Vernichtungspolitik, "
     "Frankfurt am Main 1998, S. 9–66.",
     ("article", ["Herbert"], "Vernichtungspolitik", "Frankfurt am Main", 1998, "9-66")),
    ("Dietrich Eichholtz und Wolfgang Schumann, Anatomie des Krieges, Berlin 1969, S. 300.",
     ("book", ["Eichholtz", "Schumann"], "Anatomie des Krieges", "Berlin", 1969, "300")),
    ("Юнге М., Биннер Р. Как террор стал «Большим». Секретный приказ № 00447. М., 2003. С. 88–90.",
     ("book", ["Юнге", "Биннер"], "Как террор стал «Большим». Секретный приказ № 00447", "М.", 2003, "88-90")),
    ("Лубянка. Сталин и Главное управление госбезопасности НКВД. 1937–1938. М., 2004. С. 120–121.",
     ("book", [], "Лубянка. Сталин и Главное управление госбезопасности НКВД. 1937–1938", "М.", 2004, "120-121")),
    ("沈志华：《毛泽东、斯大林与朝鲜战争》（广州：广东人民出版社，2003），第120页。",
     ("book", ["沈"], "毛泽东、斯大林与朝鲜战争", "广州", 2003, "120")),
    ("秦郁彦『日中戦争史』河出書房新社、1961年、45頁。", ("book", ["秦"], "日中戦争史", None, 1961, "45")),
    ("On the Politburo, see Oleg V. Khlevniuk, Master of the House: Stalin and His Inner Circle (New Haven: "
     "Yale University Press, 2009), 170.",
     ("book", ["Khlevniuk"], "Master of the House: Stalin and His Inner Circle", "New Haven", 2009, "170")),
    ("Katō Yōko, Soredemo, Nihonjin wa “sensō” o eranda (Tokyo: Asahi Shuppansha, 2009), 112.",
     ("book", ["Katō"], "Soredemo, Nihonjin wa “sensō” o eranda", "Tokyo", 2009, "112")),
    ('Mark Harrison, "Soviet Economic Growth since 1928," Europe-Asia Studies 45, no. 1 (1993): 141–167.',
     ("article", ["Harrison"], "Soviet Economic Growth since 1928", None, 1993, "141-167")),
])
def test_styles(text: str, want: tuple) -> None:
    c = parse_citation(text)
    got = (c.kind, [p.family for p in c.authors], c.title, c.place, c.year, c.pages)
    assert got == want, c


def test_gost_chapter_in_a_collection() -> None:
    c = parse_citation("Хлевнюк О. В. Сталин и Молотов // Сталин. Сталинизм. Советское общество. Сб. ст. М., 2000. "
                       "С. 270–285.")
    assert (c.kind, c.csl_type, c.container, c.place, c.year) == ("article", "chapter",
                                                                  "Сталин. Сталинизм. Советское общество. Сб. ст",
                                                                  "М.", 2000)


def test_op_cit_forms_resolve_to_the_latest_work_by_that_author() -> None:
    r = audit("Notes\n1. Хлевнюк О. В. Хозяин. М., 2010. С. 245.\n"
              "2. Хлевнюк О. В. Сталин и Молотов // Сталин. Сб. ст. М., 2000. С. 270.\n"
              "3. Хлевнюк О. В. Указ. соч. С. 280.\n"
              "4. Michael Wildt, Generation des Unbedingten, Hamburg 2002, S. 538.\n"
              "5. Wildt, a.a.O., S. 560.\n")
    c3 = r.footnote(3).citations[0]
    assert (c3.kind, c3.resolves_to, c3.title, c3.pages) == ("op_cit", r.footnote(2).citations[0].resolves_to,
                                                             "Сталин и Молотов", "280")
    c5 = r.footnote(5).citations[0]
    assert (c5.kind, c5.title, c5.place, c5.pages, c5.authors[0].given) == ("op_cit", "Generation des Unbedingten",
                                                                             "Hamburg", "560", "Michael")


def test_two_continental_citations_in_one_note() -> None:
    r = audit("1. Grzegorz Motyka, Od rzezi wołyńskiej do akcji „Wisła”. Konflikt polsko-ukraiński 1943–1947, "
              "Kraków 2011, s. 301; Jan T. Gross, Sąsiedzi. Historia zagłady żydowskiego miasteczka, Sejny 2000, "
              "s. 55.\n")
    assert [(c.kind, c.authors[0].family, c.place) for c in r.footnote(1).citations] == \
        [("book", "Motyka", "Kraków"), ("book", "Gross", "Sejny")]
