"""The shape of the code, checked from its source: which layer may import which, no import
cycles (imports inside functions and `if TYPE_CHECKING:` blocks count too), and no module
loose at the top of `bot/` beyond the entry points."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "content", "storage", "testing")
FIRST_PARTY = {*PACKAGES, "tests", "bench"}

# Layer -> the first-party modules it may import (each with everything under it). The core
# reads the score bands from the grader's thresholds, a module of constants, so that the bands
# are written once; nothing else of the grader.
MAY_IMPORT = {
    "content": ("content",),
    "bot.core": ("bot.core", "content", "bot.grader.thresholds"),
    "bot.grader": ("bot.grader", "content"),
    "bot.render": ("bot.render", "bot.core", "bot.grader", "content"),
    "storage": ("storage", "bot.core"),
    "bot.conversation": (
        "bot.conversation",
        "bot.core",
        "bot.grader",
        "bot.render",
        "content",
        "storage",
    ),
}
# Libraries that belong to one edge of the system only.
MAY_NOT_USE = {
    "content": ("telegram", "aiosqlite", "httpx"),
    "bot.core": ("telegram", "aiosqlite", "httpx"),
    "bot.grader": ("telegram", "aiosqlite", "httpx"),
    "bot.render": ("telegram", "aiosqlite", "httpx"),
    "storage": ("telegram", "httpx"),
    "bot.conversation": ("telegram", "aiosqlite", "httpx"),
}
ENTRY_POINTS = {"__init__", "__main__", "cli", "config", "logs", "runtime", "console"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> dict[str, Path]:
    found = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    found |= {module_name(p): p for p in (ROOT / "bench").glob("*.py")}
    return found


MODULES = source_files()


def imported(name: str, path: Path) -> set[str]:
    """Every module the file imports, anywhere in it. `from a import b` names `a.b` when that
    is one of ours, else `a`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                names.add(full if full in MODULES else base)
    return names


IMPORTS = {name: imported(name, path) for name, path in MODULES.items()}


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer_of(name: str) -> str | None:
    matches = [layer for layer in MAY_IMPORT if within(name, layer)]
    return max(matches, key=len) if matches else None


def test_the_rules_see_the_code():
    assert {"bot.core.review", "bot.conversation.tutor", "storage.db", "bench.bot_load"} <= set(
        MODULES
    )
    assert "bot.grader.thresholds" in IMPORTS["bot.core.review"]
    assert "storage.migrations" in IMPORTS["storage.db"]


@pytest.mark.parametrize("layer", list(MAY_IMPORT))
def test_each_layer_imports_only_the_layers_below_it(layer):
    wrong = [
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if layer_of(module) == layer
        for target in sorted(targets)
        if target.split(".")[0] in FIRST_PARTY
        and not any(within(target, allowed) for allowed in MAY_IMPORT[layer])
    ]
    assert wrong == []


@pytest.mark.parametrize("layer", list(MAY_NOT_USE))
def test_network_and_sql_libraries_stay_at_their_edges(layer):
    wrong = [
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if layer_of(module) == layer
        for target in sorted(targets)
        if any(within(target, library) for library in MAY_NOT_USE[layer])
    ]
    assert wrong == []


def test_only_the_command_line_starts_the_telegram_adapter():
    wrong = [
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if within(module, "bot") and not within(module, "bot.telegram") and module != "bot.cli"
        for target in targets
        if within(target, "bot.telegram")
    ]
    assert wrong == []


def test_benchmarks_and_test_support_import_no_test_module():
    wrong = [
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if within(module, "bench") or within(module, "testing") or within(module, "bot")
        for target in targets
        if within(target, "tests")
    ]
    assert wrong == []


def test_there_are_no_import_cycles():
    graph = {
        module: {t for t in targets if t in MODULES and t != module}
        for module, targets in IMPORTS.items()
    }
    cycles, state, path = [], {}, []

    def visit(module: str) -> None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert cycles == []


def test_bot_has_one_folder_per_layer_and_only_entry_points_at_its_top():
    loose = {p.stem for p in (ROOT / "bot").glob("*.py")} - ENTRY_POINTS
    folders = {p.name for p in (ROOT / "bot").iterdir() if (p / "__init__.py").exists()}
    assert loose == set()
    assert folders == {"core", "grader", "render", "conversation", "telegram"}
