"""No ticket token or code, committee link or projector link ever reaches a log line or an exported file.

The flow: tickets opened by link and by code, wrong codes, a score card and a budget ballot, an
unexpected server error on the ticket page, the live stream; then every export of the evening and the
round (report JSON/CSV, ballot ZIP, .pb, event file).
"""

from __future__ import annotations

import io
import logging
import zipfile

import pytest

from app.domain.tickets import hash_secret, normalise_code
from app.services import budget_files, tickets
from tests.security_world import World, fast_passwords, make_world

pytestmark = pytest.mark.usefixtures(fast_passwords.__name__)


def _forbidden(world: World) -> list[str]:
    """Every secret, in the forms it could leak: as issued, normalised, and as its stored hash."""
    found = []
    for secret in world.secrets:
        found += [secret, hash_secret(secret)]
        code = normalise_code(secret)
        if code:
            found += [code, hash_secret(code)]
    return [value for value in found if len(value) >= 6]


def _assert_clean(label: str, text: str, forbidden: list[str]) -> None:
    for secret in forbidden:
        assert secret not in text, f"{label} contains a secret"


def test_no_secret_in_logs_during_a_full_flow(client, app, caplog, monkeypatch) -> None:
    world = make_world()
    caplog.set_level(logging.DEBUG)
    app.logger.setLevel(logging.DEBUG)
    other = app.test_client()
    assert other.post("/code", data={"code": world.evening.issued[3].code}).status_code in (200, 302, 410)
    other.post("/code", data={"code": "ZZZZ-ZZZZ"})
    client.get("/t/not-a-real-token")
    client.get(f"/t/{world.attendee.token}")
    bidder = world.evening.tender.bidders[0]
    answer = client.post(f"/stem/kaart/{bidder.public_id}",
                         data={f"c-{c.public_id}": "8" for c in world.evening.tender.criteria} | {"comment": "Top"})
    assert answer.status_code in (200, 302)
    client.post(f"/rounds/{world.round.public_id}/ballot", data={"project-1": "1"})
    stream = client.get(f"/live/{world.live_event.public_id}/stream", buffered=False)
    stream.close()
    client.get(f"/r/{world.committee_token}")

    def broken(token: str) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(tickets, "ticket_by_token", broken)
    assert app.test_client().get(f"/t/{world.evening.issued[2].token}").status_code == 500
    assert any("Unhandled error" in record.getMessage() for record in caplog.records)
    text = "\n".join(f"{record.getMessage()} {record.exc_text or ''} {record.args!r}" for record in caplog.records)
    _assert_clean("the log", text + caplog.text, _forbidden(world))


def test_no_secret_in_exports(client, app, runner) -> None:
    world = make_world()
    forbidden = _forbidden(world)
    client.post("/login", data={"email": world.host_a.email, "password": "correct horse battery"})
    published = world.published.event.public_id
    for fmt in ("json", "csv"):
        _assert_clean(fmt, client.get(f"/host/events/{published}/report/download.{fmt}").get_data(as_text=True),
                      forbidden)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/host/events/{published}/report/ballots.zip").data))
    for name in archive.namelist():
        _assert_clean(name, archive.read(name).decode("utf-8"), forbidden)
    for item in (world.round, world.published_round):
        _assert_clean(".pb", budget_files.export_pb(item), forbidden)
    for event in (world.live_event, world.published.event):
        exported = runner.invoke(args=["event", "export", event.public_id])
        assert exported.exit_code == 0
        _assert_clean("event file", exported.output, forbidden)
    api = client.get(f"/api/v1/events/{published}/results").get_data(as_text=True)
    _assert_clean("api", api, forbidden)
