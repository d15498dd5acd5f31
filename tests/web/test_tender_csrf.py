"""With CSRF protection on (as in production), a score card without its token is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Scorecard
from tests.conftest import make_test_config
from tests.tender_factories import issue, make_tender, open_first


@pytest.fixture
def app_config(tmp_path, postgres_url):
    return make_test_config(tmp_path, postgres_url, WTF_CSRF_ENABLED=True)


def test_a_card_without_csrf_token_is_refused_and_nothing_written(client, app) -> None:
    tender = make_tender()
    open_first(tender)
    [issued] = issue(tender, 1)
    client.get(f"/t/{issued.token}")
    answers = {f"c-{c.public_id}": "8" for c in tender.criteria}
    response = client.post(f"/stem/kaart/{tender.bidders[0].public_id}", data=answers,
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Scorecard.id))) == 0
