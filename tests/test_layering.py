"""Layering: the core never imports Qt, and the command line starts without the heavy libraries.

Each check runs in a fresh interpreter, so that nothing imported by other tests (or by pytest-qt)
can hide an import.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("openpyxl", "reportlab", "alembic", "pypinyin")


def _run(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_core_module_imports_pyside6():
    result = _run(
        """
        import importlib, json, pkgutil, sys
        import branchdesk
        names = ["branchdesk"]
        for info in pkgutil.walk_packages(branchdesk.__path__, "branchdesk."):
            if info.name == "branchdesk.ui" or info.name.startswith("branchdesk.ui."):
                continue
            if info.name.startswith("branchdesk.db.migrations"):
                continue  # Alembic scripts, loaded by Alembic only (env.py needs Alembic's context)
            names.append(info.name)
        failed = {}
        for name in names:
            try:
                importlib.import_module(name)
            except Exception as exc:
                failed[name] = repr(exc)
        qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
        print(json.dumps({"modules": names, "failed": failed, "qt": qt}))
        """
    )
    assert result["failed"] == {}
    for layer in ("branchdesk.cli", "branchdesk.workspace", "branchdesk.domain.", "branchdesk.db.",
                  "branchdesk.services.", "branchdesk.reports."):  # fmt: skip
        assert any(m.startswith(layer) for m in result["modules"]), f"no module found in {layer}"
    assert result["qt"] == [], "the core imported Qt"


def test_the_workspace_and_every_service_it_builds_load_without_qt():
    """The object the window, the command line and the report builders share: Qt-free, services and all."""
    result = _run(
        """
        import json, sys
        from branchdesk.workspace import Workspace, service
        names = [n for n, v in vars(Workspace).items() if isinstance(v, service)]
        for n in names:
            module, _, cls = vars(Workspace)[n].target.partition(":")
            getattr(__import__(module, fromlist=[cls]), cls)
        qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
        print(json.dumps({"services": names, "qt": qt}))
        """
    )
    assert {"members", "branch", "settings", "roster", "development", "meetings"} <= set(result["services"])
    assert result["qt"] == []


def test_services_do_not_import_reports():
    """Layers point down: the importers read the ledger layout from the domain (domain.dev_exchange), and
    what is written as a file (templates, the audit export) is built in reports."""
    import ast
    from pathlib import Path

    import branchdesk

    services = Path(branchdesk.__file__).parent / "services"
    found = []
    for path in sorted(services.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("branchdesk.reports"):
                found.append(f"{path.name}: {node.module}")
    assert found == []


def test_the_command_line_starts_lean():
    """Parsing arguments and building the parser loads neither Qt nor openpyxl/reportlab/alembic/pypinyin."""
    result = _run(
        f"""
        import json, sys
        from branchdesk.cli import build_parser
        args = build_parser().parse_args(["--db", "x.sqlite", "export", "roster", "-o", "out.xlsx"])
        assert args.command == "export"
        heavy = sorted(m for m in {HEAVY!r} + ("PySide6",) if m in sys.modules)
        print(json.dumps({{"heavy": heavy}}))
        """
    )
    assert result["heavy"] == []


@pytest.mark.parametrize(
    "module",
    ["branchdesk.db.engine", "branchdesk.db.migrate", "branchdesk.services.members", "branchdesk.services.branch",
     "branchdesk.domain.members", "branchdesk.config"],
)  # fmt: skip
def test_modules_on_the_start_up_path_import_no_heavy_library(module):
    """The window's start-up imports these; the heavy libraries must wait until first use."""
    result = _run(
        f"""
        import json, sys
        import {module}
        print(json.dumps({{"heavy": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
        """
    )
    assert result["heavy"] == []
