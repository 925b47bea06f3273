"""The organisations, operators, address blocks and families a simulated campaign is written
for (``simulation.simulate_campaign``): simulated ISPs are created when missing, existing ones
are used as they are.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from cleannet.server.accounts import services as accounts
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import OrganisationKind, Role
from cleannet.server.campaigns.simulation_catalogue import (
    IspProfile,
    family_profiles,
    isp_profiles,
)
from cleannet.server.campaigns.simulation_model import ModelParams
from cleannet.server.intel import services as intel
from cleannet.server.intel.models import MalwareFamily
from cleannet.server.networks import services as networks
from cleannet.server.networks.models import AutonomousSystem, Prefix

__all__ = ["World", "isp_profiles_for"]

HELD_SINCE = dt.date(2020, 1, 1)
"""Since when a block given to a simulated ISP is held."""


def isp_profiles_for(
    params: ModelParams, organisations: Sequence[Organisation] | None
) -> list[IspProfile]:
    """The ISPs' behaviour, drawn from the seed; existing organisations keep their names."""
    profiles = list(isp_profiles(params.isps, np.random.default_rng([params.seed, 7])))
    if organisations is None:
        return profiles
    return [
        replace(profile, slug=org.slug, name=org.name, domain="")
        for profile, org in zip(profiles, organisations, strict=True)
    ]


class World:
    """The organisations, operators, blocks and families a simulation writes for."""

    def __init__(self) -> None:
        self.organisations: list[Organisation] = []
        self.operators: list[User] = []
        self.blocks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.families: list[MalwareFamily] = []

    @classmethod
    def prepare(
        cls,
        profiles: Sequence[IspProfile],
        given: Sequence[Organisation] | None,
        params: ModelParams,
        *,
        with_blocks: bool,
    ) -> World:
        world = cls()
        for index, profile in enumerate(profiles):
            org = given[index] if given is not None else _isp(profile)
            world.organisations.append(org)
            world.operators.append(_operator(org, profile))
            if with_blocks:
                world.blocks.append(_block(org))
        world.families = _families(params)
        return world


def _isp(profile: IspProfile) -> Organisation:
    """The simulated ISP's organisation, with its AS, created when missing."""
    org = Organisation.objects.filter(slug=profile.slug).first()
    if org is None:
        org = accounts.create_organisation(
            None, profile.name, OrganisationKind.ISP, profile.slug, f"https://{profile.domain}"
        )
    if not AutonomousSystem.objects.filter(number=profile.asn).exists():
        label = profile.slug.removeprefix("sim-").upper()
        networks.add_autonomous_system(None, profile.asn, f"{label}-AS-VN", org)
    return org


def _operator(org: Organisation, profile: IspProfile) -> User:
    """An ISP operator of ``org`` (the first one, or a new one with a random password)."""
    found = User.objects.filter(organisation=org, role=Role.ISP_OPERATOR, is_active=True)
    user = found.order_by("pk").first()
    if user is not None:
        return user
    email = f"noc@{profile.domain or org.slug + '.example'}"
    password = secrets.token_urlsafe(16)  # nobody signs in as it unless an admin resets it
    return accounts.create_user(None, f"{org.slug}-noc", email, password, Role.ISP_OPERATOR, org)


def _block(org: Organisation) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A block ``org`` holds (the largest IPv4 one), or a free 10.x.0.0/16 given to it."""
    held = Prefix.objects.filter(organisation=org, family=4, valid_until__isnull=True)
    prefix = held.order_by("prefix_len", "pk").first()
    if prefix is not None:
        return ipaddress.ip_network(prefix.cidr)
    taken = set(Prefix.objects.filter(cidr__startswith="10.").values_list("cidr", flat=True))
    cidr = next(f"10.{x}.0.0/16" for x in range(254, 0, -1) if f"10.{x}.0.0/16" not in taken)
    asn = AutonomousSystem.objects.filter(organisation=org).order_by("number").first()
    networks.add_prefix(None, cidr, org, HELD_SINCE, asn=asn)
    return ipaddress.ip_network(cidr)


def _families(params: ModelParams) -> list[MalwareFamily]:
    """The model's families as stored (added when no name or alias names them), in order."""
    profiles = family_profiles(params.families, np.random.default_rng(0))
    known = intel.resolve_families(f.name for f in profiles)
    families = []
    for profile in profiles:
        family = known.get(intel.alias_key(profile.name))
        if family is None:
            family = intel.add_family(None, profile.name, profile.kind)
        families.append(family)
    return families
