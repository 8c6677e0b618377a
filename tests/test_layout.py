"""The house: imports of ``planner/`` run one way, down the data flow, with no cycle.

Every import is read from the source (module-level and function-level alike)
and mapped to its *room*: a sub-package (``planner/io/``, ``planner/model/`` …)
or a top-level module (``planner/plan.py`` …).  A room may import only rooms
of its own layer or lower ones; modules must not import each other in a
circle; no module may take a private name (``_x``) from another module; no
module is longer than :data:`MAX_LINES`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "planner"
MAX_LINES = 600

#: The layers of the house, lowest first: inputs → validated data → model → solver → plan → studies → outputs.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_errors", "schema", "projection", "_format", "_i18n", "_highs"}),
    frozenset({"io", "steiner"}),
    frozenset({"model", "budget"}),
    frozenset({"whatif"}),
    frozenset({"plan", "gaps"}),
    frozenset({"studies"}),
    frozenset({"outputs"}),
    frozenset({"cli", "app", "__init__", "__main__"}),
)
LAYER_OF = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _room(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """``(imported module, imported name or "", line)`` for every import statement of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, "", node.lineno) for a in node.names if a.name.startswith("planner")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("planner"):
                out += [(mod, a.name, node.lineno) for a in node.names]
    return out


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(mod: str, name: str, modules: dict[str, Path]) -> str:
    """The module an import reaches: ``from planner.io import city`` reaches ``planner.io.city``."""
    if name and f"{mod}.{name}" in modules:
        return f"{mod}.{name}"
    return mod


def import_graph() -> nx.DiGraph:
    """Module → module imports of ``planner/`` (edge attribute ``line``, ``names``)."""
    modules = _modules()
    G = nx.DiGraph()
    G.add_nodes_from(modules)
    for me, path in modules.items():
        for mod, name, line in _imports(path):
            target = _resolve(mod, name, modules)
            if target == me or target not in modules:
                continue
            G.add_edge(me, target, line=line)
    return G


def test_every_room_has_a_layer():
    rooms = {_room(m) for m in _modules()}
    assert rooms <= set(LAYER_OF), f"rooms without a layer: {sorted(rooms - set(LAYER_OF))}"


def test_no_import_cycle():
    G = import_graph()
    # a package's __init__ handing names of its own modules on is not a cycle of the code
    H = G.copy()
    H.remove_edges_from([(a, b) for a, b in G.edges if b.startswith(a + ".") and _modules()[a].name == "__init__.py"])
    cycles = list(nx.simple_cycles(H))
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_imports_run_down_the_layers():
    G = import_graph()
    up = [(a, b, d["line"]) for a, b, d in G.edges(data=True)
          if a != "planner" and LAYER_OF[_room(b)] > LAYER_OF[_room(a)]]
    assert not up, "imports from a lower layer to a higher one: " + ", ".join(f"{a}:{n} -> {b}" for a, b, n in up)


def test_rooms_stand_on_at_most_eight_floors():
    G = import_graph()
    R = nx.DiGraph()
    for a, b in G.edges:
        ra, rb = _room(a), _room(b)
        if ra != rb:
            R.add_edge(ra, rb)
    assert nx.is_directed_acyclic_graph(R), f"rooms import each other: {list(nx.simple_cycles(R))[:5]}"
    floors = nx.dag_longest_path_length(R) + 1 if R.number_of_edges() else 1
    assert floors <= 8, f"{floors} floors: {nx.dag_longest_path(R)}"


def test_no_private_name_taken_from_another_package():
    modules = _modules()
    bad = []
    for me, path in modules.items():
        my_pkg = me.rpartition(".")[0] if path.name != "__init__.py" else me
        for mod, name, line in _imports(path):
            target = _resolve(mod, name, modules)
            private_module = any(part.startswith("_") and part != "__init__" for part in target.split(".")[1:])
            private_name = name.startswith("_") and target == mod
            target_pkg = target.rpartition(".")[0] if not modules.get(target, Path("x")).name == "__init__.py" \
                else target
            if (private_module or private_name) and not target_pkg.startswith(my_pkg) and \
                    _room(target) not in {"_errors", "_format", "_i18n", "_highs"}:
                bad.append(f"{me}:{line} imports {target}{'.' + name if private_name else ''}")
    assert not bad, "private names taken across packages: " + "; ".join(bad)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_not_too_long(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {n} lines (at most {MAX_LINES})"
