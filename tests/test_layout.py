"""The package layout of docs/architecture.md, checked on every run.

Dependencies point inward to ``tickets``; the edges never import each other; only entry
points (``hotline``, benchmarks, tests) import ``hotline``; no import cycle between
packages; no module over 400 lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/__init__.py")
                  if p.parent.name not in {"tests", "benchmarks"})
# Edges: adapters to the outside world; none may import another.
EDGES = {"ivr", "agents", "messaging", "publicsite", "open311"}
# What the domain may import of ours and of the frameworks.
FORBIDDEN_IN_DOMAIN = {"flask", "twilio", "vosk", "faster_whisper", "celery", "werkzeug",
                       *(set(PACKAGES) - {"tickets"})}
MAX_LINES = 400


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def _package_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in PACKAGES}
    for name in PACKAGES:
        for path in (ROOT / name).rglob("*.py"):
            graph[name] |= {m for m in _imports(path) if m in PACKAGES and m != name}
    return graph


def test_the_domain_imports_no_framework_and_no_edge():
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "tickets").rglob("*.py")
        for module in _imports(path) if module in FORBIDDEN_IN_DOMAIN)
    assert offenders == []


def test_edges_do_not_import_each_other_and_only_entry_points_import_hotline():
    graph = _package_imports()
    crossing = sorted(f"{a} -> {b}" for a in EDGES for b in graph[a] if b in EDGES)
    assert crossing == []
    importers = sorted(a for a, targets in graph.items() if "hotline" in targets)
    assert importers == []


def test_no_import_cycle_between_packages():
    graph = _package_imports()
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt in path:
                cycles.append(path[path.index(nxt):] + [nxt])
            else:
                visit(nxt, path + [nxt])

    for name in PACKAGES:
        visit(name, [name])
    assert cycles == []


def test_no_module_over_400_lines():
    long = sorted(f"{path.relative_to(ROOT)}: {n}"
                  for name in PACKAGES for path in (ROOT / name).rglob("*.py")
                  if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES)
    assert long == []


def test_every_package_and_its_data_files_are_installed():
    """`pip install .` (the Docker image) ships exactly what pyproject.toml lists."""
    import fnmatch
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    include = setuptools["packages"]["find"]["include"]
    missing = [name for name in PACKAGES
               if not any(fnmatch.fnmatch(name, pattern) for pattern in include)]
    assert missing == []
    data = setuptools.get("package-data", {})
    unlisted = sorted(
        str(path.relative_to(ROOT))
        for name in PACKAGES for path in (ROOT / name).rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
        and "__pycache__" not in path.parts
        and not any(fnmatch.fnmatch(str(path.relative_to(ROOT / name)), pattern)
                    for glob in data.get(name, [])
                    for pattern in (glob, glob.replace("**/", ""))))
    assert unlisted == []
