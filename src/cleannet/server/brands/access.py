"""Which brands a member may see: those of their own organisation; another's answers 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cleannet.server.accounts.models import User
from cleannet.server.brands.models import Brand, OfficialDomain


def own_brands(user: User) -> QuerySet[Brand]:
    """The brands of ``user``'s organisation."""
    return Brand.objects.filter(organisation_id=user.organisation_id).select_related("organisation")


def brand_for(user: User, pk: int) -> Brand:
    """Return brand ``pk`` if it is ``user``'s organisation's; raise ``Http404`` otherwise."""
    try:
        return own_brands(user).get(pk=pk)
    except Brand.DoesNotExist:
        raise Http404 from None


def domain_for(user: User, pk: int) -> OfficialDomain:
    """Return official domain ``pk`` of one of ``user``'s brands; ``Http404`` otherwise."""
    found = OfficialDomain.objects.filter(brand__organisation_id=user.organisation_id)
    try:
        return found.select_related("brand__organisation").get(pk=pk)
    except OfficialDomain.DoesNotExist:
        raise Http404 from None
