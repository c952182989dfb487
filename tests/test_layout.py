"""The package is laid out by stage of the data flow; an earlier stage never imports a later
one (README, Layout)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "milestone_sheets"

# Stage of each top-level module or folder, in data-flow order. `errors` is shared by all.
STAGES = {
    "errors": 0, "i18n": 1, "contract": 2, "model": 3, "xlsx": 4, "read": 5, "rules": 6,
    "plans": 7, "write": 8, "importer": 9, "cli": 10, "__main__": 11, "__init__": 11,
}


def _stage(module: str) -> tuple[str, int]:
    top = module.split(".")[1] if module.count(".") else "__init__"
    return top, STAGES[top]


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1 and parts[-2] != "milestone_sheets":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every milestone_sheets module `path` imports, at any depth (lazy imports too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            pytest.fail(f"{path}:{node.lineno}: relative import; the package imports absolutely")
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [(node.lineno, n) for n in names if n.startswith("milestone_sheets.")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names
                      if a.name.startswith("milestone_sheets.")]
    return found


def test_every_module_has_a_stage():
    for module, _ in _modules():
        _stage(module)  # a KeyError names a folder the table does not place


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_no_import_from_a_later_stage(module, path):
    own, stage = _stage(module)
    for line, imported in _imports(path):
        if imported.count(".") and imported.split(".")[1] not in STAGES:
            continue  # `from milestone_sheets import contract` lists names, not a module
        top, other = _stage(imported)
        assert other <= stage, (f"{path.relative_to(PACKAGE.parent)}:{line} imports {imported}: "
                                f"{top} is a later stage than {own}")
