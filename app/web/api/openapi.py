"""The OpenAPI 3.1 description of ``/api/v1``; docs/api.md holds a copy (a test keeps the two equal).

The advice report's schema is docs/report-format.schema.json, included as a component, so the API and the
file format cannot drift apart.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

REPORT_SCHEMA = Path(__file__).parents[3] / "docs" / "report-format.schema.json"
PUBLIC_ID = {"type": "string", "minLength": 1, "maxLength": 16}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _path_parameter(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": PUBLIC_ID}


@cache
def _report_schemas() -> dict[str, Any]:
    """The report schema as components: ``AdviceReport`` and its ``$defs`` as ``Report_<name>``."""
    text = REPORT_SCHEMA.read_text(encoding="utf-8").replace('"#/$defs/', '"#/components/schemas/Report_')
    schema: dict[str, Any] = json.loads(text)
    schema.pop("$schema", None)
    schema.pop("$id", None)
    definitions = schema.pop("$defs", {})
    return {"AdviceReport": schema, **{f"Report_{name}": value for name, value in definitions.items()}}


def openapi_document() -> dict[str, Any]:
    event_id = _path_parameter("public_id", "The event's public id (as in /e/<public_id>).")
    round_id = _path_parameter("round_id", "The budget round's public id.")
    not_found = _error_response("Unknown, or not public yet (error code api_not_found or api_not_published).")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Buurtstem API",
            "version": "1.0.0",
            "description": "Read-only facts and published results of Buurtstem events, and a stateless "
                           "tally of pabulib .pb files. No authentication: only public data.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/events/{public_id}": {"get": {
                "operationId": "getEvent", "summary": "Public facts of an event",
                "parameters": [event_id],
                "responses": {"200": _ok("The event.", "Event"), "404": not_found},
            }},
            "/api/v1/events/{public_id}/results": {"get": {
                "operationId": "getEventResults", "summary": "The published advice report (Idols evening)",
                "parameters": [event_id],
                "responses": {"200": _ok("The advice report, format docs/report-format.md.", "AdviceReport"),
                              "404": not_found},
            }},
            "/api/v1/rounds/{round_id}/results": {"get": {
                "operationId": "getRoundResults", "summary": "The published result of a budget round",
                "parameters": [round_id],
                "responses": {"200": _ok("The round's result.", "RoundResult"), "404": not_found},
            }},
            "/api/v1/tally": {"post": {
                "operationId": "tallyPabulib",
                "summary": "Count a pabulib .pb file (stateless: nothing is stored)",
                "parameters": [{"name": "rule", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": ["greedy", "mes", "mes-greedy"],
                                           "default": "mes"}}],
                "requestBody": {"required": True, "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                }},
                "responses": {
                    "200": _ok("The winners under the rule and what they cost together.", "TallyResult"),
                    "400": _error_response("Not a valid .pb file or an unknown rule (api_bad_file, api_bad_request)."),
                    "413": _error_response("The body is larger than the limit (api_too_large)."),
                },
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "getOpenApi", "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {
                    "schema": {"type": "object"}}}}},
            }},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error", "message"], "additionalProperties": False,
                      "properties": {"error": {"type": "string", "description": "Stable code."},
                                     "message": {"type": "string", "description": "In the reader's language."}}},
            "Event": {
                "type": "object", "additionalProperties": False,
                "required": ["public_id", "title", "description", "location", "starts_at", "ends_at", "language",
                             "status", "tender", "rounds"],
                "properties": {
                    "public_id": PUBLIC_ID, "title": {"type": "string"}, "description": {"type": "string"},
                    "location": {"type": "string"}, "starts_at": NULLABLE_TIME, "ends_at": NULLABLE_TIME,
                    "language": {"type": "string"},
                    "status": {"type": "string", "enum": ["draft", "open", "closed", "published"]},
                    "tender": {"oneOf": [{"type": "null"}, {
                        "type": "object", "required": ["title", "published"], "additionalProperties": False,
                        "properties": {"title": {"type": "string"}, "published": {"type": "boolean"}}}]},
                    "rounds": {"type": "array", "items": {
                        "type": "object", "required": ["public_id", "title", "phase", "published"],
                        "additionalProperties": False,
                        "properties": {"public_id": PUBLIC_ID, "title": {"type": "string"},
                                       "phase": {"type": "string", "enum": ["proposals", "review", "voting",
                                                                            "results", "published"]},
                                       "published": {"type": "boolean"}}}},
                },
            },
            "RoundResult": {
                "type": "object", "additionalProperties": False,
                "required": ["public_id", "title", "rule", "budget_cents", "spent_cents", "ballots", "winners",
                             "projects"],
                "properties": {
                    "public_id": PUBLIC_ID, "title": {"type": "string"},
                    "rule": {"type": "string", "enum": ["greedy", "mes", "mes-greedy"]},
                    "budget_cents": {"type": "integer", "minimum": 0},
                    "spent_cents": {"type": "integer", "minimum": 0},
                    "ballots": {"type": "integer", "minimum": 0},
                    "winners": {"type": "array", "items": {"type": "string"}},
                    "projects": {"type": "array", "items": {
                        "type": "object", "required": ["code", "title", "cost_cents", "votes", "funded"],
                        "additionalProperties": False,
                        "properties": {"code": {"type": "string"}, "title": {"type": "string"},
                                       "cost_cents": {"type": "integer"}, "votes": {"type": "integer"},
                                       "funded": {"type": "boolean"}}}},
                },
            },
            "TallyResult": {
                "type": "object", "required": ["rule", "winners", "spent"], "additionalProperties": False,
                "properties": {"rule": {"type": "string"}, "winners": {"type": "array", "items": {"type": "string"}},
                               "spent": {"type": "integer", "minimum": 0,
                                         "description": "In the file's own unit (whole currency units)."}},
            },
            **_report_schemas(),
        }},
    }


if __name__ == "__main__":
    print(json.dumps(openapi_document(), indent=2, ensure_ascii=False))
