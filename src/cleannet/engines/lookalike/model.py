"""The shared vocabulary of brand protection: brands, reasons, verdicts.

Every part of ``engines.lookalike`` (scorer, generator, streams, blocklists, hash prefixes)
and the server's ``brands`` app speak these types; they are plain frozen dataclasses so that
they cross process boundaries and serialise to JSON without help.

- ``Brand``: what an organisation registered: a key, a display name, its official
  registrable domains (subsidiaries included; checked before any scoring) and its keywords
  (the tokens a fake uses: ``vietcombank``, ``vcb``).
- ``Reason``: one readable finding of the scorer with its stable ``code`` (pages translate by
  code), the ``detail`` it is about (the matched token, the suffix …) and its ``points``.
- ``Verdict``: the scorer's answer for one input: 0–100, the brand (or ``None``), reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_THRESHOLD", "Brand", "Reason", "Verdict"]

DEFAULT_THRESHOLD = 60
"""Scores at or above this are alerts (``cleannet brands score`` and the server's default)."""


@dataclass(frozen=True, slots=True)
class Brand:
    """A registered brand. Domains are normalised ASCII registrable domains (``vcbs.com.vn``);
    keywords are lower-case ASCII tokens already folded (no marks, ``đ`` → ``d``)."""

    key: str
    name: str
    official_domains: tuple[str, ...]
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing the scorer found. ``text`` is an English sentence a person can read;
    ``code`` is stable (``brand-in-subdomain``, ``edit-distance``, ``lure-word`` …)."""

    code: str
    text: str
    points: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The scorer's answer for one hostname or URL.

    ``host`` and ``registrable`` are the normalised ASCII names it scored (``None`` when the
    input has no host, e.g. an IP literal has no registrable domain); ``official`` is true when
    the registrable domain belongs to a brand's allowlist (then ``score`` is 0 and ``brand``
    names the owner).
    """

    input: str
    host: str | None
    registrable: str | None
    brand: str | None
    score: int
    reasons: tuple[Reason, ...] = field(default=())
    official: bool = False

    def is_alert(self, threshold: int = DEFAULT_THRESHOLD) -> bool:
        """Return whether this verdict reaches ``threshold`` (and is not an official name)."""
        return not self.official and self.brand is not None and self.score >= threshold
