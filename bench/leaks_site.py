"""A scratch CleanNet site for the HTTP measurements: its own var dir and SQLite database,
one breach whose SHA-1 password store is the benchmark's store.

Usage (in the site's environment, see ``leaks_http.site_env``):
``python bench/leaks_site.py SITE_DIR STORE``. The store is linked into the leak store
directory rather than imported again: the import is measured on its own, and importing
100 million rows a second time would only repeat it. The bench is the one place that
writes a ``BreachStore`` row directly; everything else goes through the leaks services.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

BREACH = "bench-passwords"


def adopt_store(store: Path) -> None:
    """Migrate the scratch database and register ``store`` as the breach's SHA-1 passwords."""
    from django.core.management import call_command

    from cleannet.engines.leakindex import RangeStore
    from cleannet.server.leaks import services
    from cleannet.server.leaks.catalogue import breach_dir, bump_generation, store_dir
    from cleannet.server.leaks.models import Breach, BreachStore

    call_command("migrate", interactive=False, verbosity=0)
    Breach.objects.filter(name=BREACH).delete()
    breach = services.add_breach(None, BREACH, "Benchmark passwords", data_classes=["password"])
    target = breach_dir(BREACH) / store.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(store, target)
    except OSError:  # another file system
        shutil.copyfile(store, target)
    with RangeStore.open(target) as opened:
        hashes = len(opened)
    BreachStore.objects.create(
        breach=breach,
        kind="password_sha1",
        path=str(target.relative_to(store_dir())),
        hashes=hashes,
        rows_read=hashes,
        rows_used=hashes,
    )
    bump_generation()


def main(argv: list[str]) -> int:
    site_dir, store = Path(argv[0]), Path(argv[1])
    site_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    adopt_store(store.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
