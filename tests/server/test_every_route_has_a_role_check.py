"""Every page and API operation states who may use it; nothing is open by default.

New capabilities add routes; these tests fail until each new route carries an explicit
role decision (``roles_required(...)`` on a page, ``auth=roles(...)`` on an operation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cleannet.server.api.auth import BearerTokenAuth, SessionRoleAuth
from cleannet.server.api.urls import api

# Framework views that carry their own access control or are public by nature.
FRAMEWORK_VIEWS = {
    "set_language",  # changes the language cookie only
    "LoginView",
    "LogoutView",  # POST only; logs out whoever sends it
    "openapi_json",
    "openapi_view",  # the API's description is public, its operations are not
    "default_home",
}


def _walk(
    patterns: list[Any], prefix: str = "", skip: frozenset[str] = frozenset()
) -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in skip:
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), skip)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _name(callback: Any) -> str:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return str(view_class.__name__)
    function = getattr(callback, "func", callback)
    return str(getattr(function, "__name__", repr(function)))


def _site_pages() -> list[tuple[str, Any]]:
    """Every view but the back office and Ninja's operations (checked below); plain views
    mounted under /api/v1/ (the exchange downloads) are pages here and need a decision."""
    ninja = frozenset({api.urls_namespace})
    return [
        (path, callback)
        for path, callback in _walk(get_resolver().url_patterns, skip=ninja)
        if not path.startswith("admin/")
    ]


def _operations() -> Iterator[tuple[str, str, Any]]:
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, f"/api/v1/{prefix.strip('/')}/{path.lstrip('/')}", operation


@pytest.mark.parametrize(
    ("path", "callback"), _site_pages(), ids=[p or "/" for p, _ in _site_pages()]
)
def test_it_gives_every_page_an_explicit_role_decision(path: str, callback: Any) -> None:
    decided = getattr(callback, "allowed_roles", None) is not None
    assert decided or _name(callback) in FRAMEWORK_VIEWS, f"/{path} has no role check"


def test_it_checks_roles_on_every_api_operation() -> None:
    operations = list(_operations())
    assert len(operations) >= 10
    for method, path, operation in operations:
        kinds = {type(callback) for callback in operation.auth_callbacks}
        assert kinds == {BearerTokenAuth, SessionRoleAuth}, f"{method} {path} lacks roles()"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [(m, re.sub(r"\{[^}]+\}", "1", p).replace("//", "/")) for m, p, _ in _operations()],
)
def test_it_answers_401_to_every_operation_without_credentials(client, method, path) -> None:
    response = client.generic(method, path, data="{}", content_type="application/json")
    assert response.status_code == 401, response.content
