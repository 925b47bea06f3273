"""``/scanning/``: the public page that says who scans, why, what is checked and how to opt out.

Anybody may read it; it is the page the scanner's User-Agent points to
(``default_contact_url``), so a network operator who sees our connections in their logs finds
here who we are and how to reach us. It names no scope, network or finding: only what the
scanner does and the exact string it sends.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cleannet.engines.exposure import PROBES, user_agent
from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.accounts.models import Organisation
from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.exposure.services import default_contact_url

# What each probe looks at, in words a network operator understands. A probe missing here is
# still listed (with its report type) so that the page never hides a check the scanner makes.
CHECKS: dict[str, Promise] = {
    "http": _("Web servers: the server's name and version, and pages changed by an intruder."),
    "https": _(
        "Web servers over TLS: the certificate (expired, self-signed) and old TLS versions."
    ),
    "ssh": _("SSH: the version the server announces."),
    "ftp": _("FTP: the greeting, and whether anonymous access is open."),
    "smtp": _("Mail servers: the greeting and whether they offer encryption."),
    "telnet": _("Telnet: whether a login prompt answers at all."),
    "rdp": _("Remote desktop: whether it answers from the internet."),
    "redis": _("Redis: whether it answers without a password."),
    "mqtt": _("MQTT brokers: whether they accept clients without a password."),
    "postgres": _("PostgreSQL: whether it answers from the internet, and its version."),
    "mysql": _("MySQL and MariaDB: the version the server announces."),
    "elasticsearch": _("Elasticsearch: whether its data answers without a password."),
    "mongodb": _("MongoDB: whether its databases answer without a password."),
    "memcached": _("Memcached: whether it answers, which lets it amplify attacks."),
    "dns": _("DNS: whether it resolves names for anyone (an open resolver)."),
}


@dataclass(frozen=True)
class CheckRow:
    """One service the scanner checks: the probe's name, its ports and what it looks at."""

    name: str
    ports: str
    report_type: str
    what: str


def check_rows() -> list[CheckRow]:
    """Every registered probe, in registry order, with its default ports and description."""
    rows = []
    for name, probe in PROBES.items():
        ports = ", ".join(str(port) for port in probe.default_ports)
        report_type = str(getattr(probe, "report_type", ""))
        rows.append(CheckRow(name, ports, report_type, str(CHECKS.get(name, ""))))
    return rows


def authority_name() -> str:
    """The authority's organisation name, or a generic phrase when none is registered."""
    names = Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).order_by("pk")
    name = names.values_list("name", flat=True).first()
    return name or str(_("the national cybersecurity authority"))


@require_GET
@roles_required(PUBLIC)
def scanning(request: HttpRequest) -> HttpResponse:
    """Who scans, why, which services and ports, the exact User-Agent, and how to opt out."""
    context = {
        "authority": authority_name(),
        "checks": check_rows(),
        "user_agent": user_agent(default_contact_url()),
    }
    return render(request, "exposure/public_scanning.html", context)
