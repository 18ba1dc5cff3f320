"""The layering: a module imports only from its own layer or the layers on its left.

``ellipse`` (base) ← ``buyers`` ← ``companies`` ← ``trainings`` ← ``meetings`` ←
``meetings.invitations`` ← ``spaser`` ← ``spaser.sourcing``. Every import of the project's
source is read from the syntax tree (lazy imports inside functions included, and
``import_string("…")`` / ``import_module("…")`` with a literal), so a reach upwards fails here.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "ellipse",
    "buyers",
    "companies",
    "trainings",
    "meetings",
    "meetings.invitations",
    "spaser",
    "spaser.sourcing",
]
DYNAMIC_IMPORTERS = {"import_string", "import_module", "symbol_by_name"}


def layer_of(module: str) -> int | None:
    """Index of the most specific layer ``module`` belongs to (None: not ours)."""
    matches = [
        (len(prefix), index)
        for index, prefix in enumerate(LAYERS)
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches)[1] if matches else None


def imported_modules(source: str, *, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call):
            func = node.func
            called = getattr(func, "id", None) or getattr(func, "attr", None)
            if (
                called in DYNAMIC_IMPORTERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append((node.lineno, node.args[0].value))
    return found


def violations(source: str, *, module: str, is_package: bool = False) -> list[str]:
    own = layer_of(module)
    if own is None:
        return []
    wrong = []
    for line, name in imported_modules(source, module=module, is_package=is_package):
        target = layer_of(name)
        if target is not None and target > own:
            wrong.append(f"{module}:{line} importe {name} ({LAYERS[target]} > {LAYERS[own]})")
    return wrong


def project_modules():
    for top in {layer.split(".")[0] for layer in LAYERS}:
        folder = ROOT / top
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            parts = list(relative.parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            yield path, ".".join(parts), is_package


def test_no_module_imports_a_layer_above_its_own():
    wrong = []
    for path, module, is_package in project_modules():
        source = path.read_text(encoding="utf-8")
        wrong += violations(source, module=module, is_package=is_package)
    assert not wrong, "\n".join(wrong)


def test_the_modules_walked_cover_every_layer_present():
    walked = {layer_of(module) for _path, module, _pkg in project_modules()}
    present = {i for i, layer in enumerate(LAYERS) if (ROOT / layer.replace(".", "/")).is_dir()}
    assert present <= walked and {0, 1, 2, 4, 5} <= present


@pytest.mark.parametrize(
    ("module", "source", "is_package"),
    [
        ("ellipse.demo", "from companies.models import Company", False),
        ("ellipse.outbox.admin", "def f():\n    import meetings.invitations.admin_views", False),
        ("buyers.views", "from django.utils.module_loading import import_string\n"
                         "import_string('companies.selectors.x')", False),
        ("meetings.services", "from .invitations import services", False),
        ("meetings", "from .invitations.models import GeneratedDocument", True),
        ("meetings.invitations.views", "from spaser.selectors import x", False),
        ("spaser.views", "from spaser.sourcing import models", False),
        ("companies.forms", "from ..trainings import selectors", False),
    ],
)  # fmt: skip
def test_an_import_upwards_is_caught(module, source, is_package):
    assert violations(source, module=module, is_package=is_package)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("meetings.invitations.services", "from meetings.models import Meeting"),
        ("meetings.invitations.services", "from ..models import Meeting"),
        ("spaser.sourcing.views", "from spaser.selectors import x\nfrom companies import perms"),
        ("companies.demo", "from buyers.demo import make_siret\nfrom ellipse.accounts import demo"),
        ("ellipse.outbox.services", "from django.db import transaction\nfrom .models import X"),
    ],
)
def test_an_import_downwards_or_sideways_is_allowed(module, source):
    assert violations(source, module=module) == []
