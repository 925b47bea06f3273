import json
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.encyclopedia import services
from cleannet.server.encyclopedia.models import FamilyProfile
from cleannet.server.encyclopedia.seed import DATA_FILE, load_families, shipped_data
from cleannet.server.intel import services as intel
from cleannet.server.intel.models import MalwareAlias, MalwareFamily

pytestmark = pytest.mark.django_db
DATA_MIGRATION = ("encyclopedia", "0002_load_shipped_families")


def _run_data_migration() -> None:
    """Run the data migration's function with the historical models it runs with."""
    state = MigrationExecutor(connection).loader.project_state(DATA_MIGRATION)
    module = import_module("cleannet.server.encyclopedia.migrations." + DATA_MIGRATION[1])
    module.forwards(state.apps, None)


def _empty_database() -> None:
    FamilyProfile.objects.all().delete()
    AuditEntry.objects.all().delete()
    MalwareAlias.objects.all().delete()
    MalwareFamily.objects.all().delete()


def _complete(page: FamilyProfile) -> bool:
    texts = ("summary", "spread", "symptoms", "removal")
    return all(getattr(page, f"{t}_{lang}").strip() for t in texts for lang in ("vi", "en"))


def test_it_has_the_shipped_pages_after_migrate() -> None:
    pages = list(FamilyProfile.objects.all())
    assert len(pages) >= 25
    assert all(_complete(page) for page in pages)


def test_it_writes_at_least_25_bilingual_pages_into_an_empty_database() -> None:
    _empty_database()
    _run_data_migration()
    pages = list(FamilyProfile.objects.all())
    assert len(pages) >= 25
    assert all(_complete(page) and page.references for page in pages)
    assert not MalwareFamily.objects.exists()  # the intel family list is the analysts'


def test_it_creates_nothing_twice_when_loaded_again() -> None:
    pages = FamilyProfile.objects.count()
    load_families(apps)
    assert FamilyProfile.objects.count() == pages


def test_it_links_a_page_to_the_family_a_feed_already_named_by_an_alias() -> None:
    _empty_database()
    existing = intel.add_family(None, "Bladabindi", "rat")
    _run_data_migration()
    assert FamilyProfile.objects.get(name="njRAT").family == existing


def test_it_creates_the_missing_intel_families_when_synced(personas) -> None:
    mirai = intel.resolve_family("Mirai")  # added by the conftest, with Emotet
    audited = AuditEntry.objects.filter(action="malware_family.add").count()
    created = services.sync_families(personas.admin.user)
    assert created == FamilyProfile.objects.count() - 2
    assert FamilyProfile.objects.get(name="Mirai").family == mirai
    assert intel.resolve_family("Bladabindi").profile.name == "njRAT"
    assert intel.resolve_family("win.agent_tesla").name == "AgentTesla"
    assert services.sync_families(personas.admin.user) == 0
    assert AuditEntry.objects.filter(action="malware_family.add").count() == audited + created


def test_it_keeps_a_page_the_back_office_edited() -> None:
    page = FamilyProfile.objects.get(name="Mirai")
    page.summary_en, page.edited = "Edited by staff.", True
    page.save()
    result = load_families(apps)
    page.refresh_from_db()
    assert page.summary_en == "Edited by staff."
    assert result.pages_kept == 1


def test_it_cites_sources_and_ships_the_attack_licence_with_the_data() -> None:
    data = shipped_data()
    for entry in data["families"]:
        assert entry["references"], entry["name"]
        assert all(ref["url"].startswith("https://") for ref in entry["references"])
        if entry["attack_id"]:
            urls = [ref["url"] for ref in entry["references"]]
            assert f"https://attack.mitre.org/software/{entry['attack_id']}/" in urls
    licence = (DATA_FILE.parent / "LICENSE-ATTACK.txt").read_text(encoding="utf-8")
    assert "The MITRE Corporation. This work is reproduced and distributed" in licence
    assert "reproduce MITRE's copyright designation and this license" in licence
    assert json.loads(DATA_FILE.read_text(encoding="utf-8"))["version"] == 1
