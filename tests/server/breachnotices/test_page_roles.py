"""Every breach-notice page admits its roles only: ISP operators, other organisations'
members and anonymous visitors are refused; another organisation's notice answers 404."""

from __future__ import annotations

import pytest

from cleannet.server.breachnotices.models import BreachNotice

pytestmark = pytest.mark.django_db

MEMBER_PAGES = ["/breach-notices/", "/breach-notices/new/"]
ANALYST_PAGES = ["/breach-notices/queue/"]


def _notice_pages(notice: BreachNotice) -> dict[str, str]:
    return {
        "detail": f"/breach-notices/{notice.pk}/",
        "edit": f"/breach-notices/{notice.pk}/edit/",
    }


def _actions(notice: BreachNotice) -> dict[str, str]:
    base = f"/breach-notices/{notice.pk}"
    return {
        "acknowledge": f"{base}/acknowledge/",
        "follow_up": f"{base}/follow-up/",
        "close": f"{base}/close/",
        "answer": f"{base}/answer/",
    }


def test_anonymous_visitors_are_sent_to_log_in(client, filed) -> None:
    pages = [*MEMBER_PAGES, *ANALYST_PAGES, *_notice_pages(filed).values()]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/accounts/login/?next="), page
    for action in _actions(filed).values():
        assert client.post(action, {"message": "x"}).status_code == 302, action


def test_isp_operators_are_refused_everywhere(client, personas, filed) -> None:
    client.force_login(personas.isp.user)
    for page in [*MEMBER_PAGES, *ANALYST_PAGES, *_notice_pages(filed).values()]:
        assert client.get(page).status_code == 403, page
    for action in _actions(filed).values():
        assert client.post(action, {"message": "x"}).status_code == 403, action


def test_another_organisations_member_finds_nothing(client, outsider, draft, filed) -> None:
    client.force_login(outsider)
    assert client.get("/breach-notices/").status_code == 200
    assert filed.reference not in client.get("/breach-notices/").content.decode()
    for notice in (draft, filed):
        for page in _notice_pages(notice).values():
            assert client.get(page).status_code == 404, page
    assert client.post(_actions(filed)["answer"], {"message": "x"}).status_code == 404
    assert client.post(f"/breach-notices/{draft.pk}/edit/", {"summary": "x"}).status_code == 404


def test_members_may_not_use_the_analysts_queue_or_actions(client, personas, filed) -> None:
    client.force_login(personas.member.user)
    assert client.get("/breach-notices/queue/").status_code == 403
    for name in ("acknowledge", "follow_up", "close"):
        assert client.post(_actions(filed)[name], {"message": "x"}).status_code == 403, name
    filed.refresh_from_db()
    assert filed.status == "filed"


def test_the_authority_cannot_file_or_see_drafts(client, personas, draft) -> None:
    client.force_login(personas.analyst.user)
    assert client.get("/breach-notices/new/").status_code == 403
    assert client.get("/breach-notices/").status_code == 403
    assert client.get(f"/breach-notices/{draft.pk}/").status_code == 404
    assert client.post(_actions(draft)["answer"], {"message": "x"}).status_code == 403


def test_the_back_office_hides_drafts_too(client, personas, draft, filed) -> None:
    client.force_login(personas.admin.user)
    page = client.get("/admin/breachnotices/breachnotice/").content.decode()

    assert filed.reference in page
    assert draft.reference not in page
