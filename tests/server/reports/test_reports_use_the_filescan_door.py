"""The report channel uses the online file scan only through its door,
``cleannet.server.filescan.services``, which names what it offers in ``__all__``."""

from __future__ import annotations

import ast
from pathlib import Path

import cleannet.server.reports as reports_package
from cleannet.server.filescan import services as filescan

DOOR = "cleannet.server.filescan.services"


def _filescan_imports(source: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(source.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        names += [m for m in modules if m.startswith("cleannet.server.filescan.")]
    return names


def test_reports_import_nothing_of_filescan_but_its_services() -> None:
    package = Path(reports_package.__file__).parent
    imported = {name for path in package.rglob("*.py") for name in _filescan_imports(path)}
    assert imported <= {DOOR}, imported - {DOOR}


def test_what_the_scan_of_attachments_uses_is_in_the_door() -> None:
    used = {
        "current_options",
        "sink_stream",
        "submit_sample",
        "SampleTooLarge",
        "ScannerUnavailable",
        "SandboxError",
    }
    assert used <= set(filescan.__all__)
    assert all(hasattr(filescan, name) for name in filescan.__all__)
