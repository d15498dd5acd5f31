"""The host sets the retention period on the event form; the form refuses nonsense."""

from __future__ import annotations

from app.extensions import db
from tests.conftest import log_in, make_event


def test_host_sets_the_retention_period(client, app) -> None:
    event = make_event()
    log_in(client, "host@buurt.test")
    page = client.get(f"/host/events/{event.public_id}/edit", headers={"Accept-Language": "en"})
    assert 'name="retention_days"' in page.get_data(as_text=True) and 'value="90"' in page.get_data(as_text=True)
    data = {"title": event.title, "language": "nl", "status": "draft", "retention_days": "30"}
    assert client.post(f"/host/events/{event.public_id}/edit", data=data).status_code == 302
    db.session.refresh(event)
    assert event.retention_days == 30
    refused = client.post(f"/host/events/{event.public_id}/edit", data={**data, "retention_days": "0"})
    assert refused.status_code == 200
    db.session.refresh(event)
    assert event.retention_days == 30
