"""Archives beyond fond/opis/delo: separate fields, Ibid. inheriting and overriding them; names and GOST."""

from __future__ import annotations

from pathlib import Path

import pytest

from sevenfold.cite import audit, parse_citation

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("text, want", [
    ("BArch-MA, RH 2/2901, Bl. 45–47.", {"archive": "BArch-MA", "signature": "RH 2/2901", "folio": "45-47"}),
    ("Bundesarchiv-Militärarchiv, RH 2/2901, Bl. 45r–46v.", {"archive": "BArch-MA", "folio": "45r-46v"}),
    ("BArch, R 43 II/1334, Bl. 12.", {"archive": "BArch", "signature": "R 43 II/1334", "folio": "12"}),
    ("PA AA, R 104354, Bl. 12.", {"archive": "PA AA", "signature": "R 104354", "folio": "12"}),
    ("AAN, Ministerstwo Spraw Zagranicznych, sygn. 47, k. 12–14.",
     {"archive": "AAN", "collection": "Ministerstwo Spraw Zagranicznych", "signature": "47", "folio": "12-14"}),
    ("AIPN, BU 2386/1234, k. 5v.", {"archive": "IPN", "signature": "BU 2386/1234", "folio": "5v"}),
    ("Archiwum Instytutu Pamięci Narodowej (AIPN), BU 2386/1234, k. 5.",
     {"archive": "IPN", "signature": "BU 2386/1234", "folio": "5", "collection": None}),
    ("CAW, I.303.4.3158, k. 235.", {"archive": "CAW", "signature": "I.303.4.3158", "folio": "235"}),
    ("NARA, RG 242, T-175, roll 409, frames 2345–50.",
     {"archive": "NARA", "record_group": "242", "publication": "T175", "roll": "409", "frame": "2345-2350"}),
    ("Hoover Institution Archives, Boris I. Nicolaevsky Collection, series 2, box 233, folder 11.",
     {"archive": "HIA", "collection": "Boris I. Nicolaevsky Collection", "archive_series": "2", "box": "233",
      "folder": "11"}),
    ("Boris I. Nicolaevsky Collection, box 233, folder 11, Hoover Institution Archives.",
     {"archive": "HIA", "collection": "Boris I. Nicolaevsky Collection", "box": "233", "folder": "11"}),
    ("TNA, FO 371/24846, N 1234/56/38, f. 12.",
     {"archive": "TNA", "signature": "FO 371/24846", "item": "N 1234/56/38", "folio": "12"}),
    ("The National Archives, Kew, CAB 65/13, WM (40) 141.", {"archive": "TNA", "signature": "CAB 65/13"}),
])
def test_archive_fields(text: str, want: dict) -> None:
    c = parse_citation(text)
    assert c.kind == "archival", c
    for k, v in want.items():
        assert getattr(c, k) == v, (k, c)


def _notes(*lines: str) -> list:
    r = audit("Notes\n" + "".join(f"{i}. {t}\n" for i, t in enumerate(lines, 1)))
    return [f.citations[0] for f in r.footnotes]


def test_ibid_after_nara_keeps_the_roll_and_overrides_the_frame() -> None:
    a, b, c, d = _notes("NARA, RG 242, T-175, roll 409, frames 2345–2350.", "Ibid., frames 2351–2352.",
                        "Ibid., roll 410.", "Ibid.")
    assert (b.kind, b.archive, b.record_group, b.publication, b.roll, b.frame) == \
        ("ibid", "NARA", "242", "T175", "409", "2351-2352")
    assert (c.roll, c.frame, c.publication) == ("410", None, "T175")  # a new roll: the old frames do not apply
    assert (d.roll, d.frame) == ("410", None) and d.resolves_to == a.resolves_to


def test_ibid_inherits_signature_and_overrides_folio() -> None:
    _, b = _notes("BArch-MA, RH 2/2901, Bl. 45–47.", "Ibid., Bl. 48.")
    assert (b.archive, b.signature, b.folio) == ("BArch-MA", "RH 2/2901", "48")
    assert "signature" in b.inherited and "folio" not in b.inherited
    _, b = _notes("Hoover Institution Archives, Wolfe Papers, box 12, folder 5.", "Ibid., box 13.")
    assert (b.collection, b.box, b.folder) == ("Wolfe Papers", "13", None)
    _, b = _notes("RGASPI, f. 17, op. 162, d. 21, l. 45.", "Ibid., k. 47.")
    assert (b.fond, b.delo, b.list, b.folio) == ("17", "21", "47", None)  # 'k.' read in the fond system


def test_ibid_of_a_book_inherits_the_work() -> None:
    _, b, c = _notes("Ian Kershaw, *Hitler* (London, 1998), p. 5.", "Ibid.", "Ibid., p. 9.")
    assert (b.title, b.year, b.pages, [p.family for p in b.authors]) == ("Hitler", 1998, "5", ["Kershaw"])
    assert (c.pages, c.place) == ("9", "London")


def test_east_asian_name_order() -> None:
    assert parse_citation("Hata Ikuhiko, *Nankin jiken* (Tokyo, 1986), p. 45.").authors[0].family == "Hata"
    assert parse_citation("Yang Kuisong, *Mao* (Beijing, 1999), p. 4.").authors[0].family == "Yang"
    assert parse_citation("Daqing Yang, *Technology* (Cambridge, 2010).").authors[0].family == "Yang"
    assert parse_citation("Kim Philby, *My Silent War* (London, 1968).").authors[0].family == "Philby"


def test_gost_book_and_article() -> None:
    c = parse_citation("Хлевнюк О. В. Хозяин. Сталин и утверждение сталинской диктатуры. М., 2010. С. 245.")
    assert (c.kind, c.authors[0].family, c.place, c.year, c.pages) == ("book", "Хлевнюк", "М.", 2010, "245")
    assert c.title == "Хозяин. Сталин и утверждение сталинской диктатуры"
    c = parse_citation("Жуков Г. К. Воспоминания и размышления. Т. 1. М.: Новости, 1990. С. 245.")
    assert (c.title, c.volume) == ("Воспоминания и размышления", "1")
    c = parse_citation("Горбунов Е. А. Схватка с Черным Драконом // Военно-исторический журнал. 1998. № 2. С. 103.")
    assert (c.kind, c.container, c.issue, c.pages) == ("article", "Военно-исторический журнал", "2", "103")


def test_registry_is_data() -> None:
    from sevenfold.cite.archives import archive_by_alias, load_archives

    codes = {a.code for a in load_archives()}
    assert {"BArch", "BArch-MA", "PA AA", "AAN", "IPN", "CAW", "NARA", "HIA", "TNA"} <= codes
    assert archive_by_alias("Bundesarchiv-Militärarchiv").code == "BArch-MA"  # type: ignore[union-attr]


def test_development_set_accuracy() -> None:
    """The labelled development set (tests/cite/data, 301 notes): at least 97 % of notes fully right."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("cite_accuracy", Path(__file__).parents[2] / "benchmarks" /
                                                  "cite_accuracy.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.evaluate(DATA)
    assert res["notes"] >= 240
    assert res["percent"] >= 97.0, [r for r in res["rows"] if not r["ok"]]


@pytest.mark.parametrize(("folder", "floor"), [("set1", 95.0), ("set2", 95.0), ("set3", 95.0), ("set4", 90.0)])
def test_heldout_sets_do_not_regress(folder: str, floor: float) -> None:
    """Four labelled sets written by outside helpers who had not read the parser, each frozen before its
    first run (tests/cite/heldout/*/FROZEN.sha256) and run blind once: set1 68.9 %, set2 89.7 %,
    set3 84.3 %, set4 91.7 % (100/109). The parser's general rules were then fixed on what set1-set3
    showed, so only set4 still measures generalisation; all four are kept as regression floors."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("cite_accuracy", Path(__file__).parents[2] / "benchmarks" /
                                                  "cite_accuracy.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.evaluate(Path(__file__).parent / "heldout" / folder)
    assert res["notes"] >= 80
    assert res["percent"] >= floor, [r for r in res["rows"] if not r["ok"]]
