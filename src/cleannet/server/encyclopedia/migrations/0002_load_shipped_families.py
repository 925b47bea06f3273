"""Load the encyclopedia shipped in data/families.json, so the pages exist after migrate.

Runs with the historical models; loading again (a later data migration calling the same
function) refreshes pages the back office has not edited and creates nothing twice.
"""

from django.db import migrations

from cleannet.server.encyclopedia.seed import load_families


def forwards(apps, schema_editor):
    load_families(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("encyclopedia", "0001_pages_and_advisories"),
        ("intel", "0002_ingest_runs_evidence"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
