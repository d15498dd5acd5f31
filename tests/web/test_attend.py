from app.services import tickets
from tests.conftest import make_event


def _ticket(app):
    event = make_event()
    [issued] = tickets.issue_tickets(event, event.groups[0], 1, "host")
    return event, issued


def test_ticket_link_opens_the_attendee_page_without_the_token_in_the_url(client, app) -> None:
    event, issued = _ticket(app)
    response = client.get(f"/t/{issued.token}")
    assert response.status_code == 302
    assert issued.token not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/stem", headers={"Accept-Language": "nl"})
    assert event.title in page.get_data(as_text=True)
    assert "Uw ticket werkt" in page.get_data(as_text=True)


def test_typed_code_works_too(client, app) -> None:
    event, issued = _ticket(app)
    response = client.post("/code", data={"code": issued.code.lower()})
    assert response.status_code == 302
    assert event.title in client.get("/stem").get_data(as_text=True)


def test_unknown_and_voided_tickets_get_a_clear_page(client, app) -> None:
    event, issued = _ticket(app)
    unknown = client.get("/t/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404
    assert "We do not know this ticket" in unknown.get_data(as_text=True)
    tickets.void_ticket(event, 1, "host")
    voided = client.get(f"/t/{issued.token}", headers={"Accept-Language": "nl"})
    assert voided.status_code == 410
    assert "ongeldig gemaakt" in voided.get_data(as_text=True)


def test_voided_after_opening_is_refused_on_the_next_page(client, app) -> None:
    event, issued = _ticket(app)
    client.get(f"/t/{issued.token}")
    tickets.void_ticket(event, 1, "host")
    assert client.get("/stem").status_code == 410


def test_malformed_code_is_explained_and_the_form_kept(client, app) -> None:
    response = client.post("/code", data={"code": "hallo"}, headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "10 letters en cijfers" in body
    assert 'value="hallo"' in body


def test_without_a_ticket_the_attendee_page_asks_for_the_code(client, app) -> None:
    assert client.get("/stem").headers["Location"].endswith("/code")
