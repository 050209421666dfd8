"""Where a line may break in a Chinese name or title (kiosk/web/typeset.py, the same rule as the pages'
static/js/common/fit.js): between words only, names the dictionary does not know kept whole, a lone
character with the word it belongs to, brackets and numbers with their neighbours. The printed card's
text carries word joiners inside each unit, which Pango honours."""

from __future__ import annotations

import pytest

from kiosk.web import typeset

pytestmark = pytest.mark.skipif(typeset.segments("产业") != ["产业"], reason="no libicu on this machine")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("高端医疗器械产业园项目", ["高端", "医疗", "器械", "产业园", "项目"]),
        ("共筑产业新高地", ["共筑", "产业", "新高地"]),
        (
            "长沙康瑞医疗科技股份有限公司（湖南）",
            ["长沙", "康瑞", "医疗", "科技", "股份", "有限公司", "（湖南）"],
        ),
        ("请市委书记周明致辞", ["请市委", "书记", "周明", "致辞"]),
        ("2026年冬季重点项目集中签约仪式", ["2026年", "冬季", "重点", "项目", "集中", "签约", "仪式"]),
        (
            "建筑新材料铝合金模板“双循环”基地建设项目",
            ["建筑", "新材料", "铝合金", "模板", "“双循环”", "基地", "建设", "项目"],
        ),
        ("Golden keys", ["Golden keys"]),
        ("", []),
    ],
)
def test_units_break_only_between_words(text, expected):
    assert typeset.units(text) == expected
    assert "".join(typeset.units(text)) == text


def test_the_printed_text_joins_the_characters_of_each_word():
    printed = typeset.words_print("产业园项目 · 深圳")
    assert printed == "产\u2060业\u2060园项\u2060目 · 深\u2060圳"
    assert printed.replace(typeset.WORD_JOINER, "") == "产业园项目 · 深圳"
    assert str(typeset.words("产业园项目")) == "产业园<wbr>项目"
    assert str(typeset.words("<b>产业园</b>")).replace("<wbr>", "") == "&lt;b&gt;产业园&lt;/b&gt;"
