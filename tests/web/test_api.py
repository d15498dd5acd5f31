"""The JSON API: answers with real ids validated against the OpenAPI document, JSON errors in the reader's
language, the tally endpoint (stateless, size-limited, CSRF-exempt), docs/api.md in step with the served
document, and schemathesis fuzzing every operation in-process (no 5xx, every response as documented)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.web.api.openapi import openapi_document
from tests.conftest import make_test_config
from tests.security_world import World, fast_passwords, make_world

ROOT = Path(__file__).parents[2]
SMALL_PB = """META
key;value
description;Test
country;Netherlands
unit;Buurt
instance;2026
num_projects;3
num_votes;3
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;60;Speeltuin
2;50;Bankjes
3;40;Bomen
VOTES
voter_id;vote
a;1,2
b;2,3
c;1
"""

pytestmark = pytest.mark.usefixtures(fast_passwords.__name__)


@pytest.fixture
def app_config(tmp_path: Any, postgres_url: str | None) -> dict[str, Any]:
    return make_test_config(tmp_path, postgres_url, WTF_CSRF_ENABLED=True, API_TALLY_MAX_BYTES=4096)


@pytest.fixture
def world(app: Flask) -> World:
    return make_world()


def _validate(document: Any, schema_name: str) -> None:
    spec = openapi_document()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(document)


def test_event_results_and_round_results_with_real_ids(client, world: World) -> None:
    event = client.get(f"/api/v1/events/{world.published.event.public_id}").get_json()
    _validate(event, "Event")
    assert event["tender"] == {"title": "Groenonderhoud", "published": True}
    results = client.get(f"/api/v1/events/{world.published.event.public_id}/results")
    assert results.status_code == 200
    _validate(results.get_json(), "AdviceReport")
    assert results.get_json()["ranking"] == ["Bravo", "Alfa"] and results.get_json()["status"] == "published"
    round_result = client.get(f"/api/v1/rounds/{world.published_round.public_id}/results").get_json()
    _validate(round_result, "RoundResult")
    assert round_result["ballots"] == 1 and round_result["winners"]


def test_unpublished_and_unknown_are_json_errors_in_the_readers_language(client, world: World) -> None:
    live = world.live_event.public_id
    early = client.get(f"/api/v1/events/{live}/results", headers={"Accept-Language": "nl"})
    assert early.status_code == 404 and early.get_json()["error"] == "api_not_published"
    assert early.get_json()["message"] == "De uitslag is nog niet gepubliceerd."
    _validate(early.get_json(), "Error")
    assert client.get(f"/api/v1/rounds/{world.round.public_id}/results").get_json()["error"] == "api_not_published"
    unknown = client.get("/api/v1/events/nosuchevent", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and unknown.get_json() == {"error": "api_not_found", "message": "Not found."}
    draft = client.get(f"/api/v1/events/{world.other_event.public_id}")
    assert draft.status_code == 404  # a draft event is not public yet
    wrong_method = client.post(f"/api/v1/events/{live}")
    assert wrong_method.status_code == 405


def test_tally_counts_like_the_shell_command(client, runner, app, tmp_path) -> None:
    """Without a CSRF token (CSRF is on here) and without a session: the endpoint is stateless."""
    answer = client.post("/api/v1/tally?rule=greedy", data=SMALL_PB.encode(), content_type="text/plain")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    _validate(answer.get_json(), "TallyResult")
    path = tmp_path / "small.pb"
    path.write_text(SMALL_PB, encoding="utf-8")
    shell = runner.invoke(args=["budget", "tally", str(path), "--rule", "greedy", "--json"])
    assert answer.get_json() == json.loads(shell.output)
    assert "Set-Cookie" not in answer.headers


def test_tally_refuses_bad_files_rules_and_large_bodies(client, app) -> None:
    bad = client.post("/api/v1/tally", data=b"META\nkey;value\n", headers={"Accept-Language": "en"})
    assert bad.status_code == 400 and bad.get_json()["error"] == "api_bad_file"
    assert "line" in bad.get_json()["message"]
    assert client.post("/api/v1/tally", data=b"\xff\xfe").get_json()["error"] == "api_bad_file"
    assert client.post("/api/v1/tally?rule=dictator", data=SMALL_PB.encode()).status_code == 400
    large = client.post("/api/v1/tally", data=b"x" * 5000, headers={"Accept-Language": "en"})
    assert large.status_code == 413 and large.get_json()["message"] == "The file is too large (at most 4096 bytes)."


def test_docs_api_md_holds_the_served_document(client, app) -> None:
    served = client.get("/api/v1/openapi.json").get_json()
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)\n```", text, re.S)
    assert block is not None, "docs/api.md needs the OpenAPI document in a ```json block"
    assert json.loads(block.group(1)) == served, "regenerate the block: python -m app.web.api.openapi"


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = ("GET /api/v1/events/{public_id}", "GET /api/v1/events/{public_id}/results",
              "GET /api/v1/rounds/{round_id}/results", "POST /api/v1/tally")


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_fuzzed_against_its_openapi_document(app, world: World, label: str) -> None:
    """Schemathesis over the served document, in this process against the WSGI app, 50 examples per
    operation. (Run through hypothesis directly: schemathesis' pytest plugin does not work with pytest 9.)"""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    found = {result.ok().label: result.ok() for result in schema.get_all_operations()}
    operation = found[label]

    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    call()
