"""RSS 2.0 and Atom 1.0 feeds of the published advisories (``django.contrib.syndication``).

A feed is in the visitor's language, or in the one ``?lang=vi|en`` names (feed readers
carry no cookie, so a subscriber picks the language in the address).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.encyclopedia.models import Advisory, localised
from cleannet.server.encyclopedia.services import published_advisories

FEED_ITEMS = 30


class AdvisoryRssFeed(Feed):  # type: ignore[type-arg]
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def title(self) -> str:
        return _("CleanNet alerts and news")

    def description(self) -> str:
        return _("Warnings about malware and fraud from the authority.")

    def link(self) -> str:
        return reverse("alerts:list")

    def items(self) -> list[Advisory]:
        return list(published_advisories()[:FEED_ITEMS])

    def item_title(self, item: Advisory) -> str:
        return localised(item, "title")

    def item_description(self, item: Advisory) -> str:
        return localised(item, "summary")

    def item_link(self, item: Advisory) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Advisory) -> dt.datetime:
        return item.published_at

    def item_updateddate(self, item: Advisory) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Advisory) -> list[str]:
        return [str(item.get_severity_display()), *(f.name for f in item.families.all())]


class AdvisoryAtomFeed(AdvisoryRssFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()


def _feed_language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    supported = {code for code, _name in settings.LANGUAGES}
    return asked if asked in supported else (translation.get_language() or "vi")


def _serve(feed: Feed, request: HttpRequest) -> HttpResponse:  # type: ignore[type-arg]
    language = _feed_language(request)
    with translation.override(language):
        response = feed(request)
    response.headers["Content-Language"] = language
    return response


@require_GET
@roles_required(PUBLIC)
def rss(request: HttpRequest) -> HttpResponse:
    return _serve(AdvisoryRssFeed(), request)


@require_GET
@roles_required(PUBLIC)
def atom(request: HttpRequest) -> HttpResponse:
    return _serve(AdvisoryAtomFeed(), request)
