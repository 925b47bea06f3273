"""Domain name indicators: UTS #46 / IDNA normalisation and the Public Suffix List.

The canonical text of a domain is its A-label form (``xn--…`` for non-ASCII labels), lower case,
without the trailing dot. Label rules, decided where the standards leave room:

* A label with non-ASCII letters, or one starting ``xn--``, must be valid IDNA 2008 (UTS #46).
* An ASCII label is checked as a host name label (letters, digits, inner hyphens), not by IDNA
  2008, whose extra hyphen rule would refuse real hosts such as ``r3---sn-abc.googlevideo.com``.
* Underscores are allowed in the labels below the registrable domain (``_dmarc.example.com``,
  ``_sip._tcp.example.com``, wildcard-DNS hosts like ``my_shop.example.com``), never in the
  registrable domain or the public suffix, which registries never issue with one.

The Public Suffix List is the copy shipped in the ``publicsuffixlist`` package (never fetched),
with its private section: ``vercel.app`` counts as a suffix, so ``state-bank.vercel.app`` is a
registrable domain of its own — the unit a hosting platform hands to one customer, which is
the unit to block or report.
"""

from __future__ import annotations

import functools
import re
from ipaddress import AddressValueError, IPv6Address

import idna
from publicsuffixlist import PublicSuffixList

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators.ip import parse_ipv4_loose

__all__ = [
    "domain_to_unicode",
    "is_subdomain_of",
    "normalise_domain",
    "public_suffix",
    "registrable_domain",
]

_MAX_LABEL = 63
_MAX_NAME = 253
_ASCII_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")


@functools.cache
def _suffix_list() -> PublicSuffixList:
    # Built on first use: parsing the shipped list takes tens of milliseconds.
    return PublicSuffixList()


def _label_to_ascii(label: str, raw: str) -> str:
    if not label:
        raise InvalidIndicator(
            "domain", raw, "has an empty label (a leading dot or two dots in a row)"
        )
    try:
        if label.startswith("xn--"):
            idna.ulabel(label)
        elif not label.isascii():
            label = idna.alabel(label).decode("ascii")
    except idna.IDNAError as error:
        raise InvalidIndicator(
            "domain", raw, f"label {label!r} is not valid IDNA: {error}"
        ) from None
    if not label.startswith("xn--") and not _ASCII_LABEL.fullmatch(label):
        raise InvalidIndicator(
            "domain", raw, f"label {label!r} may hold only letters, digits, inner hyphens and _"
        )
    if len(label) > _MAX_LABEL:
        raise InvalidIndicator(
            "domain", raw, f"label {label[:20]!r}… has {len(label)} characters, over {_MAX_LABEL}"
        )
    return label


def _remap(text: str, raw: str) -> str:
    try:
        return idna.uts46_remap(text, std3_rules=False)
    except idna.IDNAError as error:
        raise InvalidIndicator("domain", raw, str(error)) from None


def _is_ipv6_literal(text: str) -> bool:
    try:
        IPv6Address(text.removeprefix("[").removesuffix("]").split("%")[0])
    except AddressValueError:
        return False
    return True


def _refuse_numeric_name(name: str, raw: str) -> None:
    # No top-level domain is numeric, and resolvers read '1.2.3.4', '3279880203' or
    # '0x12.0x43.0x44.0x01' as addresses, so such a name can only be an IP in disguise.
    if name.rsplit(".", 1)[-1].isdigit() or parse_ipv4_loose(name) is not None:
        raise InvalidIndicator("domain", raw, "reads as an IP address, not a domain name")


def _refuse_underscore_at_top(name: str, raw: str) -> None:
    if "_" not in name:
        return
    registrable = _suffix_list().privatesuffix(name)
    top = registrable if isinstance(registrable, str) else name
    if "_" in top:
        raise InvalidIndicator(
            "domain", raw, f"an underscore is allowed only below the registrable domain {top!r}"
        )


def _to_ascii(raw: str, allow_single_label: bool) -> str:
    text = raw.strip()
    if not text:
        raise InvalidIndicator("domain", raw, "is empty")
    if ":" in text and _is_ipv6_literal(text):
        raise InvalidIndicator("domain", raw, "is an IPv6 address, not a domain name")
    text = _remap(text, raw)
    text = text.removesuffix(".")
    name = ".".join(_label_to_ascii(label, raw) for label in text.split("."))
    if len(name) > _MAX_NAME:
        raise InvalidIndicator("domain", raw, f"has {len(name)} characters, over {_MAX_NAME}")
    _refuse_numeric_name(name, raw)
    if "." not in name and not allow_single_label:
        raise InvalidIndicator("domain", raw, "is a single label, not a fully qualified name")
    _refuse_underscore_at_top(name, raw)
    return name


def normalise_domain(raw: str, *, allow_single_label: bool = False) -> str:
    """Return ``raw`` as a lower-case A-label domain name without the trailing dot.

    Surrounding whitespace and one trailing dot are removed; UTS #46 mapping applies (full-width
    letters and dots, upper case, soft hyphens). Raises ``InvalidIndicator`` for an empty name or
    label, a label over 63 or a name over 253 characters, a label IDNA refuses, an IP address, an
    underscore in the registrable domain, or a single label unless ``allow_single_label``.
    """
    return _to_ascii(raw, allow_single_label)


def domain_to_unicode(raw: str, *, allow_single_label: bool = False) -> str:
    """Return the U-label (display) form of ``raw``, e.g. ``đienluc.vn`` for ``xn--ienluc-92a.vn``.

    Raises ``InvalidIndicator`` as ``normalise_domain`` does.
    """
    name = _to_ascii(raw, allow_single_label)
    return ".".join(
        idna.ulabel(label) if label.startswith("xn--") else label for label in name.split(".")
    )


def public_suffix(name: str, *, normalised: bool = False) -> str:
    """Return the public suffix of ``name`` (``id.vn`` for ``vietcombank.id.vn``).

    Private-section suffixes count (``vercel.app``); an unknown top-level label is its own
    suffix. Raises ``InvalidIndicator`` if ``name`` is not a valid domain (one label is allowed).
    ``normalised`` says ``name`` is already what ``normalise_domain`` returns: it is not
    normalised again (a third of the time of reading a million domain indicators).
    """
    ascii_name = name if normalised else _to_ascii(name, allow_single_label=True)
    suffix = _suffix_list().publicsuffix(ascii_name)
    return suffix if isinstance(suffix, str) else ascii_name.rsplit(".", 1)[-1]


def registrable_domain(name: str) -> str | None:
    """Return the registrable domain (eTLD+1) of ``name``, or None if ``name`` is a public suffix.

    ``a.b.vercel.app`` -> ``b.vercel.app``; ``vietcombank.vn.com`` -> ``vn.com`` (``vn.com`` is
    not a public suffix). Raises ``InvalidIndicator`` if ``name`` is not a valid domain.
    """
    ascii_name = _to_ascii(name, allow_single_label=True)
    registrable = _suffix_list().privatesuffix(ascii_name)
    return registrable if isinstance(registrable, str) else None


def is_subdomain_of(name: str, parent: str) -> bool:
    """Return True if ``name`` is ``parent`` or lies below it (RFC 1034 counts a domain as its
    own subdomain). Both are normalised first; ``examplebank.vn`` is not below ``bank.vn``.

    Raises ``InvalidIndicator`` if either is not a valid domain (single labels are allowed).
    """
    child = _to_ascii(name, allow_single_label=True)
    ancestor = _to_ascii(parent, allow_single_label=True)
    return child == ancestor or child.endswith("." + ancestor)
