"""Elasticsearch (and OpenSearch): ``GET /`` and the JSON the node answers with.

Without security the root answers ``version.number`` and ``cluster_name`` to anyone, and every
index can be read, written and deleted the same way: ``open-elasticsearch`` (high). A 401 with
``WWW-Authenticate`` means security is on: ``elasticsearch`` (info). A response that is not
HTTP is an ``unexpected-response``; a plain HTTP server that is not Elasticsearch is nothing
(the HTTP probe reports it).
"""

from __future__ import annotations

import json

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    probe_context,
    read_exactly,
    read_until,
)
from cleannet.engines.exposure.probes.http import parse_http_response

__all__ = ["BODY_CAP", "ElasticsearchProbe", "parse_root_document"]

BODY_CAP = 64 * 1024


def parse_root_document(body: bytes) -> dict[str, str] | None:
    """``{product, version, cluster_name, …}`` from the root JSON, ``None`` if it is not one."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("version"), dict):
        return None
    version = document["version"]
    if "number" not in version or not ("cluster_name" in document or "tagline" in document):
        return None
    distribution = str(version.get("distribution", ""))
    return {
        "product": "OpenSearch" if distribution == "opensearch" else "Elasticsearch",
        "version": str(version["number"])[:64],
        "cluster_name": str(document.get("cluster_name", ""))[:128],
        "name": str(document.get("name", ""))[:128],
        "lucene_version": str(version.get("lucene_version", ""))[:32],
    }


def _request(target: Target) -> bytes:
    host = target.hostname or (f"[{target.ip}]" if ":" in target.ip else target.ip)
    return (
        f"GET / HTTP/1.1\r\nHost: {host}:{target.port}\r\nUser-Agent: "
        f"{probe_context().user_agent}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    ).encode("ascii", errors="replace")


async def _fetch(target: Target, timeout: float) -> bytes:
    async with open_connection(target, timeout) as conn:
        conn.writer.write(_request(target))
        await conn.writer.drain()
        data = await read_until(conn.reader, b"\r\n\r\n", timeout, cap=BODY_CAP)
        head, _, body = data.partition(b"\r\n\r\n")
        response = parse_http_response(head + b"\r\n\r\n")
        length = response.headers.get("content-length", "") if response else ""
        wanted = min(int(length), BODY_CAP) if length.isdigit() else 0
        if len(body) < wanted:
            data += await read_exactly(conn.reader, wanted - len(body), timeout)
    return data


class ElasticsearchProbe:
    """Reports ``open-elasticsearch``, ``elasticsearch`` or ``unexpected-response``."""

    name = "elasticsearch"
    report_type = "scan_elasticsearch"
    default_ports: tuple[int, ...] = (9200,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the node answered like Elasticsearch, else none."""
        try:
            data = await _fetch(target, timeout)
        except (OSError, TimeoutError):
            return []
        response = parse_http_response(data)
        if response is None:
            return (
                [finding(self, target, tag="unexpected-response", banner=banner_text(data))]
                if data
                else []
            )
        root = parse_root_document(data.partition(b"\r\n\r\n")[2])
        if response.status == 200 and root is not None:
            product, version = root.pop("product"), root.pop("version")
            return [
                finding(
                    self,
                    target,
                    tag="open-elasticsearch",
                    severity="high",
                    product=product,
                    version=version,
                    details={**root, "authentication": False},
                )
            ]
        challenge = response.headers.get("www-authenticate", "")
        elastic = "x-elastic-product" in response.headers or 'realm="security"' in challenge
        if response.status == 401 and elastic:
            return [
                finding(
                    self,
                    target,
                    tag="elasticsearch",
                    product="Elasticsearch",
                    details={"authentication": True, "challenge": challenge[:128]},
                )
            ]
        return []
