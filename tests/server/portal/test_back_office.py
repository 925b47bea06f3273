import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["isp", "other_isp", "member"])
def test_it_keeps_non_authority_roles_out_of_the_back_office(client, personas, persona) -> None:
    client.force_login(getattr(personas, persona).user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_it_sends_anonymous_visitors_to_the_login_page(client) -> None:
    assert "/admin/login/" in client.get("/admin/")["Location"]


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lets_authority_staff_into_the_back_office(client, personas, persona) -> None:
    client.force_login(getattr(personas, persona).user)
    assert client.get("/admin/").status_code == 200


def test_it_lets_an_analyst_read_but_not_edit_users(client, personas) -> None:
    client.force_login(personas.analyst.user)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 403


def test_it_lets_an_authority_admin_add_users(client, personas) -> None:
    client.force_login(personas.admin.user)
    assert client.get("/admin/accounts/user/add/").status_code == 200


def test_it_keeps_the_audit_log_read_only_even_for_admins(client, personas) -> None:
    client.force_login(personas.admin.user)
    assert client.get("/admin/accounts/auditentry/").status_code == 200
    assert client.get("/admin/accounts/auditentry/add/").status_code == 403
