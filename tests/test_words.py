"""Every word and figure: the formatter's rules as a table, and the catalogue complete, compiled and used.

The formatter writes every amount, land area, date and count on every screen, so its table is the one
place that says what the audience reads. The catalogue checks make "English is complete" a test: every
message has its translation with the same placeholders, the compiled file is the one the sources make,
every page's words are real English and the server serves them so, and no page script carries a word of
its own.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from harness import ROOT

from kiosk import create_app
from kiosk.words import format as fmt
from kiosk.words.catalogue import TRANSLATIONS, gettext, ngettext, translations
from kiosk.words.live import LIVE
from kiosk.words.pages import PAGES

PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize(
    ("wan", "zh", "en"),
    [
        (0, "0亿元", "CNY 0"),
        (1, "1万元", "CNY 10,000"),
        (99, "99万元", "CNY 990,000"),
        (100, "100万元", "CNY 1 million"),
        (8_500, "8500万元", "CNY 85 million"),
        (9_999, "9999万元", "CNY 99.99 million"),
        (10_000, "1亿元", "CNY 100 million"),
        (30_000, "3亿元", "CNY 300 million"),
        (99_999, "10亿元", "CNY 999.99 million"),
        (100_000, "10亿元", "CNY 1 billion"),
        (123_456, "12.35亿元", "CNY 1.23 billion"),
        (500_000, "50亿元", "CNY 5 billion"),
        (520_000, "52亿元", "CNY 5.2 billion"),
        (523_000, "52.3亿元", "CNY 5.23 billion"),
        (1_003_200, "100.32亿元", "CNY 10.03 billion"),
        (1_060_000, "106亿元", "CNY 10.6 billion"),
        (2_060_000, "206亿元", "CNY 20.6 billion"),
        (12_345_678, "1234.57亿元", "CNY 123.46 billion"),
        (123_456_789_000, "12345678.9亿元", "CNY 1,234,567.89 billion"),
    ],
)
def test_money_as_people_write_it(wan, zh, en):
    assert fmt.money(wan, "zh").text == zh
    assert fmt.money(wan, "en").text == en


def test_money_settings_unit_and_decimals():
    assert fmt.money(8_500, "zh", unit="yi").text == "0.85亿元"
    assert fmt.money(2_060_000, "zh", unit="wan").text == "2060000万元"
    assert fmt.money(123_456, "zh", decimals=4).text == "12.3456亿元"
    assert fmt.money(123_456, "zh", decimals=0).text == "12亿元"
    assert fmt.money(8_500, "en", unit="yi").text == "CNY 0.09 billion"
    assert fmt.money(2_060_000, "en", unit="wan").text == "CNY 20,600 million"
    assert fmt.money(12_345, "en", decimals=4).text == "CNY 123.45 million"


def test_a_figure_carries_what_the_climb_needs():
    figure = fmt.money(1_003_200, "zh")
    assert (figure.value, figure.unit, figure.decimals, figure.scale) == ("100.32", "亿元", 2, (1, 10_000))
    figure = fmt.money(2_060_000, "en")
    assert (figure.prefix, figure.value, figure.unit, figure.decimals, figure.group) == (
        "CNY",
        "20.6",
        "billion",
        1,
        ",",
    )
    assert fmt.money(523_000, "zh").json() == {
        "text": "52.3亿元",
        "value": "52.3",
        "unit": "亿元",
        "decimals": 1,
        "scale": [1, 10_000],
    }


@pytest.mark.parametrize(
    ("mu", "approx", "zh", "en"),
    [
        (Decimal("800"), False, "800亩", "800 mu"),
        (Decimal("2491.7"), False, "约2492亩", "about 2,492 mu"),
        (Decimal("2491.4"), False, "约2491亩", "about 2,491 mu"),
        (Decimal("4150"), True, "约4150亩", "about 4,150 mu"),
        (Decimal("0.5"), False, "约1亩", "about 1 mu"),
        (Decimal("12345"), False, "12345亩", "12,345 mu"),
    ],
)
def test_land_in_whole_mu(mu, approx, zh, en):
    assert fmt.land(mu, "zh", approx).text == zh
    assert fmt.land(mu, "en", approx).text == en


SHANGHAI = "Asia/Shanghai"


def test_an_instant_recorded_on_a_server_in_utc_is_shown_on_the_venues_clock():
    """A laptop left on UTC records 11:15:17+00:00; the venue in Shanghai reads 19:15, and the day turns at
    the venue's midnight, not the server's."""
    at = "2026-12-07T11:15:17+00:00"
    assert fmt.time(at, SHANGHAI) == "19:15"
    assert fmt.clock_seconds(at, SHANGHAI) == "19:15:17"
    assert fmt.moment(at, "zh", SHANGHAI) == "2026年12月7日 19:15"
    assert fmt.moment("2026-12-07T17:30:00+00:00", "en", SHANGHAI) == "8 December 2026, 01:30"
    assert fmt.date("2026-12-07T17:30:00+00:00", "zh", SHANGHAI) == "2026年12月8日"
    # Exports carry the zone: for a person, and for a machine.
    assert fmt.stamp(at, SHANGHAI) == "2026-12-07 19:15:17 (UTC+8)"
    assert fmt.iso_in(at, SHANGHAI) == "2026-12-07T19:15:17+08:00"
    # Recorded in the venue's own zone it reads the same.
    assert fmt.time("2026-12-07T19:15:17+08:00", SHANGHAI) == "19:15"
    # A plain date is a day, not an instant: never shifted.
    assert fmt.date("2026-12-07", "zh", "America/Los_Angeles") == "2026年12月7日"
    assert [fmt.time(x, SHANGHAI) for x in ("", None, "2026-12-07", "nonsense T")] == ["", "", "", ""]


def test_a_zone_with_summer_time_takes_the_offset_of_the_day():
    # New York: UTC-5 in winter, UTC-4 in summer; the clocks went forward at 02:00 on 8 March 2026.
    assert fmt.stamp("2026-01-15T15:00:00+00:00", "America/New_York") == "2026-01-15 10:00:00 (UTC-5)"
    assert fmt.stamp("2026-07-15T15:00:00+00:00", "America/New_York") == "2026-07-15 11:00:00 (UTC-4)"
    assert fmt.time("2026-03-08T06:59:00+00:00", "America/New_York") == "01:59"
    assert fmt.time("2026-03-08T07:00:00+00:00", "America/New_York") == "03:00"
    assert fmt.stamp("2026-06-01T00:00:00+00:00", "Asia/Kolkata") == "2026-06-01 05:30:00 (UTC+5:30)"
    assert fmt.utc_offset(datetime(2026, 1, 1, tzinfo=UTC)) == "UTC+0"


def test_dates_times_and_counts():
    assert fmt.date("2021-06-21", "zh") == "2021年6月21日"
    assert fmt.date("2021-06-21", "en") == "21 June 2021"
    assert fmt.date("2021-06-21T10:32:05+08:00", "en", SHANGHAI) == "21 June 2021"
    assert fmt.time("2021-06-21T10:32:05+08:00", SHANGHAI) == "10:32"
    assert fmt.moment("2021-06-21T10:32:05+08:00", "zh", SHANGHAI) == "2021年6月21日 10:32"
    assert fmt.moment("2021-06-21T10:32:05+08:00", "en", SHANGHAI) == "21 June 2021, 10:32"
    assert [fmt.count(n, "project", "zh") for n in (0, 1, 7)] == ["0个项目", "1个项目", "7个项目"]
    assert [fmt.count(n, "project", "en") for n in (0, 1, 7)] == ["0 projects", "1 project", "7 projects"]
    assert fmt.tier_label(100, "zh") == "100亿元以上"
    assert fmt.tier_label(100, "en") == "CNY 10 billion or more"
    assert fmt.listing(["a", "b", "c"], "en") == "a, b and c"
    assert fmt.listing(["新材料", "生物医药"], "zh") == "新材料、生物医药"
    # An item holding 、 itself is parted from the next by ， (as the article lists its speakers).
    assert (
        fmt.listing(["党工委书记、区委书记周建光", "总裁吴建明"], "zh")
        == "党工委书记、区委书记周建光，总裁吴建明"
    )
    # The same list cut after each separator, for a page that keeps each item whole as the list wraps.
    assert fmt.listing_parts(["a", "b", "c"], "en") == ["a, ", "b and ", "c"]
    assert fmt.listing_parts(["党工委书记、区委书记周建光", "总裁吴建明"], "zh") == [
        "党工委书记、区委书记周建光，",
        "总裁吴建明",
    ]
    for items in ([], ["a"], ["a", "b"], ["a", "b", "c", "d"], ["新材料", "生物医药", "现代农业"]):
        for lang in ("zh", "en"):
            assert "".join(fmt.listing_parts(items, lang)) == fmt.listing(items, lang)


# -- the catalogue --------------------------------------------------------------------------------------


def _catalogue() -> Catalog:
    with open(PO, "rb") as f:
        return read_po(f)


def test_every_message_has_its_english_with_the_same_placeholders():
    placeholder = re.compile(r"%\((\w+)\)s")
    catalogue = _catalogue()
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(("untranslated", ids[0]))
            continue
        if message.fuzzy:
            problems.append(("fuzzy", ids[0]))
        wanted = set(placeholder.findall(ids[0])) | ({"num"} if len(ids) > 1 else set())
        for text in strings:
            if CJK.search(text):
                problems.append(("Chinese in English", ids[0]))
            if set(placeholder.findall(text)) - wanted:
                problems.append(("unknown placeholder", ids[0]))
            if len(ids) == 1 and set(placeholder.findall(text)) != wanted:
                problems.append(("placeholders differ", ids[0]))
    assert not problems, problems


def test_the_catalogue_holds_every_message_the_sources_name():
    """What ``scripts/words.sh`` would extract now is in the catalogue: nobody added a word untranslated."""
    keywords = {
        "N_": None,
        "NC_": ((1, "c"), 2),
        "NP_": (1, 2),
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
    }
    method_map = [("kiosk/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _name, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, keywords=keywords, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.add((context, msgid))
    known = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in _catalogue() if m.id}
    assert not (found - known), sorted(found - known)[:20]


def test_the_compiled_catalogue_is_the_one_the_po_makes():
    with open(MO, "rb") as f:
        compiled = read_mo(f)
    fresh = BytesIO()
    write_mo(fresh, _catalogue())
    fresh.seek(0)
    made = read_mo(fresh)

    def as_pairs(catalogue):
        return {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalogue if m.id}

    assert as_pairs(compiled) == as_pairs(made), "run: bash scripts/words.sh"


def test_translations_reach_python():
    assert gettext("宣布", "en") == "Announce"
    assert gettext("宣布", "zh") == "宣布"
    assert ngettext("%(num)s个项目", "%(num)s个项目", 1, "en") == "1 project"


# Chinese as a reader sees it: the ideographs and the full-width punctuation that comes with them (「」、：
# （）…). A page's English holds none of it; CJK above is the ideographs alone.
CHINESE = re.compile(
    r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
# A named placeholder, or a bare % (which would break ``text % params``).
PERCENT = re.compile(r"%\((\w+)\)s|%%|%")


def _placeholders(text: str) -> set[str]:
    return {m.group(1) or m.group(0) for m in PERCENT.finditer(text)} - {"%%"}


def _entry(entry: str | tuple[str, str]) -> tuple[str | None, str]:
    """A page entry's (context, message id): ``NC_`` marks a tuple, ``N_`` the id alone."""
    return entry if isinstance(entry, tuple) else (None, entry)


def page_word_problems(catalogue: Catalog, pages: dict[str, dict]) -> list[tuple]:
    """Every page word's English in ``catalogue``: there, not fuzzy, every form (a plural message has
    the language's number of them) written, not the Chinese id copied back and holding no Chinese, with
    the id's placeholders (a plural's singular may say "one" for %(num)s). Each problem as (what, page,
    key)."""
    problems = []
    for surface, words in pages.items():
        for key, entry in words.items():
            context, msgid = _entry(entry)
            where = (surface, key)
            message = catalogue.get(msgid, context=context) if msgid else None
            if message is None:
                problems.append(("not in the catalogue" if msgid else "no message id", *where))
                continue
            ids = message.id if message.pluralizable else (message.id,)
            forms = message.string if message.pluralizable else (message.string,)
            if message.pluralizable and len(forms) != catalogue.num_plurals:
                problems.append(("plural forms missing", *where))
            if message.fuzzy:
                problems.append(("fuzzy", *where))
            wanted = set().union(*map(_placeholders, ids))
            for i, text in enumerate(forms):
                if not text.strip():
                    problems.append(("untranslated", *where))
                    continue
                if text in ids and CHINESE.search(text):
                    problems.append(("the Chinese copied back", *where))
                elif CHINESE.search(text):
                    problems.append(("Chinese in the English", *where))
                have = _placeholders(text)
                if message.pluralizable:
                    same = have - {"num"} == wanted - {"num"} and have <= wanted | {"num"}
                    same = same and (i == 0 or "num" not in wanted or "num" in have)
                else:
                    same = have == wanted
                if not same:
                    problems.append(("placeholders differ", *where))
    return problems


def served_word_problems(client, catalogue: Catalog, pages: dict[str, dict]) -> list[tuple]:
    """What ``GET /words/<page>.<lang>.json`` serves each page: in Chinese its message ids, in English the
    catalogue's translation of each (the compiled file the server reads is the .po's) with no Chinese in
    it. Each problem as (what, page, key or language)."""
    problems = []
    for surface, words in pages.items():
        served = {}
        for lg in ("zh", "en"):
            response = client.get(f"/words/{surface}.{lg}.json")
            body = response.get_json(silent=True) or {}
            if response.status_code != 200 or (body.get("lang"), body.get("surface")) != (lg, surface):
                problems.append(("not served", surface, lg, response.status_code))
                served[lg] = {}
                continue
            served[lg] = body.get("words", {})
            if set(served[lg]) != set(words):
                problems.append(("not the page's keys", surface, lg, sorted(set(served[lg]) ^ set(words))))
        for key, entry in words.items():
            context, msgid = _entry(entry)
            if served["zh"].get(key) != msgid:
                problems.append(("the Chinese is not the message id", surface, key))
            english = served["en"].get(key)
            if not english or not english.strip() or CHINESE.search(english):
                problems.append(("no English served", surface, key, english))
                continue
            message = catalogue.get(msgid, context=context)
            if message is not None and english != (
                message.string[0] if message.pluralizable else message.string
            ):
                problems.append(("served English is not the catalogue's", surface, key, english))
    return problems


@pytest.fixture
def words_client(tmp_path):
    """The server's own words endpoint, on an app of its own data folder (no ceremony loaded)."""
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "LOAD_SAMPLE": False})
    yield app.test_client()
    app.extensions["kiosk"].storage.close()


def test_every_page_word_is_translated_and_no_page_script_holds_words(words_client):
    """Every word of every page (PAGES, and /live's) has its real English in the catalogue, and the
    server serves each page its words: the English with no Chinese in it, the Chinese as the ids."""
    catalogue = _catalogue()
    assert all(PAGES.values())
    assert not page_word_problems(catalogue, {**PAGES, "live": LIVE})
    assert not served_word_problems(words_client, catalogue, PAGES)
    scripts = [p for p in (ROOT / "static" / "js").rglob("*.js")]
    assert scripts
    holding = [str(p.relative_to(ROOT)) for p in scripts if CJK.search(p.read_text(encoding="utf-8"))]
    assert not holding, f"Chinese typed into page scripts: {holding}"


def test_the_page_word_checks_see_what_they_are_for(words_client, monkeypatch):
    """The checks above find a word left untranslated, copied back, missing a placeholder or a plural
    form, and a page served Chinese for English: so their passing means something."""
    catalogue = _catalogue()
    console = PAGES["console"]
    context, msgid = console["tag_onair"]
    catalogue.get(console["announce"]).string = ""
    catalogue.get(console["undo_q"]).string = console["undo_q"]
    catalogue.get(console["saved_device"]).string = "Device name saved"
    catalogue.get(msgid, context=context).string = "On 大屏"
    plural = catalogue.get("%(num)s个项目")
    plural.string = (plural.string[0], "")
    keys = ("announce", "undo_q", "saved_device", "tag_onair", "go")
    pages = {"console": {key: console[key] for key in keys}, "counts": {"projects": plural.id[0]}}
    assert sorted(page_word_problems(catalogue, pages)) == [
        ("Chinese in the English", "console", "tag_onair"),
        ("placeholders differ", "console", "saved_device"),
        ("the Chinese copied back", "console", "undo_q"),
        ("untranslated", "console", "announce"),
        ("untranslated", "counts", "projects"),
    ]
    # "GO" is its own English, and the plural's two forms are there.
    assert not page_word_problems(_catalogue(), pages)
    # The server reads the compiled catalogue: a message missing from it is served as its Chinese id, and
    # one compiled from an older .po serves other English than the .po's.
    monkeypatch.delitem(translations("en")._catalog, PAGES["sign"]["submit"])
    edited = _catalogue()
    edited.get(PAGES["sign"]["clear"]).string = "Start again"
    assert served_word_problems(words_client, edited, {"sign": PAGES["sign"]}) == [
        ("served English is not the catalogue's", "sign", "clear", gettext(PAGES["sign"]["clear"], "en")),
        ("no English served", "sign", "submit", PAGES["sign"]["submit"]),
    ]


def test_words_script_is_what_the_readme_says(tmp_path):
    """``scripts/words.sh`` leaves the catalogue byte for byte as it is when nothing changed (a run of
    the tests must not leave the checkout dirty)."""
    files = [PO, MO, TRANSLATIONS / "messages.pot"]
    before = [f.read_bytes() for f in files]
    done = subprocess.run(["bash", "scripts/words.sh"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stdout + done.stderr
    assert [f.read_bytes() for f in files] == before
