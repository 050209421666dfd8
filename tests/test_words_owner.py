"""Words have one owner, kiosk/words: a word typed anywhere else is one the catalogue cannot translate.

Python outside kiosk/words may name a message for the catalogue (``N_("…")``, ``gettext("…", lang)``:
extracted by scripts/words.sh, its English checked in test_words.py), but Chinese in any other string
constant, or an English sentence handed to a user, bypasses it: "区长、总裁" in an English message, the
cue kinds typed twice. The page scripts hold no Chinese and no sentence of their own: their words come
from the server. What is allowed is listed here, each with why it is not a word to show.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from harness import ROOT

KIOSK = ROOT / "kiosk"
SCRIPTS = ROOT / "static" / "js"
# Chinese as a reader sees it: the ideographs and the full-width punctuation that comes with them.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# The catalogue's markers and lookups: a string given to one of these is a message id of the catalogue.
CATALOGUE_CALLS = {"N_", "NC_", "NP_", "gettext", "pgettext", "ngettext", "_", "lazy_gettext"}
# Where a user reads what a string holds: an answer's message, a view's text, a label, a hint.
SAID_AS = {"message", "text", "label", "title", "hint", "line", "note", "what"}
# Words in a row as a sentence has them: capitalised, or three and more (a code, an id, a path or a
# header is one word; "btn small" is two classes).
SENTENCE = re.compile(
    r"^(?:[A-Z][a-z]*(?: [A-Za-z][a-z,.'!?…]*)+|[a-z]+(?: [A-Za-z][a-z,.'!?…]*){2,})[.!?…]?$"
)

# Chinese outside kiosk/words that is not a word to show, by file: what the code reads, and why.
NOT_WORDS = {
    # The marks of a stand-in name, which the rule looks for in the organiser's own data.
    "kiosk/ceremony/rules.py": {"占位", "示例", "待公布", "待定"},
    # Where a line of the 签约图 may break: typography matched against the names being laid out.
    "kiosk/certificate/layout.py": {"、，,）)·；;：", "（("},
    # The command line's help is English by design (README); it names the agenda's sheet, 流程.
    "kiosk/cli.py": {
        "load projects from a CSV or XLSX file, and the agenda from its 流程 sheet (all or nothing)",
        "FILE is the agenda (流程): load only it, replacing the agenda",
    },
    # The bounds of the ideographs' range, to tell a Chinese name from a Latin one on a contact card.
    "kiosk/reporting/vcard.py": {"一", "鿿"},
    # What organisers type that the validators take: the separators between names and numbers, the
    # 是/否 of a flag, "转" before a phone extension, and a list of names joined to be split again.
    "kiosk/setup/fields.py": {
        "[、，;；]",
        "[、，,;；]",
        "[、,;/\\s]+",
        "、",
        "是",
        "否",
        "开",
        "关",
        "\\+?[0-9(][0-9() \\-]*(?:(?:转|ext\\.?|x) *[0-9]{1,6})?",
    },
    # The agenda sheet's name (CONTRACT.md) and the brackets a header may be typed with.
    "kiosk/setup/importer.py": {"流程", "【】〔〕[]"},
    # Where a line may break in a Chinese name: the brackets and stops that stay with their word, and the
    # characters that end a name (typography matched against the names, handed to the pages too).
    "kiosk/web/typeset.py": {
        "（(“‘「『《【〈[",
        "）)”’」』》】〉]，,、。.：:；;！!？?·",
        "园区城厂港站馆村镇路街场库院所楼店湖山",
        "）)”’」』》】〉]",
    },
}
# English said to a client outside kiosk/words that is not a word to show, by file.
NOT_SENTENCES = {
    # Socket.IO's and Engine.IO's own refusals, which their clients match as they are.
    "kiosk/web/transport.py": {"Unknown namespace"},
}
# Strings in page scripts that are not words to show, by file.
SCRIPT_NOT_WORDS = {
    # Errors kept to the code, and Socket.IO's own reason for a disconnect that the server asked for.
    "static/js/common/keeper-sw.js": {"no answer in time"},
    "static/js/common/live.js": {"io server disconnect"},
    # The separator the signatories' field is filled with: the server splits it again, as it takes
    # what organisers type.
    "static/js/admin/projects.js": {"、"},
    # The stops a wall's long title may be split after: typography, matched against the title.
    "static/js/display/fit.js": {"）)】」』 ·：:，,"},
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _called(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def python_words(source: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The Chinese string constants of ``source`` that are no message of the catalogue (docstrings,
    catalogue calls' arguments and log lines aside), and the English sentences it gives a user to read
    (as a message, text, label… in a dict or a call): each as (line, string)."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    said = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called(node)
            # The catalogue's own ids; and log lines, which are for whoever runs the server.
            if name in CATALOGUE_CALLS or (
                isinstance(node.func, ast.Attribute)
                and name in {"debug", "info", "warning", "error", "exception", "critical"}
            ):
                skip.update(id(n) for arg in node.args for n in ast.walk(arg))
            said.extend(kw.value for kw in node.keywords if kw.arg in SAID_AS)
        if isinstance(node, ast.Dict):
            said.extend(
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value in SAID_AS
            )
    chinese = [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and id(n) not in skip
        and CHINESE.search(n.value)
    ]
    sentences = [
        (n.lineno, n.value)
        for n in said
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and SENTENCE.match(n.value.strip())
    ]
    return chinese, sentences


_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LINE_COMMENT = re.compile(r"(?m)^\s*//.*$|\s//\s.*$")
_STRING = re.compile(r"\"([^\"\\\n]*)\"|'([^'\\\n]*)'|`([^`\\]*)`")


def script_words(source: str) -> list[str]:
    """The string literals of a page script that hold Chinese or read as a sentence (comments aside)."""
    code = _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", source))
    found = []
    for m in _STRING.finditer(code):
        text = next(g for g in m.groups() if g is not None)
        if CHINESE.search(text) or SENTENCE.match(text.strip()):
            found.append(text)
    return found


def _python_files() -> list[Path]:
    return [p for p in sorted(KIOSK.rglob("*.py")) if (KIOSK / "words") not in p.parents]


def test_no_words_outside_kiosk_words():
    chinese, sentences = {}, {}
    for path in _python_files():
        where = path.relative_to(ROOT).as_posix()
        found, said = python_words(path.read_text(encoding="utf-8"))
        extra = [(line, s) for line, s in found if s not in NOT_WORDS.get(where, set())]
        if extra:
            chinese[where] = extra
        extra = [(line, s) for line, s in said if s not in NOT_SENTENCES.get(where, set())]
        if extra:
            sentences[where] = extra
    assert not chinese, f"Chinese outside kiosk/words and the catalogue: {chinese}"
    assert not sentences, f"sentences for users outside kiosk/words: {sentences}"
    scripts = {}
    for path in sorted(SCRIPTS.rglob("*.js")):
        where = path.relative_to(ROOT).as_posix()
        extra = [
            w
            for w in script_words(path.read_text(encoding="utf-8"))
            if w not in SCRIPT_NOT_WORDS.get(where, set())
        ]
        if extra:
            scripts[where] = extra
    assert not scripts, f"page scripts holding words of their own: {scripts}"


def test_the_allowed_strings_are_still_there():
    """Each exception is still in its file: one that went stays out of the list (and cannot hide a word
    that comes back later)."""
    for table in (NOT_WORDS, NOT_SENTENCES):
        for where, allowed in table.items():
            found, said = python_words((ROOT / where).read_text(encoding="utf-8"))
            assert allowed <= {s for _, s in found + said}, where
    for where, allowed in SCRIPT_NOT_WORDS.items():
        assert allowed <= set(script_words((ROOT / where).read_text(encoding="utf-8"))), where


def test_the_scans_see_what_they_are_for():
    """A join with 、 in a rule, a word typed into a table, a sentence in an answer are found; the
    catalogue's ids, docstrings, log lines and plain codes are not."""
    source = '''
"""模块说明。"""
import logging
log = logging.getLogger(__name__)
LABELS = {"a": N_("标签"), "b": NC_("cue", "开场")}
KINDS = {"开场": "opening"}

def decide(names):
    """说明。"""
    log.warning("跳过 %s", names)
    if names:
        raise CeremonyError("round_unsigned", names="、".join(names))
    return {"status": "error", "reason": "forbidden", "message": "You may not do that"}

def answer():
    return error(400, "bad", text="Please try again later", code="not_found")
'''
    chinese, sentences = python_words(source)
    assert [s for _, s in chinese] == ["开场", "、"]
    assert sorted(s for _, s in sentences) == ["Please try again later", "You may not do that"]
    script = """
    // 这是注释: a comment, not a word shown
    /* another comment with several words */
    el.textContent = "已签约";
    toast(t("ok"), "ok", 2500);
    nudge("Please wait a moment");
    const cls = "is-flash";
    """
    assert script_words(script) == ["已签约", "Please wait a moment"]
