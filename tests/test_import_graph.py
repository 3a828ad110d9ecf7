"""The import graph, read from the source (ast, function-local imports included): the domain
package never imports the workers, the packages form no cycle, and neither do the modules of
workers/ (tasks -> job bodies -> model-call client -> backends, one way)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("annotator", "trees", "workers")
# The project package is two layers: configuration (settings, the Celery app) that anything may
# import, and the entry points (URLs, ASGI, WSGI, views) that import everything and that
# nothing imports.
ANNOTATOR_ENTRY = ("annotator.urls", "annotator.asgi", "annotator.wsgi", "annotator.views")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports anywhere in its source."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name`
            # imports the module.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    modules = project_modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target in imports_of(name, path, modules):
            graph.add_edge(name, target)
    return graph


def layer(module: str) -> str:
    top = module.split(".")[0]
    if top == "annotator":
        is_entry = any(module == m or module.startswith(m + ".") for m in ANNOTATOR_ENTRY)
        return "annotator (entry points)" if is_entry else "annotator (configuration)"
    return top


def test_the_graph_sees_imports_inside_functions_too(graph):
    assert graph.has_edge("workers.tasks", "workers.tasks.search")
    assert len(graph) > 100


def test_trees_never_imports_workers(graph):
    offending = sorted(
        f"{a} -> {b}"
        for a, b in graph.edges
        if a.split(".")[0] == "trees" and b.split(".")[0] == "workers"
    )
    assert offending == []


def test_the_packages_form_no_cycle(graph):
    layers = nx.DiGraph()
    edges: dict[tuple[str, str], str] = {}
    for a, b in graph.edges:
        pair = (layer(a), layer(b))
        if pair[0] != pair[1]:
            layers.add_edge(*pair)
            edges.setdefault(pair, f"{a} -> {b}")
    cycles = [
        [edges[(c[i], c[(i + 1) % len(c)])] for i in range(len(c))]
        for c in nx.simple_cycles(layers)
    ]
    assert cycles == []


def test_the_modules_of_workers_form_no_cycle(graph):
    workers = graph.subgraph(n for n in graph if n.split(".")[0] == "workers")
    assert list(nx.simple_cycles(workers)) == []
