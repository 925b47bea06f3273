"""The RPZ zone in a real resolver: BIND's ``named-checkzone`` and ``named`` on loopback.

Needs the Debian packages bind9 and bind9-utils (``scripts/system-deps`` installs them); the
module is skipped, saying so, when ``named`` or ``named-checkzone`` is missing.

Each test starts its own ``named`` on 127.0.0.1 and a free high port, in the foreground, with
its files in ``tmp_path``. It serves a local authoritative zone ``test.`` in which the fakes
*do* have A records, so a blocked answer can only come from the policy zone, and the official
name resolves without the Internet. Recursion is off, so ``recursive-only no`` is what makes
BIND apply the policy to authoritative answers (shown by the last test).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from cleannet.engines.lookalike.blocklists import BlockEntry, render_rpz

NAMED = shutil.which("named") or shutil.which("/usr/sbin/named")
CHECKZONE = shutil.which("named-checkzone") or shutil.which("/usr/sbin/named-checkzone")
if NAMED is None or CHECKZONE is None:
    pytest.skip(
        "BIND is not installed (named, named-checkzone): run scripts/system-deps",
        allow_module_level=True,
    )

ORIGIN = "rpz.cleannet.vn"
LISTED = datetime(2025, 5, 1, 8, 30, tzinfo=UTC)
ENTRIES = [
    BlockEntry("VietcomBank-XacMinh.test.", "vietcombank", "Asks for online-banking OTP", LISTED),
    BlockEntry("điệnlực-hoàntiền.test", "evn", "Fake refund page", LISTED),
    BlockEntry("exact-only-fake.test", None, "One host of a shared domain", LISTED, False),
]
# The fakes have real addresses here: without the policy they would resolve.
LOCAL_ZONE = """$TTL 60
@ IN SOA localhost. hostmaster.test. 1 3600 600 604800 60
@ IN NS localhost.
example-bank IN A 192.0.2.10
vietcombank-xacminh IN A 192.0.2.66
login.vietcombank-xacminh IN A 192.0.2.66
xn--inlc-hontin-e7a34dl934ajca00b.test. IN A 192.0.2.67
exact-only-fake IN A 192.0.2.68
www.exact-only-fake IN A 192.0.2.68
"""
NAMED_CONF = """options {{
  directory "{root}";
  pid-file none;
  session-keyfile "{root}/session.key";
  managed-keys-directory "{root}";
  listen-on port {port} {{ 127.0.0.1; }};
  listen-on-v6 {{ none; }};
  recursion no;
  dnssec-validation no;
  allow-query {{ 127.0.0.1; }};
  response-policy {{ zone "{origin}"; }} {options};
}};
controls {{ }};
zone "{origin}" {{ type primary; file "rpz.zone"; allow-query {{ none; }}; }};
zone "test" {{ type primary; file "test.zone"; }};
"""


@dataclass(frozen=True)
class Resolver:
    port: int
    log: Path

    def ask(self, name: str, rdtype: str = "A") -> dns.message.Message:
        query = dns.message.make_query(name, rdtype)
        return dns.query.udp(query, "127.0.0.1", port=self.port, timeout=2)

    def addresses(self, name: str, rdtype: str = "A") -> set[str]:
        answer = self.ask(name, rdtype)
        assert answer.rcode() == dns.rcode.NOERROR, self.explain(name, answer)
        wanted = dns.rdatatype.from_text(rdtype)
        return {rd.to_text() for rrset in answer.answer if rrset.rdtype == wanted for rd in rrset}

    def explain(self, name: str, answer: dns.message.Message) -> str:
        log_tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
        return f"{name}: {dns.rcode.to_text(answer.rcode())}\n{answer}\nnamed log:\n{log_tail}"


def _free_port() -> int:
    # named needs the port on UDP and TCP: take a free UDP port and retry when its TCP twin is
    # taken. The race with another process between here and named's start is accepted.
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no port free on both UDP and TCP")


def _wait_until_answering(resolver: Resolver, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            resolver.ask("test.", "SOA")
        except (dns.exception.Timeout, OSError):
            time.sleep(0.1)
            continue
        return
    pytest.fail(f"named did not answer within 10 s:\n{resolver.log.read_text(errors='replace')}")


@contextmanager
def running_named(root: Path, zone_text: str, policy_options: str) -> Iterator[Resolver]:
    """Run ``named`` with ``zone_text`` as the policy zone until the block ends."""
    (root / "rpz.zone").write_text(zone_text, encoding="utf-8")
    (root / "test.zone").write_text(LOCAL_ZONE, encoding="utf-8")
    port = _free_port()
    conf = NAMED_CONF.format(root=root, port=port, origin=ORIGIN, options=policy_options)
    (root / "named.conf").write_text(conf, encoding="utf-8")
    resolver = Resolver(port, root / "named.log")
    with resolver.log.open("wb") as log:
        # -g: foreground, log to stderr; -4: IPv4 only; -n 1: one worker (shared CI cores).
        command = [str(NAMED), "-g", "-4", "-n", "1", "-c", str(root / "named.conf")]
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=root)  # noqa: S603
        try:
            _wait_until_answering(resolver, process)
            yield resolver
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _zone(**options: str) -> str:
    return render_rpz(ENTRIES, origin=ORIGIN, serial=1746088200, generated_at=LISTED, **options)  # type: ignore[arg-type]


def _checkzone(path: Path) -> subprocess.CompletedProcess[str]:
    command = [str(CHECKZONE), ORIGIN, str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603


@pytest.mark.parametrize(
    "options",
    [
        {"policy": "nxdomain"},
        {"policy": "nodata"},
        {"policy": "walled-garden", "walled_garden_ipv4": "192.0.2.99"},
        {"policy": "walled-garden", "walled_garden_cname": "canhbao.cleannet.vn"},
    ],
    ids=["nxdomain", "nodata", "walled-garden-a", "walled-garden-cname"],
)
def test_the_rendered_zone_passes_named_checkzone(tmp_path: Path, options: dict[str, str]) -> None:
    path = tmp_path / "rpz.zone"
    path.write_text(_zone(**options), encoding="utf-8")
    result = _checkzone(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loaded serial 1746088200" in result.stdout


def test_named_checkzone_refuses_a_zone_with_a_cname_beside_other_data(tmp_path: Path) -> None:
    path = tmp_path / "rpz.zone"
    broken = _zone(policy="nxdomain") + "vietcombank-xacminh.test IN A 192.0.2.1\n"
    path.write_text(broken, encoding="utf-8")
    result = _checkzone(path)
    assert result.returncode != 0
    assert "CNAME and other data" in result.stdout + result.stderr


def test_it_answers_nxdomain_for_blocked_names_and_the_official_name_normally(
    tmp_path: Path,
) -> None:
    with running_named(tmp_path, _zone(policy="nxdomain"), "recursive-only no") as resolver:
        for name in (
            "vietcombank-xacminh.test",
            "login.vietcombank-xacminh.test",
            "xn--inlc-hontin-e7a34dl934ajca00b.test",
            "exact-only-fake.test",
        ):
            answer = resolver.ask(name)
            assert answer.rcode() == dns.rcode.NXDOMAIN, resolver.explain(name, answer)
        assert resolver.addresses("www.exact-only-fake.test") == {"192.0.2.68"}
        assert resolver.addresses("example-bank.test") == {"192.0.2.10"}


def test_it_answers_the_walled_garden_address_for_a_blocked_name_and_its_subdomains(
    tmp_path: Path,
) -> None:
    zone = _zone(
        policy="walled-garden",
        walled_garden_ipv4="192.0.2.99",
        walled_garden_ipv6="2001:db8::99",
    )
    with running_named(tmp_path, zone, "recursive-only no") as resolver:
        assert resolver.addresses("vietcombank-xacminh.test") == {"192.0.2.99"}
        assert resolver.addresses("login.vietcombank-xacminh.test") == {"192.0.2.99"}
        assert resolver.addresses("vietcombank-xacminh.test", "AAAA") == {"2001:db8::99"}
        assert resolver.addresses("example-bank.test") == {"192.0.2.10"}


def test_the_fake_resolves_when_the_policy_applies_to_recursive_queries_only(
    tmp_path: Path,
) -> None:
    # BIND's default (recursive-only yes) leaves authoritative answers alone: this shows that
    # the blocked answers above come from the policy zone, not from the local data.
    with running_named(tmp_path, _zone(policy="nxdomain"), "") as resolver:
        assert resolver.addresses("vietcombank-xacminh.test") == {"192.0.2.66"}
