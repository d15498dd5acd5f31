"""The benchmark-only endpoint must not exist in a normal server."""

from __future__ import annotations

from app import create_app
from tests.conftest import make_test_config


def test_bench_endpoint_is_off_by_default(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("BUURTSTEM_BENCH_ENDPOINT", raising=False)
    app = create_app(make_test_config(tmp_path, None))
    assert app.test_client().get("/_bench/ok").status_code == 404


def test_bench_endpoint_answers_when_asked_for(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BUURTSTEM_BENCH_ENDPOINT", "1")
    app = create_app(make_test_config(tmp_path, None))
    response = app.test_client().get("/_bench/ok")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
