"""Campaigns benchmark: simulate a national campaign, then time every campaign page.

The issue's target: with 90 days x 10 ISPs x 20 families every dashboard page answers in
under 1 s (the pages read pre-aggregated snapshots). What it does:

1. migrates a fresh SQLite database under ``var/bench/campaigns`` (or uses ``--database``, a
   PostgreSQL database the benchmark may write a campaign into), with production-like
   settings (``CLEANNET_DEBUG=0``);
2. times the population model alone (``simulation_model.simulate``), then the whole
   ``campaigns.simulation.simulate_campaign`` (2,000,000 infected addresses, 10 ISPs, 20
   families, 90 days, through snapshots: the same model run, then the ISPs, node counts,
   baselines and snapshots written);
3. times each page with Django's test ``Client`` signed in as the role that reads it (the
   analyst's and the ISP's dashboards, the workspace list, the CSV export and the PDF, the
   public list and campaign page): one warm-up request, then ``--requests`` (20) requests;
   median, p95 and max; a page not mounted yet (404 on every request) is reported as such;
4. times ``campaigns.progress.campaign_progress`` itself, national and for one ISP (what every
   dashboard builds on);
5. writes ``bench/results/campaigns.json`` and ``bench/results/campaigns.md``.

Usage: ``.venv/bin/python bench/campaigns.py`` or, for a quick run,
``--addresses 20000 --requests 3``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the helpers beside this file (bench/ is not a package)

import campaigns_report  # noqa: E402
import ingest_report  # noqa: E402
from code_state import code_state  # noqa: E402

ROOT = BENCH.parent
WORK = ROOT / "var" / "bench" / "campaigns"
RESULTS = BENCH / "results"
TARGET_SECONDS = 1.0


@dataclass(frozen=True)
class Page:
    """A page to time: who reads it (a role, or None for a visitor) and its address."""

    label: str
    role: str | None
    path: str  # ``{slug}`` is the campaign's


PAGES: tuple[Page, ...] = (
    Page("workspace list (analyst)", "authority_analyst", "/workspace/campaigns/"),
    Page("analyst dashboard", "authority_analyst", "/workspace/campaigns/{slug}/"),
    Page("workspace list (ISP)", "isp_operator", "/workspace/campaigns/"),
    Page("ISP dashboard", "isp_operator", "/workspace/campaigns/{slug}/"),
    Page("CSV export (analyst)", "authority_analyst", "/workspace/campaigns/{slug}/export.csv"),
    Page("PDF report (analyst)", "authority_analyst", "/workspace/campaigns/{slug}/report.pdf"),
    Page("public list", None, "/campaigns/"),
    Page("public campaign page", None, "/campaigns/{slug}/"),
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90, help="days the campaign has run")
    parser.add_argument("--addresses", type=int, default=2_000_000, help="infected at start")
    parser.add_argument("--isps", type=int, default=10)
    parser.add_argument("--families", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--database", default="", help="postgres://… (default: a SQLite file)")
    parser.add_argument("--work", type=Path, default=WORK, help="where the database lives")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results go")
    return parser.parse_args(argv)


def say(message: str) -> None:
    """Progress to stderr, at once."""
    print(message, file=sys.stderr, flush=True)


def environment(args: argparse.Namespace) -> dict[str, str]:
    """The production-like settings of the benchmark's site (a fresh SQLite file unless
    ``--database`` names one)."""
    var_dir = args.work / ("postgres" if args.database else "sqlite")
    if not args.database:
        shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True, exist_ok=True)
    return {
        "CLEANNET_VAR_DIR": str(var_dir),
        "DATABASE_URL": args.database or f"sqlite:///{var_dir / 'bench.sqlite3'}",
        "CLEANNET_DEBUG": "0",
        "CLEANNET_SECRET_KEY": "bench-only-secret-key-long-enough-for-the-check-0123456789",
        "CLEANNET_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "CLEANNET_LOG_LEVEL": "warning",
        "CLEANNET_HUEY_BACKEND": "memory",
        "CLEANNET_SECURE_COOKIES": "0",
        "DJANGO_SETTINGS_MODULE": "cleannet.server.settings",
    }


def summarise(seconds: Sequence[float]) -> dict[str, Any]:
    """Median, p95 (nearest rank) and max of ``seconds``, in milliseconds."""
    ordered = sorted(seconds)
    if not ordered:
        return {"requests": 0, "median_ms": None, "p95_ms": None, "max_ms": None}
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "requests": len(ordered),
        "median_ms": round(median * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def timed(call: Callable[[], Any], requests: int) -> tuple[list[float], Any]:
    """Call once to warm up, then ``requests`` times; return the times and the last answer."""
    answer = call()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = call()
        times.append(time.perf_counter() - started)
    return times, answer


def simulate(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    """Time the model alone, then the whole simulation; return the campaign and what the
    simulation took and wrote."""
    from cleannet.server.campaigns.simulation import simulate_campaign
    from cleannet.server.campaigns.simulation_model import ModelParams
    from cleannet.server.campaigns.simulation_model import simulate as run_model

    scale = {"days": args.days, "addresses": args.addresses, "isps": args.isps,
             "families": args.families, "seed": args.seed}  # fmt: skip
    started = time.perf_counter()
    run_model(ModelParams(**scale))
    model = time.perf_counter() - started
    started = time.perf_counter()
    campaign = simulate_campaign(**scale)
    seconds = time.perf_counter() - started
    return campaign, {
        "seconds": round(seconds, 2),
        "model_seconds": round(model, 2),
        **written(campaign),
    }


def written(campaign: Any) -> dict[str, int]:
    """Rows the simulation left for ``campaign``."""
    from cleannet.server.node.models import NodeDailyCount, NodeNoticeCount

    organisations = list(campaign.participants.values_list("organisation_id", flat=True))
    return {
        "snapshots": campaign.snapshots.count(),
        "baselines": campaign.baselines.count(),
        "node_notice_counts": NodeNoticeCount.objects.filter(
            organisation_id__in=organisations
        ).count(),
        "node_daily_counts": NodeDailyCount.objects.filter(
            organisation_id__in=organisations
        ).count(),
        "participants": len(organisations),
        "families": campaign.families.count(),
    }


def readers(campaign: Any) -> dict[str, Any]:
    """A user for each role that reads the pages: an analyst (created when missing) and the
    operator of the largest participating ISP."""
    from cleannet.server.accounts import services
    from cleannet.server.accounts.models import Organisation, User
    from cleannet.server.accounts.roles import OrganisationKind, Role

    analyst = User.objects.filter(role=Role.AUTHORITY_ANALYST, is_active=True).first()
    if analyst is None:
        authority = Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).first()
        authority = authority or services.create_organisation(
            None, "Bench authority", OrganisationKind.AUTHORITY, "bench-authority"
        )
        analyst = services.create_user(
            None, "bench-analyst", "analyst@bench.example", "bench-only-password-0123",
            Role.AUTHORITY_ANALYST, authority,
        )  # fmt: skip
    largest = campaign.baselines.filter(family="").order_by("-addresses").first()
    operator = User.objects.filter(
        role=Role.ISP_OPERATOR, organisation_id=largest.organisation_id, is_active=True
    ).first()
    return {"authority_analyst": analyst, "isp_operator": operator}


def time_pages(campaign: Any, users: dict[str, Any], requests: int) -> list[dict[str, Any]]:
    """Time every page of ``PAGES`` for ``campaign``; one entry per page."""
    from django.test import Client

    logging.getLogger("django.request").setLevel(logging.ERROR)  # a page not mounted yet
    timings = []
    for page in PAGES:
        client = Client()
        if page.role is not None:
            client.force_login(users[page.role])
        url = page.path.format(slug=campaign.slug)
        times, response = timed(lambda url=url, client=client: client.get(url), requests)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        timings.append({
            "page": page.label, "role": page.role or "visitor", "url": url,
            "status": response.status_code, "bytes": len(content),
            "content_type": response.get("Content-Type", ""), **summarise(times),
        })  # fmt: skip
        say(f"{page.label}: {timings[-1]}")
    return timings


def time_progress(campaign: Any, users: dict[str, Any], requests: int) -> list[dict[str, Any]]:
    """Time ``campaign_progress`` national and for the ISP operator's organisation."""
    from cleannet.server.campaigns.progress import campaign_progress

    own = [users["isp_operator"].organisation_id]
    timings = []
    for label, kwargs in (("national", {}), ("one ISP", {"organisations": own})):
        times, progress = timed(lambda kwargs=kwargs: campaign_progress(campaign, **kwargs),
                                requests)  # fmt: skip
        timings.append({"view": label, "days": len(progress.days), "isps": len(progress.isps),
                        "families": len(progress.families), **summarise(times)})  # fmt: skip
    return timings


def judge(pages: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Whether every page that answered 200 did so under the target (p95 and max)."""
    answered = [p for p in pages if p["status"] == 200]
    slow = [p["page"] for p in answered if (p["max_ms"] or 0) >= TARGET_SECONDS * 1000]
    missing = [p["page"] for p in pages if p["status"] != 200]
    return {
        "seconds": TARGET_SECONDS,
        "met": bool(answered) and not slow,
        "pages_timed": len(answered),
        "slow": slow,
        "not_answering": missing,
    }


def run(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    """Migrate, simulate, time; return the results."""
    os.environ.update(environment(args))
    import django
    from django.core.management import call_command

    django.setup()
    started, load = time.monotonic(), [round(x, 2) for x in os.getloadavg()]
    source = code_state(ROOT, "campaigns", ["src/cleannet/server/campaigns"])
    call_command("migrate", verbosity=0)
    say(f"simulating {args.days} days, {args.addresses:,} addresses, {args.isps} ISPs, "
        f"{args.families} families")  # fmt: skip
    campaign, simulated = simulate(args)
    say(f"simulated: {simulated}")
    users = readers(campaign)
    pages = time_pages(campaign, users, args.requests)
    progress = time_progress(campaign, users, args.requests)
    return {
        "command": shlex.join([".venv/bin/python", "bench/campaigns.py", *argv]),
        "machine": ingest_report.machine() | {"load_average_at_start": load},
        "database": "postgresql" if args.database else "sqlite",
        "source": source,
        "scale": {"days": args.days, "addresses": args.addresses, "isps": args.isps,
                  "families": args.families, "seed": args.seed, "requests": args.requests},
        "campaign": campaign.slug,
        "simulation": simulated,
        "pages": pages,
        "progress": progress,
        "target": judge(pages),
        "total_seconds": round(time.monotonic() - started, 1),
    }  # fmt: skip


def main(argv: list[str]) -> int:
    """Run the benchmark and write ``campaigns.json`` and ``campaigns.md`` under ``--results``."""
    args = parse_args(argv)
    results = run(args, argv)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "campaigns.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.results / "campaigns.md").write_text(campaigns_report.render(results))
    say(f"wrote {args.results / 'campaigns.md'} and campaigns.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
