"""One stage of the notices benchmark, in a fresh process with Django set up.

``python bench/notices_stage.py enqueue RESULT.json COUNT``: render COUNT subscriber warnings
(``templating.render_notice``, e-mail, first notice, Vietnamese and English in turn) and
queue them with ``outbox.enqueue``, 1,000 per transaction.
``… drain RESULT.json WORKERS BATCH``: ``worker.run_workers`` until the outbox is empty.
``… baseline RESULT.json [LIMIT]``: a plain smtplib loop sending the same messages (the first
LIMIT) over one session, each built with the e-mail channel's ``email_bytes``.
``… reset RESULT.json LIMIT``: put the first LIMIT messages back to pending (a second sink).
``… sink RESULT.json PORT``: an aiosmtpd sink on 127.0.0.1:PORT in this process until SIGTERM,
then the arrivals (monotonic time, Message-ID) into RESULT.json (no Django).
The database and the SMTP sink come from the environment (DATABASE_URL, CLEANNET_SMTP_*).
With ``CLEANNET_BENCH_PROFILE=DIR`` each drain worker writes a cProfile to DIR/worker-PID.prof.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import smtplib
import sys
import time
from pathlib import Path
from typing import Any

BATCH = 1_000


def _setup() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannet.server.settings")
    import django

    django.setup()


def _context(n: int, language: str) -> dict[str, Any]:
    from cleannet.server.notices.template_context import sample_context

    context = sample_context("subscriber_warning", language)
    context.update(
        ticket=f"W-2026-{n:06d}",
        ip=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
        last_found=context["last_found"] + dt.timedelta(minutes=n % 1440),
    )
    return context


def enqueue(count: int) -> dict[str, Any]:
    """Render and queue ``count`` warnings; return the seconds each part took."""
    from django.db import transaction

    from cleannet.server.notices.models import OutboxMessage, SuppressedRecipient
    from cleannet.server.notices.outbox import enqueue as queue
    from cleannet.server.notices.templating import render_notice

    OutboxMessage.objects.all().delete()  # the benchmark's own database: start empty
    SuppressedRecipient.objects.all().delete()
    render_seconds = queue_seconds = 0.0
    for start in range(0, count, BATCH):
        t0 = time.perf_counter()
        rendered = []
        for n in range(start, min(start + BATCH, count)):
            language = "vi" if n % 4 else "en"
            text = render_notice("subscriber_warning", "email", "first", language, "Mirai",
                                 _context(n, language))  # fmt: skip
            rendered.append((n, language, text))
        t1 = time.perf_counter()
        with transaction.atomic():
            for n, language, text in rendered:
                queue(kind="subscriber_warning", channel="email", stage="first",
                      recipient=f"subscriber{n}@isp.example", ticket_ref=f"W-2026-{n:06d}",
                      language=language, subject=text.subject, body=text.body)  # fmt: skip
        render_seconds += t1 - t0
        queue_seconds += time.perf_counter() - t1
    return {
        "messages": count,
        "render_seconds": round(render_seconds, 2),
        "enqueue_seconds": round(queue_seconds, 2),
        "render_per_s": round(count / render_seconds) if render_seconds else None,
        "enqueue_per_s": round(count / queue_seconds) if queue_seconds else None,
    }


def drain(workers: int, batch: int) -> dict[str, Any]:
    """Deliver everything with ``workers`` processes; return the summary."""
    from cleannet.server.notices.worker import run_workers

    if os.environ.get("CLEANNET_BENCH_PROFILE"):
        _profile_children()
    summary = run_workers(workers, batch_size=batch, until_empty=True)
    return {
        "workers": workers,
        "batch_size": batch,
        "sent": summary.sent,
        "failed": summary.failed,
        "retried": summary.retried,
        "lost": summary.lost,
        "seconds": round(summary.seconds, 2),
        "msgs_per_s": round(summary.per_second),
    }


def _profile_children() -> None:
    """Make the spawned workers run ``_profiled``: ``run_in_processes`` submits the module's
    ``drain_in_child`` by name, and spawn re-imports this script in each child to find it."""
    from cleannet.server.notices import worker_processes

    worker_processes.drain_in_child = _profiled  # type: ignore[assignment]


def _profiled(*args: Any) -> Any:
    import cProfile

    from cleannet.server.notices.worker_processes import drain_in_child

    profile = cProfile.Profile()
    result = profile.runcall(drain_in_child, *args)
    out = Path(os.environ["CLEANNET_BENCH_PROFILE"]) / f"worker-{os.getpid()}.prof"
    profile.dump_stats(str(out))
    return result


def baseline(limit: int | None = None) -> dict[str, Any]:
    """Send the queued messages (the first ``limit``) again with smtplib over one session."""
    from django.conf import settings

    from cleannet.server.notices.channels.email import email_bytes
    from cleannet.server.notices.models import OutboxMessage
    from cleannet.server.notices.worker import to_outgoing

    rows = list(OutboxMessage.objects.order_by("id")[:limit])
    sender = settings.CLEANNET_NOTICES.from_address
    started = time.perf_counter()
    with smtplib.SMTP(settings.EMAIL_HOST, int(settings.EMAIL_PORT)) as smtp:
        for row in rows:
            smtp.sendmail(sender, [row.recipient], email_bytes(to_outgoing(row), sender))
    seconds = time.perf_counter() - started
    return {
        "sent": len(rows),
        "seconds": round(seconds, 2),
        "msgs_per_s": round(len(rows) / seconds),
    }


def reset(limit: int) -> dict[str, Any]:
    """Put the first ``limit`` messages back to pending, as if never sent."""
    from django.utils import timezone

    from cleannet.server.notices.models import OutboxMessage

    ids = list(OutboxMessage.objects.order_by("id").values_list("id", flat=True)[:limit])
    OutboxMessage.objects.exclude(id__in=ids).delete()
    changed = OutboxMessage.objects.update(
        status=OutboxMessage.Status.PENDING, attempts=0, claim_token="", claimed_until=None,
        sent_at=None, provider_id="", next_attempt_at=timezone.now(),
    )  # fmt: skip
    return {"messages": changed}


_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def sink(result: Path, port: int) -> None:
    """aiosmtpd on 127.0.0.1:``port`` until SIGTERM; then write the arrivals to ``result``."""
    from aiosmtpd.controller import Controller

    arrivals: list[tuple[float, str]] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            found = _MESSAGE_ID.search(bytes(envelope.content))
            arrivals.append((time.monotonic(), found.group(1).decode() if found else ""))
            return "250 OK queued"

    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait([signal.SIGTERM])
    controller.stop()
    result.write_text(json.dumps(arrivals))


def main(argv: list[str]) -> int:
    stage, result = argv[0], Path(argv[1])
    if stage == "sink":
        sink(result, int(argv[2]))
        return 0
    _setup()
    if stage == "enqueue":
        figures = enqueue(int(argv[2]))
    elif stage == "drain":
        figures = drain(int(argv[2]), int(argv[3]))
    elif stage == "baseline":
        figures = baseline(int(argv[2]) if len(argv) > 2 else None)
    elif stage == "reset":
        figures = reset(int(argv[2]))
    else:
        raise SystemExit(f"unknown stage {stage!r}")
    result.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
