"""Dutch first, English complete, the user's choice remembered; no message missing from a catalogue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_dutch_is_the_default(client, app) -> None:
    assert 'lang="nl"' in client.get("/").get_data(as_text=True)


def test_accept_language_is_followed(client, app) -> None:
    body = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in body and "Have your say" in body


def test_choice_is_remembered_over_the_browser_setting(client, app) -> None:
    response = client.post("/language", data={"language": "en", "next": "/code"})
    assert response.headers["Location"] == "/code"
    body = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert 'lang="en"' in body


def test_language_switch_does_not_redirect_elsewhere(client, app) -> None:
    response = client.post("/language", data={"language": "en", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_every_message_is_in_both_catalogues(tmp_path) -> None:
    """Extract the messages afresh; each must be translated (not fuzzy) in nl and en."""
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-o", str(template), "."], cwd=ROOT, check=True)
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    for language in ("nl", "en"):
        with (ROOT / "app/translations" / language / "LC_MESSAGES/messages.po").open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        done = {m.id for m in catalogue if m.id and m.string and "fuzzy" not in m.flags
                and (all(m.string) if isinstance(m.string, tuple) else True)}
        missing = sorted(str(message) for message in wanted - done)
        assert not missing, f"missing in {language}: {missing[:20]} (run make translations-update)"
