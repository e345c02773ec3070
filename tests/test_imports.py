"""The package's import graph: no cycles (none hidden in function bodies either), stages never reach the output
side, and every module imports in any order.

The graph comes from the source with ``ast``: every ``import`` and ``from ... import`` anywhere in a module (top
level and function bodies alike), relative imports resolved to module names (``from ..document import Article``
in ``nlp_toolkit.claims.english`` is an edge to ``nlp_toolkit.document``; ``from . import x`` is an edge to the
module ``x`` when there is one, else to the package). Importing a submodule runs its packages' ``__init__``
first, but that is no edge of its own: a package whose ``__init__`` loads its submodules lazily is not a cycle.

Stage modules are found from the pipeline's registry (``STAGES``): each stage's module, and every module of its
package when the stage lives in a package's ``__init__``. DESIGN.md: a stage imports only the data model,
settings, resources and the encoders, so nothing it imports, directly or through other modules, may be
``export``, ``batch``, ``cli``, ``report``, ``api`` or ``commands``.
"""

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest

from nlp_toolkit.pipeline import STAGES

PACKAGE = Path(__file__).resolve().parents[1] / "nlp_toolkit"
FORBIDDEN = ("export", "batch", "cli", "report", "api", "commands")


def _modules() -> dict[str, Path]:
    """Module name -> source file, for every module of the package (the data package ``models`` included)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("nlp_toolkit",) + path.relative_to(PACKAGE).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _imports(name: str) -> set[str]:
    """The package's modules that module ``name`` imports, anywhere in its body."""
    base = name if _is_package(name) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text(encoding="utf-8"), str(MODULES[name]))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.split(".")[: len(base.split(".")) - (node.level - 1)]
                module = ".".join(anchor + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # ``from pkg import sub`` imports the submodule ``pkg.sub`` when there is one
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in MODULES:  # ``import nlp_toolkit.export.jsonl.x`` -> the deepest module named
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _path(graph: dict[str, set[str]], start: str, goal) -> list[str] | None:
    """A shortest import chain from ``start`` to a module ``goal(name)`` accepts (breadth first), or None."""
    prev = {start: None}
    queue = [start]
    for v in queue:
        for w in sorted(graph[v]):
            if w not in prev:
                prev[w] = v
                if goal(w):
                    chain = [w]
                    while prev[chain[-1]] is not None:
                        chain.append(prev[chain[-1]])
                    return chain[::-1]
                queue.append(w)
    return None


def _cycle_through(graph: dict[str, set[str]], node: str) -> list[str]:
    """A shortest chain of imports from ``node`` back to itself."""
    chains = [c for w in sorted(graph[node]) if (c := _path(graph, w, lambda m: m == node))]
    return [node] + min(chains, key=len)


def stage_modules() -> set[str]:
    out = set()
    for spec in STAGES.values():
        module = spec.target.partition(":")[0]
        out.add(module)
        if _is_package(module):
            out.update(m for m in MODULES if m.startswith(module + "."))
    return out


def _forbidden(name: str) -> bool:
    return any(name == f"nlp_toolkit.{f}" or name.startswith(f"nlp_toolkit.{f}.") for f in FORBIDDEN)


def test_the_walker_sees_imports_in_function_bodies_and_resolves_relative_ones():
    # pipeline.py imports the data model at the top and the signature inside a method
    assert {"nlp_toolkit.document", "nlp_toolkit.settings", "nlp_toolkit.signature"} <= GRAPH["nlp_toolkit.pipeline"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _path({"a": {"b"}, "b": {"c"}, "c": set()}, "a", lambda m: m == "c") == ["a", "b", "c"]
    assert _cycle_through({"a": {"b", "d"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, "a") == ["a", "d", "a"]


def test_stage_modules_come_from_the_registry():
    found = stage_modules()
    assert {"nlp_toolkit.clean", "nlp_toolkit.langid", "nlp_toolkit.sections", "nlp_toolkit.comparison"} <= found
    assert "nlp_toolkit.entities.chinese" in found and "nlp_toolkit.claims.english" in found
    assert not any(_forbidden(m) for m in found)


def test_no_import_cycles():
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles among nlp_toolkit modules:\n" + "\n".join(
        " -> ".join(_cycle_through(GRAPH, c[0])) + f"  (component: {', '.join(c)})" for c in cycles)


def test_stages_do_not_reach_the_output_side():
    bad = [chain for m in sorted(stage_modules()) if (chain := _path(GRAPH, m, _forbidden))]
    assert not bad, "stage modules importing export/batch/cli/report/api/commands:\n" + "\n".join(
        " -> ".join(chain) for chain in bad)


def _orders() -> list[list[str]]:
    names = sorted(MODULES)
    shuffled = [random.Random(seed).sample(names, len(names)) for seed in (1, 2)]
    return [names, names[::-1], *shuffled]


@pytest.mark.parametrize("order", _orders(), ids=["sorted", "reversed", "shuffled-1", "shuffled-2"])
def test_every_module_imports_in_any_order(order):
    code = "import importlib\nfor name in %r:\n    importlib.import_module(name)\n" % (order,)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent)
    assert run.returncode == 0, run.stderr[-3000:]
