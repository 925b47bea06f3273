"""The template language notices are written in: Django's, with its power cut down.

Notice templates come from the back office (``NoticeTemplate`` rows) and from the shipped
files. They may use variables, filters and the plain control tags (``if``, ``for``, ``with``
…) but never ``{% load %}``, ``{% include %}``, ``{% extends %}`` or ``{% debug %}``: a
template author must not read other files or dump the context. The engines have no tag
libraries and a loader that finds nothing, so a row written past the checks cannot read a
file either. E-mail and SMS are plain text (no escaping); the page channel escapes values.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.template import Context, Engine, Library, Template, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.template.defaultfilters import date as django_date
from django.utils import translation
from django.utils.translation import gettext as _

ALLOWED_TAGS = frozenset(
    {
        "autoescape", "endautoescape", "comment", "endcomment", "cycle", "filter", "endfilter",
        "firstof", "for", "empty", "endfor", "if", "elif", "else", "endif", "ifchanged",
        "endifchanged", "now", "regroup", "spaceless", "endspaceless", "templatetag",
        "widthratio", "with", "endwith", "verbatim", "endverbatim",
    }
)  # fmt: skip
"""Block tags a notice template may use; anything else is refused before compiling."""

UNKNOWN_MARK = "\u27e6unknown:%s\u27e7"
"""What a misspelt variable renders as while a template is checked (never when sending)."""

_NOWHERE: list[tuple[str, dict[str, str]]] = [("django.template.loaders.locmem.Loader", {})]

register = Library()
"""Filters the notice engines have on top of Django's built-ins (they replace them)."""


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's ``date`` filter, remembered: a warning shows the same few times in every
    channel, and formatting one (month names in the notice's language) is the dearest
    step of a render."""
    if isinstance(value, dt.date | dt.time):
        tzinfo = getattr(value, "tzinfo", None)
        return _formatted_date(value, tzinfo, arg, translation.get_language())
    return str(django_date(value, arg))


@lru_cache(maxsize=4096)
def _formatted_date(value: Any, tzinfo: object, arg: str | None, language: str | None) -> str:
    # ``tzinfo`` and ``language`` are in the key: equal instants in two zones compare equal.
    return str(django_date(value, arg))


def _forget_dates(**_kwargs: Any) -> None:
    _formatted_date.cache_clear()  # formats and time zones are settings


setting_changed.connect(_forget_dates, dispatch_uid="notices-dates")


def _engine(strict: bool) -> Engine:
    return Engine(
        loaders=_NOWHERE,
        libraries={},
        builtins=[__name__],
        string_if_invalid=UNKNOWN_MARK if strict else "",
    )


_ENGINES = {False: _engine(strict=False), True: _engine(strict=True)}


def escapes(channel: str) -> bool:
    """True for channels whose text goes into HTML (the walled-garden page)."""
    return channel == "page"


def forbidden_tag(source: str) -> str | None:
    """Return the first block tag of ``source`` outside ``ALLOWED_TAGS``, or None."""
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = (token.split_contents() or [""])[0]
            if name not in ALLOWED_TAGS:
                return name
    return None


@lru_cache(maxsize=512)
def compile_text(source: str, strict: bool = False) -> Template:
    """Compile a notice template; ``strict`` marks unknown variables with ``UNKNOWN_MARK``.

    Raises ``TemplateSyntaxError`` for a tag outside ``ALLOWED_TAGS``, an unknown filter
    or any other syntax error. Compiled templates are cached by their text.
    """
    tag = forbidden_tag(source)
    if tag is not None:
        raise TemplateSyntaxError(
            _("The tag {%% %(tag)s %%} is not allowed in notice templates.") % {"tag": tag}
        )
    return _ENGINES[strict].from_string(source)


def render_text(template: Template, context: dict[str, object], channel: str) -> str:
    """Render ``template`` with ``context``, escaping values only for the page channel."""
    return template.render(Context(context, autoescape=escapes(channel)))


def tidy_body(text: str) -> str:
    """Drop spaces at line ends and blank-line runs the control tags leave; strip the ends."""
    # String methods, not regular expressions: this runs on every notice sent, and ``re``
    # tries a match at every position of a few kilobytes.
    text = text.replace("\r\n", "\n")
    if " \n" in text or "\t\n" in text:
        text = "\n".join([line.rstrip(" \t") for line in text.split("\n")])
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def tidy_subject(text: str) -> str:
    """Return the subject on one line, spaces collapsed."""
    return " ".join(text.split())


# GSM 03.38: the default alphabet and the extension table (an extension character costs two).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def sms_parts(text: str) -> int:
    """Return how many SMS parts ``text`` takes: GSM-7 when every character allows it
    (160 septets alone, 153 a part when concatenated), else UCS-2 (70 / 67 UTF-16 units)."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENSION for ch in text):
        units = sum(2 if ch in _GSM_EXTENSION else 1 for ch in text)
        single, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)
