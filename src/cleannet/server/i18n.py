"""Language choice: Vietnamese unless the visitor picked another language.

Django's LocaleMiddleware follows the browser's Accept-Language header; a national
portal should open in Vietnamese for everyone and switch only on request (the language
cookie set by the switch on every page), so the header is ignored here. The switch is a pair
of links to ``switch_language`` (a GET view, no form), Django's ``set_language`` (POST) stays.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import PUBLIC, roles_required


class CookieLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        translation.deactivate()
        return response


@require_GET
@roles_required(PUBLIC)
def switch_language(request: HttpRequest) -> HttpResponse:
    """Remember ``language`` in the cookie ``CookieLocaleMiddleware`` reads and go to ``next``.

    A plain link (``/i18n/switch/?language=en&next=/path``), so pages carry no form and no
    per-visitor CSRF token and can be cached for anonymous visitors; choosing a language
    changes nothing but the visitor's own cookie. An unknown language leaves the cookie as it
    was; a ``next`` that is not a path on this site (an open redirect) is replaced by ``/``.
    """
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    add_never_cache_headers(response)  # the redirect sets a cookie: never stored by a proxy
    language = request.GET.get("language", "")
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
