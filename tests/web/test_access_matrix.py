"""Who may reach what: every endpoint of ``app.url_map`` for six roles, against tests/access_matrix.csv.

Each role gets a fresh world (tests/security_world.py) and walks every route with real ids: a GET for
routes that have one, otherwise a POST with an empty form (CSRF is off here; test_security.py checks it),
logging out last. A new endpoint that is missing from the table fails the test: add a row, after deciding
who may reach it. To print the observed table (e.g. after adding routes), run with
``BUURTSTEM_ACCESS_MATRIX_OUT=some/dir`` and merge the per-role files with ``python -m tests.web.test_access_matrix
some/dir``; review every changed cell before committing it.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.conftest import log_in
from tests.security_world import ROLES, World, fast_passwords, make_world

pytestmark = pytest.mark.usefixtures(fast_passwords.__name__)

TABLE = Path(__file__).parents[1] / "access_matrix.csv"
# they change the session itself (a ticket, an open-join voter, the language, the login): walked at the end
LAST = ("attend.ticket", "scorecard.open_join", "main.set_language", "auth.logout")


def walk_rules(app: Flask) -> list[tuple[Rule, str]]:
    """Every rule with the method walked: GET where there is one, else POST; session-changing ones last."""
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint in LAST, LAST.index(rule.endpoint)
                                                                if rule.endpoint in LAST else 0, rule.endpoint))
    return [(rule, "GET" if "GET" in (rule.methods or set()) else "POST") for rule in rules]


def read_table() -> dict[str, dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return {row["endpoint"]: row for row in csv.DictReader(handle)}


def become(client: FlaskClient, world: World, role: str) -> None:
    emails = {"host_a": world.host_a.email, "host_b": world.host_b.email, "committee": world.member.email,
              "admin": world.admin.email}
    if role in emails:
        log_in(client, emails[role])
    elif role == "attendee":
        assert client.get(f"/t/{world.attendee.token}").status_code == 302


def status_of(client: FlaskClient, method: str, path: str) -> int:
    response = client.open(path, method=method, data={}, buffered=False)
    status = response.status_code
    response.close()  # the live stream never ends on its own
    return status


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_each_role_as_the_table_says(client, app, role: str) -> None:
    world = make_world()
    become(client, world, role)
    table = read_table()
    observed, wrong, missing = {}, [], []
    for rule, method in walk_rules(app):
        status = status_of(client, method, world.path(rule))
        observed[rule.endpoint] = {"method": method, "status": status}
        row = table.get(rule.endpoint)
        if row is None:
            missing.append(rule.endpoint)
        elif row["method"] != method or row[role] != str(status):
            wrong.append(f"{rule.endpoint} {method} {world.path(rule)}: table {row[role]}, got {status}")
    out = os.environ.get("BUURTSTEM_ACCESS_MATRIX_OUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"{role}.json").write_text(json.dumps(observed, indent=1), encoding="utf-8")
    assert not missing, f"endpoints missing from {TABLE.name} (add a row for each): {missing}"
    assert not wrong, "\n".join(wrong)


def test_table_lists_only_existing_endpoints(app) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(set(read_table()) - endpoints) == []


def test_other_host_and_outsiders_never_get_a_host_page(app) -> None:
    """The rule the table must keep: nobody but host A and the admin gets a 2xx on host A's pages."""
    own_pages = {"host.dashboard", "host.new_event"}  # every host has their own
    for endpoint, row in read_table().items():
        if endpoint in own_pages:
            assert row["host_b"] == "200" and row["anonymous"] == "302" and row["committee"] == "403"
        elif endpoint.split(".")[0] in {"host", "tender_host", "budget_host"} or endpoint.startswith("reports.host"):
            for role in ("anonymous", "attendee", "host_b", "committee"):
                assert not row[role].startswith("2"), (endpoint, role, row[role])


def merge(directory: str) -> None:
    """Write the table from the per-role files of a run with BUURTSTEM_ACCESS_MATRIX_OUT."""
    observed = {role: json.loads((Path(directory) / f"{role}.json").read_text(encoding="utf-8")) for role in ROLES}
    with TABLE.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["endpoint", "method", *ROLES])
        for endpoint in sorted(observed[ROLES[0]]):
            writer.writerow([endpoint, observed[ROLES[0]][endpoint]["method"],
                             *(observed[role][endpoint]["status"] for role in ROLES)])


if __name__ == "__main__":
    merge(sys.argv[1])
