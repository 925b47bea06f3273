"""The indicator vocabulary: kinds of observables and their canonical forms.

Import from here, never from the submodules. Each ``normalise_*`` function returns the
canonical text of one kind or raises ``cleannet.core.errors.InvalidIndicator`` naming the
value and the reason; ``normalise(kind, raw)`` dispatches through ``NORMALISERS``.
"""

from cleannet.core.indicators.asn import ASN_FLAGS, MAX_ASN, asn_flags, normalise_asn, parse_asn
from cleannet.core.indicators.domain import (
    domain_to_unicode,
    is_subdomain_of,
    normalise_domain,
    public_suffix,
    registrable_domain,
)
from cleannet.core.indicators.email import mailbox_key, normalise_email
from cleannet.core.indicators.hashes import (
    HashKind,
    guess_hash_kind,
    normalise_md5,
    normalise_sha1,
    normalise_sha256,
)
from cleannet.core.indicators.ip import (
    IP_FLAGS,
    ip_flags,
    ipv4_mapped,
    is_public,
    normalise_cidr,
    normalise_ip,
    normalise_ipv4,
    normalise_ipv6,
    parse_ip,
    parse_ipv4_loose,
)
from cleannet.core.indicators.kinds import (
    NORMALISERS,
    Indicator,
    IndicatorKind,
    guess_kind,
    normalise,
)
from cleannet.core.indicators.phone import normalise_phone
from cleannet.core.indicators.url import canonicalise_url, lookup_expressions, url_host

__all__ = [
    "ASN_FLAGS",
    "IP_FLAGS",
    "MAX_ASN",
    "NORMALISERS",
    "HashKind",
    "Indicator",
    "IndicatorKind",
    "asn_flags",
    "canonicalise_url",
    "domain_to_unicode",
    "guess_hash_kind",
    "guess_kind",
    "ip_flags",
    "ipv4_mapped",
    "is_public",
    "is_subdomain_of",
    "lookup_expressions",
    "mailbox_key",
    "normalise",
    "normalise_asn",
    "normalise_cidr",
    "normalise_domain",
    "normalise_email",
    "normalise_ip",
    "normalise_ipv4",
    "normalise_ipv6",
    "normalise_md5",
    "normalise_phone",
    "normalise_sha1",
    "normalise_sha256",
    "parse_asn",
    "parse_ip",
    "parse_ipv4_loose",
    "public_suffix",
    "registrable_domain",
    "url_host",
]
