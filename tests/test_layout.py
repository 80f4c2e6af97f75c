"""The package layout of docs/architecture.md, checked on every run.

One package per domain; dependencies point inward to ``tickets``, which imports no
framework and none of ours; no package circle; nothing but entry points imports the
composition root (``hotline``), which defines no task; the dev tools (simulators,
loopback peers) are imported by no product package; a package's web modules (those that
import flask) are registered by the composition root, never imported by another package;
no package holds more than 20 modules side by side, and every folder of code is a package.
Only the boundaries commit or roll back (the unit of work in ``tickets.db``, the
composition root's request and CLI), and every task is queued after a commit.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/__init__.py")
                  if p.parent.name not in {"tests", "benchmarks"})
FRAMEWORKS = {"flask", "twilio", "vosk", "faster_whisper", "celery", "werkzeug"}
FORBIDDEN_IN_DOMAIN = FRAMEWORKS | (set(PACKAGES) - {"tickets"})
MAX_LINES = 600
MAX_MODULES = 20


def _import_nodes(path: Path) -> Iterator[tuple[str, bool]]:
    yield from _parsed_imports(path)


@cache  # every rule reads every module: parse each once per run
def _parsed_imports(path: Path) -> tuple[tuple[str, bool], ...]:
    return tuple(_find_imports(path))


def _find_imports(path: Path) -> Iterator[tuple[str, bool]]:
    """(module, at top level) for every absolute import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, id(node) in top) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from pkg import mod`` imports the module ``pkg.mod``; ``from pkg import name``
            # imports from ``pkg`` itself.
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = (ROOT.joinpath(*sub.split(".")).with_suffix(".py").exists()
                             or (ROOT.joinpath(*sub.split(".")) / "__init__.py").exists())
                yield (sub if is_module else node.module), id(node) in top


def _imports(path: Path) -> Iterator[str]:
    yield from (module.split(".")[0] for module, _ in _import_nodes(path))


def _modules(name: str) -> Iterator[Path]:
    yield from (ROOT / name).rglob("*.py")


def _package_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in PACKAGES}
    for name in PACKAGES:
        for path in _modules(name):
            graph[name] |= {m for m in _imports(path) if m in PACKAGES and m != name}
    return graph


def _dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_the_domain_imports_no_framework_and_no_other_package():
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _modules("tickets")
        for module in _imports(path) if module in FORBIDDEN_IN_DOMAIN)
    assert offenders == []


def test_only_entry_points_import_the_composition_root():
    importers = sorted(a for a, targets in _package_imports().items() if "hotline" in targets)
    assert importers == []


def test_no_task_is_defined_in_the_composition_root():
    offenders = sorted(str(path.relative_to(ROOT)) for path in _modules("hotline")
                       if "shared_task" in path.read_text(encoding="utf-8"))
    assert offenders == []


def test_dev_tools_are_imported_by_no_product_package():
    """Only the CLI may use the simulators, and only inside the command that needs them."""
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for name in PACKAGES if name != "devtools"
        for path in _modules(name)
        for module, top in _import_nodes(path)
        if module.split(".")[0] == "devtools" and (name != "hotline" or top))
    assert offenders == []


def test_web_modules_are_imported_only_by_their_own_package_and_the_root():
    web = {_dotted(path) for name in PACKAGES for path in _modules(name)
           if {"flask", "werkzeug"} & set(_imports(path))}
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for name in PACKAGES if name != "hotline"
        for path in _modules(name)
        for module, _ in _import_nodes(path)
        if module in web and module.split(".")[0] not in {name, "twilio_edge"})
    assert offenders == []  # twilio_edge is the shared base of the Twilio webhook edges


def test_every_folder_of_code_is_a_package_of_at_most_20_modules():
    folders = {path.parent for name in PACKAGES for path in _modules(name)}
    assert sorted(str(f.relative_to(ROOT)) for f in folders
                  if not (f / "__init__.py").exists()) == []
    crowded = sorted(f"{f.relative_to(ROOT)}: {n}" for f in folders
                     if (n := len(list(f.glob("*.py")))) > MAX_MODULES)
    assert crowded == []


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


def test_no_module_over_600_lines():
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
        and not any(path.is_relative_to(ROOT.joinpath(*key.split(".")))
                    and fnmatch.fnmatch(str(path.relative_to(ROOT.joinpath(*key.split(".")))),
                                        pattern)
                    for key, globs in data.items() for glob in globs
                    for pattern in (glob, glob.replace("**/", ""))))
    assert unlisted == []


def _calls_of(path: Path, names: set[str]) -> Iterator[tuple[int, str]]:
    """(line, name) of every ``x.name(...)`` call in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in names):
            yield node.lineno, node.func.attr


# Who may end a transaction: the unit of work's helper (tickets.db.transaction, used by
# tasks and the CLI through the runtime) and the composition root, whose app owns the
# request's transaction (commit, and the rollback of a failed or refused request).
MAY_COMMIT = ("tickets/db.py", "hotline/")
MAY_ROLL_BACK = ("tickets/db.py", "hotline/app.py")


def test_only_the_boundaries_commit_or_roll_back():
    """No domain function, view, listener or task commits or rolls back by hand: a view
    lets a refusal rise to the request, which rolls back (hotline.app)."""
    offenders = sorted(
        f"{rel}:{line} calls .{name}()"
        for name_ in PACKAGES for path in _modules(name_)
        for line, name in _calls_of(path, {"commit", "rollback"})
        if not (rel := str(path.relative_to(ROOT))).startswith(
            MAY_COMMIT if name == "commit" else MAY_ROLL_BACK))
    assert offenders == []


ENQUEUE = {"delay", "apply_async", "send_task"}


def test_every_task_is_queued_after_the_commit():
    """Every ``.delay``/``.apply_async`` is handed to ``tickets.db.after_commit``, so a
    rolled-back change (a request, a task step) queues nothing."""
    offenders = []
    for name in PACKAGES:
        for path in _modules(name):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            deferred = {id(inner)
                        for node in ast.walk(tree)
                        if isinstance(node, ast.Call) and (
                            getattr(node.func, "id", None) == "after_commit"
                            or getattr(node.func, "attr", None) == "after_commit")
                        for arg in node.args[1:] for inner in ast.walk(arg)}
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}"
                          for node in ast.walk(tree)
                          if isinstance(node, ast.Attribute) and node.attr in ENQUEUE
                          and id(node) not in deferred]
    assert sorted(offenders) == []


DIALECT_INSERTS = {"sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.sqlite"}


def test_only_the_unit_of_work_tells_the_backends_apart_for_an_insert():
    """ON CONFLICT is written once, in ``tickets.db`` (``insert_ignore``, ``upsert``): no
    other module imports a dialect's ``insert`` and repeats the SQLite/PostgreSQL switch."""
    offenders = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for name in PACKAGES for path in _modules(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module in DIALECT_INSERTS
        and any(alias.name == "insert" for alias in node.names)
        and str(path.relative_to(ROOT)) != "tickets/db.py")
    assert offenders == []
