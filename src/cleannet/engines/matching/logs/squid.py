"""Squid's native ``access.log`` (``logformat squid``)::

    1732960801.123     45 192.0.2.5 TCP_MISS/200 1234 GET http://evil.example/x.exe -
        HIER_DIRECT/198.51.100.7 application/octet-stream

Fields are separated by runs of spaces (Squid pads the elapsed time); the time is epoch
seconds, UTC. The URL is canonicalised by core and its host becomes ``qname`` (a domain) or
``dst_ip`` (an address); a ``CONNECT host:port`` line has no URL, only the host and the
port. A request Squid sent straight to the origin (``HIER_DIRECT``, ``ORIGINAL_DST``)
names the server's address, which becomes ``dst_ip`` when the URL gave none; a parent
proxy's address never does. Lines for which no request was made (``NONE``
``error:invalid-request``) are skipped; fewer than seven fields, a bad time, client
address or URL make a line bad. Denied requests are kept: the device still asked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from cleannet.engines.matching.logs.base import LineError, LogInput, Row
from cleannet.engines.matching.logs.lines import read_lines
from cleannet.engines.matching.logs.times import epoch_micros
from cleannet.engines.matching.logs.values import Values, port
from cleannet.engines.matching.schema import RecordKind

_HTTP = RecordKind.HTTP.value
_DIRECT = frozenset({"DIRECT", "CLOSEST_DIRECT", "ORIGINAL_DST"})


def _looks_like_ip(host: str) -> bool:
    return ":" in host or host.replace(".", "").isdigit()


def _split_authority(authority: str) -> tuple[str, str]:
    """``host:port`` or ``[v6]:port`` → (host, port text); raise ``LineError`` if no port."""
    host, colon, port_text = authority.rpartition(":")
    if not colon or not host or host.endswith(":"):
        raise LineError(f"CONNECT target {authority[:60]!r} has no host:port")
    return host.removeprefix("[").removesuffix("]"), port_text


class SquidParser:
    def __init__(self, log: LogInput) -> None:
        self.values = Values.shared()

    def parse(self, line: str) -> Row | None:
        fields = line.split()
        if len(fields) < 7:
            raise LineError(f"has {len(fields)} fields, Squid's native format has 10")
        method, target = fields[5], fields[6]
        if method == "NONE" or target == "-" or target.startswith("error:"):
            return None
        ts = epoch_micros(fields[0])
        client_ip = self.values.ip(fields[2], "client")
        url: str | None = None
        dst_port: int | None = None
        if method == "CONNECT":
            host, port_text = _split_authority(target)
            dst_port = port(port_text)
        else:
            url = self.values.url(target)
            host = url.split("/", 3)[2].removeprefix("[").removesuffix("]")
        qname, dst_ip = self._host(host)
        if dst_ip is None and len(fields) > 8:
            dst_ip = self._direct_server(fields[8])
        if url is None and qname is None and dst_ip is None:
            return None  # a CONNECT to a name core refuses: nothing left to match
        return (ts, _HTTP, client_ip, None, qname, dst_ip, dst_port, url)

    def _host(self, host: str) -> tuple[str | None, str | None]:
        if _looks_like_ip(host):
            return None, self.values.ip(host, "host")
        return self.values.domain(host), None

    def _direct_server(self, hierarchy: str) -> str | None:
        code, _, peer = hierarchy.partition("/")
        code = code.removeprefix("TIMEOUT_").removeprefix("HIER_")
        if code not in _DIRECT or not _looks_like_ip(peer):
            return None
        try:
            return self.values.ip(peer, "server")
        except LineError:
            return None  # the request itself is still good evidence


def read(log: LogInput) -> Iterator[pa.RecordBatch]:
    """Yield the web request records of Squid native access log ``log.path``."""
    return read_lines(log, SquidParser(log))
