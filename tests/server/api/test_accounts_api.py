import pytest

pytestmark = pytest.mark.django_db


def test_it_tells_a_token_holder_who_they_are(personas, api_client) -> None:
    response = api_client(personas.isp.token).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["role"] == "isp_operator"
    assert response.json()["organisation"] == "Song Hong Net"


def test_it_answers_401_without_credentials(api_client) -> None:
    assert api_client(None).get("/api/v1/me").status_code == 401


def test_it_answers_401_for_an_unknown_token(api_client) -> None:
    response = api_client("cn_not-a-real-token").get("/api/v1/me")
    assert response.status_code == 401
    assert "unknown" in response.json()["detail"]


def test_it_accepts_a_browser_session(personas, client) -> None:
    client.force_login(personas.analyst.user)
    assert client.get("/api/v1/me").json()["username"] == "analyst"


def test_it_refuses_a_session_post_without_csrf(personas) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.analyst.user)
    response = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_it_issues_a_token_that_works_once_shown(personas, api_client) -> None:
    response = api_client(personas.member.token).post("/api/v1/tokens", {"name": "script"})
    assert response.status_code == 201
    token = response.json()["token"]
    assert api_client(token).get("/api/v1/me").json()["username"] == "bank-member"


def test_it_names_the_field_of_a_bad_token_lifetime(personas, api_client) -> None:
    response = api_client(personas.member.token).post(
        "/api/v1/tokens", {"name": "x", "expires_in_days": 5000}
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "expires_in_days"


def test_it_answers_422_naming_a_field_of_the_wrong_type(personas, api_client) -> None:
    response = api_client(personas.member.token).post(
        "/api/v1/tokens", {"name": "x", "expires_in_days": "soon"}
    )
    assert response.status_code == 422
    assert "expires_in_days" in str(response.json()["detail"])


def test_it_serves_the_openapi_schema_and_docs(client) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200
