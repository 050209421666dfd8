"""kiosk's packages import one another one way only (README "How it is built": the layers), and no
module uses the underscored members of another module's classes.

Every import in kiosk/**/*.py counts — at the top of a module, inside a function, under TYPE_CHECKING —
grouped by the package it is in (``kiosk/ceremony/rules.py`` is ``ceremony``; a module at kiosk's top,
``kiosk/app.py``, is a node of its own). A cycle between packages fails the test, printed with the line
that makes each of its arrows."""

from __future__ import annotations

import ast
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

from harness import ROOT


def node_of(module: str) -> str:
    """``kiosk.ceremony.rules`` -> ``ceremony``; ``kiosk.app`` -> ``app``; ``kiosk`` -> ``kiosk``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imported(path: Path, root: Path) -> list[tuple[str, int]]:
    """(module, line) of every kiosk module ``path`` imports, relative imports resolved."""
    relative = path.relative_to(root).with_suffix("").parts
    package = list(relative[:-1])  # the package a relative import starts from
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            if node.module:
                out.append((".".join([*base, node.module]), node.lineno))
            else:  # ``from .. import config``: a module, or a name the package itself holds
                for alias in node.names:
                    inner = root.joinpath(*base, alias.name)
                    whole = inner.is_dir() or inner.with_suffix(".py").is_file()
                    out.append((".".join([*base, alias.name] if whole else base), node.lineno))
    return [(m, line) for m, line in out if m == "kiosk" or m.startswith("kiosk.")]


def package_graph(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """package -> package it imports -> the first place it does (``kiosk/x/y.py:12``)."""
    graph: dict[str, dict[str, str]] = {}
    for path in sorted((root / "kiosk").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        source = node_of(module.removesuffix(".__init__"))
        arrows = graph.setdefault(source, {})
        for target, line in imported(path, root):
            target = node_of(target)
            if target != source:
                arrows.setdefault(target, f"{path.relative_to(root)}:{line}")
    return graph


def find_cycle(graph: dict[str, dict[str, str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None."""
    state: dict[str, str] = {}  # "open" while on the path being walked, "done" after
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := walk(node)):
            return found
    return None


def layers(readme: Path = ROOT / "README.md") -> dict[str, int]:
    """Each package's line in README's picture of the layers, counted from the bottom."""
    picture = readme.read_text(encoding="utf-8").split("**Layers, one way.**", 1)[1].split("```")[1]
    lines = [line.strip().split("  ")[0] for line in picture.splitlines() if line.strip()]
    return {name.strip(): n for n, names in enumerate(reversed(lines)) for name in names.split(",")}


def test_the_packages_import_one_another_one_way():
    graph = package_graph()
    assert {"ceremony", "store", "setup", "web", "app"} <= set(graph)  # the walk found the tree
    line = layers()
    assert set(graph) - set(line) == set(), "packages README's layers do not place"
    up = [
        f"  {a} -> {b}   ({where})"
        for a, arrows in sorted(graph.items())
        for b, where in sorted(arrows.items())
        if line[b] > line[a]
    ]
    assert up == [], "imports up README's layers:\n" + "\n".join(up)
    cycle = find_cycle(graph)
    assert cycle is None, "packages import each other:\n" + "\n".join(
        f"  {a} -> {b}   ({graph[a][b]})" for a, b in pairwise(cycle)
    )


def test_a_cycle_is_found_however_it_is_imported(tmp_path):
    """The walk sees a function's import and a relative one, and the finder names the loop."""
    for name, body in {
        "kiosk/__init__.py": "",
        "kiosk/a/__init__.py": "",
        "kiosk/a/one.py": "def f():\n    from ..b import two\n",
        "kiosk/b/__init__.py": "",
        "kiosk/b/two.py": "from kiosk.c.three import x\n",
        "kiosk/c/three.py": "from ..a import one\n",
        "kiosk/d.py": "from .a import one\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body)
    graph = package_graph(tmp_path)
    assert graph["a"] == {"b": "kiosk/a/one.py:2"} and graph["d"] == {"a": "kiosk/d.py:1"}
    assert find_cycle(graph) == ["a", "b", "c", "a"]


def test_above_the_store_only_its_interface_is_named():
    """``kiosk.store.open_storage`` picks the engine; the rest of kiosk names ``kiosk.store.base.Store``."""
    engines = {"kiosk.store.sqlite", "kiosk.store.postgres"}
    named = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "kiosk").rglob("*.py"))
        if path.parent.name != "store"
        for module, line in imported(path, ROOT)
        if module in engines
    ]
    assert named == []


def private_members(tree: ast.Module) -> set[str]:
    """The underscored methods and ``self._x`` attributes the classes of one module define."""
    names = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for node in ast.walk(cls):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _on_self(node):
                names.add(node.attr)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def _on_self(node: ast.Attribute) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id == "self"


def reached_into(root: Path = ROOT) -> list[str]:
    """``file:line expression`` for every use of another kiosk module's underscored member (on anything
    but ``self``, ``cls`` or ``super()``)."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted((root / "kiosk").rglob("*.py"))}
    owners: dict[str, set[Path]] = defaultdict(set)
    for path, tree in trees.items():
        for name in private_members(tree):
            owners[name].add(path)
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or node.attr not in owners or path in owners[node.attr]:
                continue
            base = node.value
            if isinstance(base, ast.Name) and base.id in ("self", "cls"):
                continue
            if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super":
                continue
            found.append(f"{path.relative_to(root)}:{node.lineno} {ast.unparse(node)}")
    return found


def test_no_module_uses_another_modules_underscored_members():
    """The service's features (the pads' signing) go through its public interface (``deciding``,
    ``changing_setup``, ``current``), not its lock and its catching up."""
    assert reached_into() == []


def test_a_reach_into_another_module_is_found(tmp_path):
    for name, body in {
        "kiosk/service.py": "class S:\n    def __init__(self):\n        self._lock = 1\n    def _after(self):\n        pass\n",
        "kiosk/feature.py": "def f(s):\n    with s._lock:\n        s._after()\n    return s._replace()\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body)
    # _replace belongs to no kiosk class (a namedtuple's): not a reach into kiosk.
    assert reached_into(tmp_path) == ["kiosk/feature.py:2 s._lock", "kiosk/feature.py:3 s._after"]
