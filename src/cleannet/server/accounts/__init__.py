"""Users, organisations, roles, API tokens and the audit log.

Other apps import from here: ``Role``, ``OrganisationKind``, ``roles_required``,
``record_change``, ``snapshot`` and the admin site live in their modules below; models
are imported from ``cleannet.server.accounts.models`` (Django loads them lazily).
"""
