"""Brand protection: score names against registered brands, generate lookalikes, read
certificate and domain streams, render blocklists, answer hash-prefix look-ups.

Pure computation (no Django, no database); the server's ``brands`` app stores brands,
alerts and confirmed fakes and serves the pages and the API.
"""

from cleannet.engines.lookalike.blocklists import (
    BlockEntry,
    render_csv,
    render_hosts,
    render_rpz,
    render_stix,
    serial_from_time,
)
from cleannet.engines.lookalike.brands_csv import BUNDLED_BRANDS, BrandRowError, load_brands
from cleannet.engines.lookalike.certstream import certstream_websocket, names_from_certstream_lines
from cleannet.engines.lookalike.generator import (
    FUZZERS,
    Generation,
    Permutation,
    generate,
    permutations,
)
from cleannet.engines.lookalike.hashprefix import HashPrefixIndex, expression_hashes, url_expression
from cleannet.engines.lookalike.model import DEFAULT_THRESHOLD, Brand, Reason, Verdict
from cleannet.engines.lookalike.scorer import LineError, Scorer
from cleannet.engines.lookalike.streams import (
    RecentNames,
    StreamCounters,
    StreamError,
    StreamName,
    names_from_list,
    names_from_urls,
    open_stream,
)

__all__ = [
    "BUNDLED_BRANDS",
    "DEFAULT_THRESHOLD",
    "FUZZERS",
    "BlockEntry",
    "Brand",
    "BrandRowError",
    "Generation",
    "HashPrefixIndex",
    "LineError",
    "Permutation",
    "Reason",
    "RecentNames",
    "Scorer",
    "StreamCounters",
    "StreamError",
    "StreamName",
    "Verdict",
    "certstream_websocket",
    "expression_hashes",
    "generate",
    "load_brands",
    "names_from_certstream_lines",
    "names_from_list",
    "names_from_urls",
    "open_stream",
    "permutations",
    "render_csv",
    "render_hosts",
    "render_rpz",
    "render_stix",
    "serial_from_time",
    "url_expression",
]
