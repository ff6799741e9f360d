"""The shape of the package, read from its source: imports run one way, rooms stay small, and private names stay
in the module that owns them.

Every import counts, wherever it stands (module level, inside a function, or under TYPE_CHECKING): an import
that only a type checker follows still ties the two modules' designs together.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "needsassess"

# Modules allowed past about 800 lines, each with the one sentence that says why it is one concept.
LONG_MODULES = {
    "needsassess.clients.synonyms": "the built-in header and code synonyms: data, one table per field",
}
MAX_LINES = 800


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, name: str, modules: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """(imported module, names taken from it) for every import of a needsassess module in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("needsassess")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if not target.startswith("needsassess"):
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules:
                    found.append((submodule, []))
                else:
                    found.append((target, [alias.name]))
    return [(t, names) for t, names in found if t in modules and t != name]


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {t for t, _ in _imports(path, name, modules)} for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_the_import_graph_has_no_circle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_nothing_imports_the_orchestrator() -> None:
    graph = _graph()
    importers = sorted(m for m, targets in graph.items() if "needsassess.pipeline" in targets)
    assert all(m.startswith("needsassess.cli") or m.startswith("needsassess.web") for m in importers), (
        importers
    )


def test_writers_do_not_import_the_stages() -> None:
    """Sheets and drafts read the Assessment; they never reach back into a stage or the orchestrator."""
    graph = _graph()
    writers = [m for m in graph if m.startswith("needsassess.report")]
    wrong = {
        m: sorted(t for t in graph[m] if t.endswith(".stage") or t == "needsassess.pipeline") for m in writers
    }
    assert {m: t for m, t in wrong.items() if t} == {}


def test_no_module_is_too_long_to_be_one_concept() -> None:
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    too_long = {name: n for name, n in lengths.items() if n > MAX_LINES and name not in LONG_MODULES}
    assert too_long == {}


def test_private_names_stay_in_their_module() -> None:
    modules = _modules()
    reached = sorted(
        f"{name} takes {n} from {target}"
        for name, path in modules.items()
        for target, names in _imports(path, name, modules)
        for n in names
        if n.startswith("_") and not n.startswith("__")
    )
    assert reached == []
