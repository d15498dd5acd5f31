import pytest


def test_404_page_in_the_users_language(client, app) -> None:
    response = client.get("/does-not-exist", headers={"Accept-Language": "nl"})
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


@pytest.fixture
def app_config(app_config):
    return app_config | {"TESTING": False, "PROPAGATE_EXCEPTIONS": False}


def test_500_page_hides_the_stack_trace(client, app) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = client.get("/boom", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_database_pool_exhaustion_answers_503_not_500(client, app) -> None:
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    @app.get("/busy")
    def busy() -> str:
        raise PoolTimeout("QueuePool limit reached")

    response = client.get("/busy", headers={"Accept-Language": "nl"})
    assert response.status_code == 503
    assert "niet opgeslagen" in response.get_data(as_text=True)
