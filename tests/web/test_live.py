"""The live blueprint: who may open the projector, the stream's first message, sealed results, escaping."""

from __future__ import annotations

import json

from app.extensions import db
from app.models import Question, QuestionStatus
from app.services import live
from tests.conftest import log_in, make_user
from tests.live_helpers import cast, close_all_and_reveal, make_evening, on_stage


def _first_snapshot(client, path: str) -> dict:
    response = client.get(path, buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    try:
        for chunk in chunks:
            text = chunk.decode() if isinstance(chunk, bytes) else chunk
            if text.startswith("id:"):
                data = next(line for line in text.splitlines() if line.startswith("data: "))
                return json.loads(data[len("data: "):])["snapshot"]
    finally:
        response.close()
    raise AssertionError("no snapshot")


def test_projector_needs_the_host_or_the_secret_link(client, app) -> None:
    found = make_evening()
    path = f"/live/{found.event.public_id}/projector"
    assert client.get(path).status_code == 403
    assert client.get(f"/live/{found.event.public_id}/stream").status_code == 403
    assert client.get(path + "?key=wrong").status_code == 403
    token = live.renew_projector_link(found.event, "host")
    response = client.get(path + "?key=" + token)
    assert response.status_code == 302 and "key=" not in response.headers["Location"]
    page = client.get(path)
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True) and "buurt.test/code" in page.get_data(as_text=True)
    assert _first_snapshot(client, f"/live/{found.event.public_id}/stream")["title"] == found.event.title
    # the projector may watch, never control or preview
    assert client.get(f"/live/{found.event.public_id}/preview").status_code == 302  # to the login page
    live.renew_projector_link(found.event, "host")
    fresh = app.test_client()
    assert fresh.get(path + "?key=" + token).status_code == 403  # the renewed link replaced the old one


def test_other_host_cannot_open_the_projector_or_preview(client, app) -> None:
    found = make_evening()
    make_user("other@buurt.test")
    log_in(client, "other@buurt.test")
    assert client.get(f"/live/{found.event.public_id}/projector").status_code == 403
    assert client.get(f"/live/{found.event.public_id}/preview").status_code == 404
    assert client.get(f"/live/{found.event.public_id}/console").status_code == 404


def test_results_are_sealed_until_the_reveal_but_the_host_can_preview(client, app) -> None:
    found = make_evening()
    on_stage(found)
    cast(found, 0, 8)
    log_in(client, "host@buurt.test")
    projector = f"/live/{found.event.public_id}/projector"
    assert 'class="chart ranking"' not in client.get(projector).get_data(as_text=True)
    preview = client.get(f"/live/{found.event.public_id}/preview").get_data(as_text=True)
    assert 'class="chart ranking"' in preview and "8.0" in preview
    snapshot = _first_snapshot(client, f"/live/{found.event.public_id}/stream")
    assert snapshot["results_key"] is None and snapshot["cards"] == 1
    close_all_and_reveal(found.tender)
    page = client.get(projector).get_data(as_text=True)
    assert 'class="chart ranking"' in page and "Buurttuin" in page
    assert _first_snapshot(client, f"/live/{found.event.public_id}/stream")["results_key"]


def test_stream_tells_which_process_answers(client, app) -> None:
    found = make_evening()
    log_in(client, "host@buurt.test")
    response = client.get(f"/live/{found.event.public_id}/stream", buffered=False)
    assert response.headers["X-Live-Pid"].isdigit()
    response.close()


def test_attendee_reacts_asks_and_votes_without_javascript(client, app) -> None:
    found = make_evening()
    on_stage(found)
    client.get(f"/t/{found.issued[0].token}")
    home = client.get("/stem").get_data(as_text=True)
    assert 'id="live"' in home and "Buurttuin" in home
    base = f"/live/{found.event.public_id}"
    response = client.post(base + "/react", data={"kind": "applause"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/stem#live")
    assert client.post(base + "/react", data={"kind": "heart"}, headers={"X-Live-Fetch": "1"}).status_code == 429
    client.post(base + "/questions", data={"text": "<script>alert(1)</script> Wat kost het?"})
    question = db.session.query(Question).one()
    assert question.status is QuestionStatus.PENDING
    # the snapshot seen by phones and the projector does not contain it yet
    assert "alert" not in json.dumps(_first_snapshot(client, base + "/stream"))
    live.moderate_question(found.event, "host", question.public_id, approve=True)
    home = client.get("/stem").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home and "<script>alert" not in home
    client.post(f"{base}/questions/{question.public_id}/vote")
    assert client.post(f"{base}/questions/{question.public_id}/vote").status_code == 302  # refused, flashed
    db.session.refresh(question)
    assert question.votes == 1
    assert _first_snapshot(client, base + "/stream")["questions"][0]["votes"] == 1


def test_host_moderates_and_renews_the_link_from_the_console(client, app) -> None:
    found = make_evening()
    on_stage(found, open_scoring=False)
    question = live.ask_question(found.ticket(0), found.event, "Hidden one")
    log_in(client, "host@buurt.test")
    base = f"/live/{found.event.public_id}"
    page = client.get(base + "/console").get_data(as_text=True)
    assert "Hidden one" in page
    assert "pending" in _first_snapshot(client, base + "/stream?view=host")
    client.post(f"{base}/questions/{question.public_id}/hide")
    db.session.refresh(question)
    assert question.status is QuestionStatus.HIDDEN
    renewed = client.post(base + "/projector-link").get_data(as_text=True)
    assert "/projector?key=" in renewed
    assert f"/live/{found.event.public_id}/console" in client.get(f"/host/events/{found.event.public_id}").get_data(
        as_text=True)
    console = client.get(f"/host/events/{found.event.public_id}/tender/console").get_data(as_text=True)
    assert "view=host" in console and 'data-live="pending"' in console  # the Idols console embeds the panel


def test_stream_sends_a_small_delta_after_a_card(client, app) -> None:
    found = make_evening()
    on_stage(found)
    log_in(client, "host@buurt.test")
    response = client.get(f"/live/{found.event.public_id}/stream", buffered=False)
    events = (chunk.decode() for chunk in response.response if chunk.startswith(b"id:"))
    try:
        assert "event: snapshot" in next(events)
        cast(found, 0)
        message = next(events)
    finally:
        response.close()
    assert "event: delta" in message
    data = json.loads(next(line for line in message.splitlines() if line.startswith("data: "))[len("data: "):])
    assert data["delta"]["cards"] == 1 and "title" not in data["delta"]
