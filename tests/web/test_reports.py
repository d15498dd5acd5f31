"""Report pages: host preview and publication, committee accounts and links, the decision and the public
page, and clear errors for unknown events, unpublished reports and wrong roles."""

from __future__ import annotations

import re

from app.models import Role
from tests.conftest import log_in, make_user
from tests.report_helpers import make_hand_evening

EN = {"Accept-Language": "en"}


def test_host_previews_downloads_and_publishes(client, app) -> None:
    found = make_hand_evening()
    log_in(client, "host@buurt.test")
    base = f"/host/events/{found.event.public_id}/report"
    page = client.get(base, headers=EN).get_data(as_text=True)
    assert "Preview: this report is not published yet." in page and "Bravo" in page
    assert "<section" in page and "&lt;section" not in page and "<svg" in page
    for fmt, media in (("pdf", "application/pdf"), ("csv", "text/csv"), ("json", "application/json"),
                       ("xlsx", "application/vnd.openxmlformats")):
        response = client.get(f"{base}/download.{fmt}")
        assert response.status_code == 200 and response.mimetype.startswith(media)
    assert client.get(f"{base}/download.exe").status_code == 404
    assert client.get(f"{base}/ballots.zip").data[:2] == b"PK"
    assert client.get(f"/host/events/{found.event.public_id}", headers=EN).status_code == 200
    client.post(f"{base}/publish")
    assert client.get(f"{base}/download.json").get_json()["status"] == "published"


def test_publish_before_the_reveal_is_refused_with_a_message(client, app) -> None:
    found = make_hand_evening(reveal=False)
    log_in(client, "host@buurt.test")
    base = f"/host/events/{found.event.public_id}/report"
    page = client.post(f"{base}/publish", headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "Reveal the results before publishing them." in page


def test_another_host_cannot_preview(client, app) -> None:
    found = make_hand_evening()
    make_user("other@buurt.test")
    log_in(client, "other@buurt.test")
    assert client.get(f"/host/events/{found.event.public_id}/report").status_code == 404
    assert client.get(f"/reports/{found.event.public_id}").status_code == 404


def test_committee_member_sees_only_assigned_published_reports(client, app) -> None:
    event_a = make_hand_evening(title="Avond A").event
    event_b = make_hand_evening(host=make_user("host-b@buurt.test"), title="Avond B", publish=True).event
    member = make_user("a@commissie.test", Role.COMMITTEE)
    make_user("b@commissie.test", Role.COMMITTEE)
    log_in(client, "host@buurt.test")
    client.post(f"/host/events/{event_a.public_id}/committee", data={"email": member.email})
    unknown = client.post(f"/host/events/{event_a.public_id}/committee", data={"email": "host-b@buurt.test"},
                          headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "There is no committee account with the e-mail address host-b@buurt.test" in unknown
    client.post("/logout")

    log_in(client, member.email)
    early = client.get(f"/reports/{event_a.public_id}", headers=EN)
    assert early.status_code == 403 and "has not published this report yet" in early.get_data(as_text=True)
    assert client.get(f"/reports/{event_a.public_id}/download.pdf").status_code == 403
    other = client.get(f"/reports/{event_b.public_id}", headers=EN)
    assert other.status_code == 404 and "does not exist, or you do not have access" in other.get_data(as_text=True)
    assert client.get(f"/reports/{event_b.public_id}/download.json").status_code == 404
    assert client.get("/reports/nosuchevent", headers=EN).status_code == 404
    assert client.get(f"/host/events/{event_a.public_id}/report").status_code == 403  # wrong role

    from app.services import evening, tender
    evening.publish_results(tender.require_tender(event_a), "host@buurt.test")
    listed = client.get("/reports/").get_data(as_text=True)
    assert "Avond A" in listed and "Avond B" not in listed
    assert client.get(f"/reports/{event_a.public_id}").status_code == 200
    document = client.get(f"/reports/{event_a.public_id}/download.json").get_json()
    assert document["ranking"] == ["Bravo", "Alfa"] and document["event"]["title"] == "Avond A"
    client.post("/logout")

    log_in(client, "b@commissie.test")
    assert client.get(f"/reports/{event_a.public_id}").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, app) -> None:
    found = make_hand_evening(publish=True)
    response = client.get(f"/reports/{found.event.public_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _new_link(client, public_id: str) -> str:
    page = client.post(f"/host/events/{public_id}/committee-link").get_data(as_text=True)
    match = re.search(r"/r/([A-Za-z0-9_-]+)", page)
    assert match
    return match.group(1)


def test_committee_link_works_after_publication_until_renewed(client, app) -> None:
    found = make_hand_evening()
    log_in(client, "host@buurt.test")
    first = _new_link(client, found.event.public_id)
    other = client.application.test_client()
    assert other.get(f"/r/{first}", headers=EN).status_code == 403
    client.post(f"/host/events/{found.event.public_id}/report/publish")
    assert other.get(f"/r/{first}").status_code == 200
    assert other.get(f"/r/{first}/download.pdf").data.startswith(b"%PDF")
    assert other.get(f"/r/{first}/ballots.zip").status_code == 200
    second = _new_link(client, found.event.public_id)
    renewed = other.get(f"/r/{first}", headers=EN)
    assert renewed.status_code == 410 and "replaced by a new one" in renewed.get_data(as_text=True)
    assert other.get(f"/r/{first}/download.csv").status_code == 410
    assert other.get(f"/r/{second}").status_code == 200
    assert other.get("/r/not-a-token").status_code == 404


def test_decision_reaches_the_public_page(client, app) -> None:
    found = make_hand_evening()
    public = f"/e/{found.event.public_id}"
    before = client.get(public, headers=EN).get_data(as_text=True)
    assert "Buurtavond" in before and "The results are not published yet." in before
    member = make_user("lid@commissie.test", Role.COMMITTEE)
    log_in(client, "host@buurt.test")
    client.post(f"/host/events/{found.event.public_id}/committee", data={"email": member.email})
    client.post(f"/host/events/{found.event.public_id}/report/publish")
    client.post("/logout")
    log_in(client, member.email)
    bravo = found.tender.bidders[1].public_id
    empty = client.post(f"/reports/{found.event.public_id}/decision", data={"bidder": bravo, "reasons": ""})
    assert empty.status_code == 302
    client.post(f"/reports/{found.event.public_id}/decision",
                data={"bidder": bravo, "reasons": "Advies gevolgd <script>x</script>"})
    page = client.get(public, headers=EN).get_data(as_text=True)
    assert "What was done with the advice" in page and "Advies gevolgd &lt;script&gt;" in page
    assert "Chosen bidder:</strong> Bravo" in page
    document = client.get(f"/reports/{found.event.public_id}/download.json").get_json()
    assert document["decision"]["bidder"] == "Bravo"


def test_draft_events_have_no_public_page(client, app) -> None:
    from tests.conftest import make_event

    event = make_event()
    assert client.get(f"/e/{event.public_id}").status_code == 404
    assert client.get("/e/unknown").status_code == 404
