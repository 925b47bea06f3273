"""Proof that an organisation controls a domain: a DNS TXT record or a file on its site.

- ``dns-txt``: a TXT record ``cleannet-verification=<token>`` at the domain itself or at
  ``_cleannet.<domain>`` (for domains whose apex TXT set is crowded or managed elsewhere).
- ``http-file``: ``https://<domain>/.well-known/cleannet-verification.txt`` whose content,
  stripped, is the token. Fetched with the feeds' safe fetcher, so a domain that resolves
  to a private address cannot make the hub call inside its own network.

``prove_control`` raises ``ControlCheckFailed`` with a sentence for the owner; its
``definite`` flag tells a real "no" (the record or file says otherwise, the name does not
exist) from a failure to ask (timeout, server failure), which must not revoke a proof.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import dns.exception
import dns.resolver
from django.conf import settings

from cleannet.engines.feeds.fetch import FetchError, fetch
from cleannet.server.brands.models import TXT_RECORD_PREFIX, WELL_KNOWN_PATH, ControlMethod

Fetch = Callable[[str], str]
"""Return the body of the page at a URL as text; raise ``FetchError`` (or ``OSError``)."""

MAX_FILE_BYTES = 4096


class ControlCheckFailed(Exception):
    """The check did not prove control; ``reason`` is shown to the owner."""

    def __init__(self, reason: str, *, definite: bool) -> None:
        self.reason = reason
        self.definite = definite
        super().__init__(reason)


def _timeout() -> float:
    return settings.CLEANNET_BRANDS.control_timeout


def make_resolver(
    nameservers: Sequence[str] = (), timeout: float | None = None
) -> dns.resolver.Resolver:
    """A resolver asking ``nameservers`` (``"ip"`` or ``"ip:port"``, one port for all), or the
    system's resolvers when none are given; each query gives up after ``timeout`` seconds."""
    resolver = dns.resolver.Resolver(configure=not nameservers)
    if nameservers:
        hosts, ports = zip(*(_split_server(server) for server in nameservers), strict=True)
        # The port first: the nameservers setter binds each server to the current port.
        resolver.port = ports[0]
        resolver.nameservers = list(hosts)
    resolver.timeout = resolver.lifetime = timeout if timeout is not None else _timeout()
    return resolver


def _split_server(server: str) -> tuple[str, int]:
    host, colon, port = server.strip().rpartition(":")
    # A bare IPv6 address has colons but no port.
    if not colon or (":" in host and not host.startswith("[")):
        return server.strip(), 53
    return host.strip("[]"), int(port)


def default_resolver() -> dns.resolver.Resolver:
    """The resolver the settings name (``CLEANNET_BRANDS_DNS_NAMESERVERS``), else the system's."""
    return make_resolver(settings.CLEANNET_BRANDS.dns_nameservers)


def default_fetch(url: str) -> str:
    """Fetch ``url`` with the safe fetcher (public addresses only unless the settings allow)."""
    with tempfile.TemporaryDirectory(prefix="cleannet-control-") as directory:
        result = fetch(
            url,
            Path(directory),
            timeout=_timeout(),
            max_bytes=MAX_FILE_BYTES,
            allow_private=settings.CLEANNET_FETCH_ALLOW_PRIVATE,
            allowed_networks=settings.CLEANNET_FETCH_ALLOW_NETWORKS,
        )
        assert result.path is not None  # no validators were sent, so never "not modified"
        return result.path.read_text("utf-8", errors="replace")


def _txt_values(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """Return the TXT strings at ``name`` (each record's parts joined); [] when there are none."""
    try:
        answer = resolver.resolve(name, "TXT", raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        raise ControlCheckFailed(f"{name} does not exist (NXDOMAIN).", definite=True) from None
    except dns.exception.Timeout:
        raise ControlCheckFailed(
            f"No answer from the DNS about {name} in time; try again later.", definite=False
        ) from None
    except dns.exception.DNSException as error:
        raise ControlCheckFailed(
            f"The DNS query for {name} failed: {error}", definite=False
        ) from None
    return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]


def prove_by_dns(domain: str, token: str, resolver: dns.resolver.Resolver) -> None:
    """Return when a TXT record at ``domain`` or ``_cleannet.<domain>`` carries ``token``.

    Raises ``ControlCheckFailed``: definite when both names answered without it (or do not
    exist), not definite when the DNS did not answer.
    """
    expected = TXT_RECORD_PREFIX + token
    problems: list[str] = []
    for name in (f"_cleannet.{domain}", domain):
        try:
            values = _txt_values(resolver, name)
        except ControlCheckFailed as failure:
            if not failure.definite:
                raise
            problems.append(failure.reason)
            continue
        if any(value.strip() == expected for value in values):
            return
        problems.append(f"{name} has no TXT record {expected!r}.")
    raise ControlCheckFailed(" ".join(problems), definite=True)


def prove_by_file(domain: str, token: str, fetch_text: Fetch) -> None:
    """Return when ``https://<domain>/.well-known/cleannet-verification.txt`` holds ``token``.

    Raises ``ControlCheckFailed``: definite when the file was read and holds something
    else, not definite when it could not be read.
    """
    url = f"https://{domain}{WELL_KNOWN_PATH}"
    try:
        body = fetch_text(url)
    except FetchError as error:
        raise ControlCheckFailed(f"Could not read {url}: {error.reason}", definite=False) from None
    except OSError as error:
        raise ControlCheckFailed(f"Could not read {url}: {error}", definite=False) from None
    if body.strip() != token:
        raise ControlCheckFailed(f"{url} does not contain the token.", definite=True)


def prove_control(
    domain: str,
    method: str,
    token: str,
    *,
    resolver: dns.resolver.Resolver | None = None,
    fetch_text: Fetch | None = None,
) -> None:
    """Run the check of ``method`` for ``domain``; return on proof, raise ``ControlCheckFailed``."""
    if method == ControlMethod.HTTP_FILE:
        prove_by_file(domain, token, fetch_text or default_fetch)
    else:
        prove_by_dns(domain, token, resolver or default_resolver())
