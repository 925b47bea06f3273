"""Roles and organisation kinds: who may do what is decided from these alone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AUTHORITY_ADMIN = "authority_admin", _("Authority administrator")
    AUTHORITY_ANALYST = "authority_analyst", _("Authority analyst")
    ISP_OPERATOR = "isp_operator", _("ISP operator")
    ORG_MEMBER = "org_member", _("Organisation member")


class OrganisationKind(models.TextChoices):
    AUTHORITY = "authority", _("Authority")
    ISP = "isp", _("Internet service provider")
    BANK = "bank", _("Bank")
    ECOMMERCE = "ecommerce", _("E-commerce")
    SOCIAL_NETWORK = "social_network", _("Social network")
    GOVERNMENT = "government", _("Government body")
    OTHER = "other", _("Other")


AUTHORITY_ROLES = frozenset({Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST})
ALL_ROLES = frozenset(Role)

# Which organisation kinds a role may belong to: an ISP operator works for an ISP,
# authority staff for the authority, members for anyone else.
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.AUTHORITY_ADMIN: frozenset({OrganisationKind.AUTHORITY}),
    Role.AUTHORITY_ANALYST: frozenset({OrganisationKind.AUTHORITY}),
    Role.ISP_OPERATOR: frozenset({OrganisationKind.ISP}),
    Role.ORG_MEMBER: frozenset(OrganisationKind) - {OrganisationKind.AUTHORITY},
}
