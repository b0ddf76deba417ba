"""The package's import graph: acyclic, and a core that knows no data,
metrics or serving code (issue #9).

Read from the source with `ast`: the module-level imports (an import
inside a function is a lazy one, made when it runs, and does not count).
"""

import ast
import os

import tfgan_zoo

PACKAGE_DIR = os.path.dirname(tfgan_zoo.__file__)
# The core: the models, their networks and losses.
CORE = ("tfgan_zoo.models", "tfgan_zoo.networks", "tfgan_zoo.losses", "tfgan_zoo.regularizers")
NOT_IN_CORE = ("tfgan_zoo.data", "tfgan_zoo.metrics", "tfgan_zoo.export", "tfgan_zoo.serving", "tfgan_zoo.latent_tools")


def _module_name(path):
    rel = os.path.relpath(path, os.path.dirname(PACKAGE_DIR))[: -len(".py")].replace(os.sep, ".")
    return rel[: -len(".__init__")] if rel.endswith(".__init__") else rel


def _modules():
    for root, _, files in os.walk(PACKAGE_DIR):
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(root, name)


def _top_level_imports(path, known):
    """The package modules `path` imports at module level (`from a import b`
    counts as `a.b` when that is a module)."""
    with open(path) as f:
        tree = ast.parse(f.read())
    found = set()
    for node in tree.body:  # Module level only.
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
    return {m for m in found if m in known}


def import_graph():
    paths = {_module_name(p): p for p in _modules()}
    return {name: _top_level_imports(path, paths) - {name} for name, path in paths.items()}


def _find_cycle(graph):
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack + [node, nxt]
            if nxt not in state:
                cycle = visit(nxt, stack + [node])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def test_the_graph_is_read_from_the_source():
    graph = import_graph()
    assert "tfgan_zoo.models.base" in graph and "tfgan_zoo.export" in graph
    # Known edges, so that a parser that sees nothing fails here.
    assert "tfgan_zoo.models.noise" in graph["tfgan_zoo.models.base"]
    assert "tfgan_zoo.sampling" in graph["tfgan_zoo.export"]


def test_the_import_graph_is_acyclic():
    assert _find_cycle(import_graph()) is None, " -> ".join(_find_cycle(import_graph()))


def test_the_core_imports_no_data_metrics_or_serving_code():
    graph = import_graph()
    bad = {
        module: sorted(m for m in imports if m.startswith(NOT_IN_CORE))
        for module, imports in graph.items()
        if module.startswith(CORE)
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_cycle_finder_finds_a_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None
