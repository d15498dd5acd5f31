import csv
import io

import sqlalchemy as sa

from app.extensions import db
from app.models import Event, Role
from app.services import events
from tests.conftest import log_in, make_event, make_user


def test_host_creates_edits_and_deletes_an_event(client, app) -> None:
    make_user()
    log_in(client, "host@buurt.test")
    response = client.post("/host/events/new", data={"title": "Idols Kruiskamp", "language": "nl",
                                                    "location": "De Kei"})
    assert response.status_code == 302
    event = db.session.scalars(sa.select(Event)).one()
    assert response.headers["Location"].split("/")[-1] == event.public_id != str(event.id)  # no raw ids
    client.post(f"/host/events/{event.public_id}/edit",
                data={"title": "Idols Kruiskamp 2", "language": "en", "status": "open"})
    db.session.refresh(event)
    assert (event.title, event.language, event.status.value) == ("Idols Kruiskamp 2", "en", "open")
    assert "Idols Kruiskamp 2" in client.get("/host/").get_data(as_text=True)
    assert client.get(f"/host/events/{event.public_id}/delete").status_code == 200  # confirmation first
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1
    client.post(f"/host/events/{event.public_id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_empty_title_is_refused_with_a_message_and_nothing_saved(client, app) -> None:
    make_user()
    log_in(client, "host@buurt.test")
    response = client.post("/host/events/new", data={"title": "", "language": "nl"},
                           headers={"Accept-Language": "nl"})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_another_host_gets_404(client, app) -> None:
    event = make_event(make_user("a@buurt.test"))
    make_user("b@buurt.test")
    log_in(client, "b@buurt.test")
    for path in ("", "/edit", "/delete"):
        assert client.get(f"/host/events/{event.public_id}{path}").status_code == 404
    assert client.post(f"/host/events/{event.public_id}/tickets", data={"count": 5}).status_code == 404
    assert event.title not in client.get("/host/").get_data(as_text=True)


def test_admin_sees_every_event(client, app) -> None:
    event = make_event(make_user("a@buurt.test"))
    make_user("admin@buurt.test", Role.ADMIN)
    log_in(client, "admin@buurt.test")
    assert client.get(f"/host/events/{event.public_id}").status_code == 200


def test_committee_cannot_reach_host_pages(client, app) -> None:
    make_user("c@buurt.test", Role.COMMITTEE)
    log_in(client, "c@buurt.test")
    assert client.get("/host/").status_code == 403


def test_groups_and_weight_lock(client, app) -> None:
    owner = make_user()
    event = make_event(owner)
    log_in(client, "host@buurt.test")
    client.post(f"/host/events/{event.public_id}/groups", data={"name": "Jongeren", "weight": "2",
                                                              "colour": "#aa3300"})
    db.session.refresh(event)
    assert [(g.name, float(g.weight)) for g in event.groups] == [("Iedereen", 1.0), ("Jongeren", 2.0)]
    youth = event.groups[1]
    events.mark_first_ballot(event)
    db.session.commit()
    response = client.post(f"/host/events/{event.public_id}/groups/{youth.id}",
                           data={"name": "Jongeren", "weight": "3", "colour": "#aa3300"},
                           headers={"Accept-Language": "en"})
    assert "Weights can no longer change" in response.get_data(as_text=True)
    db.session.refresh(youth)
    assert float(youth.weight) == 2.0
    # renaming is still fine
    client.post(f"/host/events/{event.public_id}/groups/{youth.id}",
                data={"name": "Jeugd", "weight": "2", "colour": "#aa3300"})
    db.session.refresh(youth)
    assert youth.name == "Jeugd"


def test_bad_weight_is_explained(client, app) -> None:
    event = make_event()
    log_in(client, "host@buurt.test")
    response = client.post(f"/host/events/{event.public_id}/groups",
                           data={"name": "X", "weight": "veel", "colour": "#aa3300"}, follow_redirects=True,
                           headers={"Accept-Language": "nl"})
    assert "Een gewicht is een getal boven 0" in response.get_data(as_text=True)


def test_issue_tickets_as_csv_and_pdf(client, app) -> None:
    event = make_event()
    log_in(client, "host@buurt.test")
    group_id = event.groups[0].id
    response = client.post(f"/host/events/{event.public_id}/tickets",
                           data={"count": 3, "group": group_id, "output": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["group"] for row in rows] == ["Iedereen"] * 3
    assert all(row["url"].startswith("http://buurt.test/t/") for row in rows)
    pdf = client.post(f"/host/events/{event.public_id}/tickets",
                      data={"count": 9, "group": group_id, "output": "pdf"})
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_void_a_ticket(client, app) -> None:
    event = make_event()
    log_in(client, "host@buurt.test")
    client.post(f"/host/events/{event.public_id}/tickets",
                data={"count": 2, "group": event.groups[0].id, "output": "csv"})
    client.post(f"/host/events/{event.public_id}/tickets/void", data={"number": 2})
    page = client.get(f"/host/events/{event.public_id}", headers={"Accept-Language": "en"})
    assert "cancelled: 1" in page.get_data(as_text=True)
