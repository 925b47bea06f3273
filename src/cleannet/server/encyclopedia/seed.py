"""Loading the encyclopedia shipped in ``data/families.json`` into the database.

The same function serves the data migration (with the migration's historical models, so
that it keeps working when the models change later) and ``sync_families`` (with the live
models). It is idempotent: a page is found by its slug and written or refreshed unless the back
office edited it; it is linked to the intel family its name or an alias resolves to (folded
as intel folds them). No intel family is created here: a fresh database keeps its family
list to what feeds and analysts add (``services.sync_families`` creates the missing ones).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.db import models
from django.utils.text import slugify

from cleannet.server.intel.naming import alias_key

DATA_FILE = Path(__file__).with_name("data") / "families.json"
LANGUAGES = ("vi", "en")
TEXTS = ("summary", "spread", "symptoms", "removal")


class ModelRegistry(Protocol):
    def get_model(self, app_label: str, model_name: str) -> type[models.Model]: ...


@dataclass(frozen=True)
class SeedResult:
    families_linked: int
    pages_written: int
    pages_kept: int


@cache
def shipped_data() -> dict[str, Any]:
    """Return the parsed ``families.json`` (read once)."""
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def page_values(entry: dict[str, Any], guides: dict[str, Any]) -> dict[str, Any]:
    """Return the ``FamilyProfile`` field values of one data entry (``family`` aside)."""
    values: dict[str, Any] = {
        "name": entry["name"],
        "aliases": entry.get("aliases", []),
        "kind": entry["kind"],
        "platforms": entry.get("platforms", []),
        "severity": entry["severity"],
        "first_seen": entry.get("first_seen", ""),
        "attack_id": entry.get("attack_id", ""),
        "references": entry.get("references", []),
    }
    for text in TEXTS:
        given = entry.get(text) or {}
        if text == "removal" and isinstance(given, str):
            given = {lang: "\n".join(steps) for lang, steps in guides[given].items()}
        for lang in LANGUAGES:
            values[f"{text}_{lang}"] = given.get(lang, "")
    return values


def entry_slug(entry: dict[str, Any]) -> str:
    return str(entry.get("slug") or slugify(entry["name"]))


def entry_names(entry: dict[str, Any]) -> list[str]:
    """The entry's name, slug and aliases: every name a feed may use for it."""
    return [entry["name"], entry_slug(entry), *entry.get("aliases", [])]


def find_family(registry: ModelRegistry, names: list[str]) -> Any:
    """Return the intel family the first of ``names`` that resolves names, or None."""
    alias_model = registry.get_model("intel", "MalwareAlias")
    for key in (alias_key(name) for name in names):
        row = alias_model._default_manager.filter(alias=key).select_related("family").first()
        if key and row is not None:
            return row.family  # type: ignore[attr-defined]
    return None


def load_families(registry: ModelRegistry, data: dict[str, Any] | None = None) -> SeedResult:
    """Write the shipped pages into the database, linked to the intel families their names
    already resolve to; return what changed. Creates no intel family.

    ``registry`` is ``django.apps.apps`` or a migration's ``apps``. Call it inside a
    transaction.
    """
    data = data if data is not None else shipped_data()
    profile_model = registry.get_model("encyclopedia", "FamilyProfile")
    manager = profile_model._default_manager
    linked = written = kept = 0
    for entry in data["families"]:
        page = manager.filter(slug=entry_slug(entry)).first()
        family = find_family(registry, entry_names(entry))
        if page is not None and page.edited:  # type: ignore[attr-defined]
            kept += 1
            continue
        values = page_values(entry, data["removal_guides"])
        taken = family is not None and manager.filter(family=family).exclude(slug=entry_slug(entry))
        if family is not None and not taken.exists():  # type: ignore[union-attr]
            values["family"] = family
            linked += 1
        manager.update_or_create(slug=entry_slug(entry), defaults=values)
        written += 1
    return SeedResult(linked, written, kept)
