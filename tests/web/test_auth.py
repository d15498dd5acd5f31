from app.models import Role
from app.services import accounts
from tests.conftest import PASSWORD, log_in, make_user


def test_login_and_logout(client, app) -> None:
    make_user()
    log_in(client, "host@buurt.test")
    assert client.get("/host/").status_code == 200
    client.post("/logout")
    assert client.get("/host/").status_code == 302


def test_wrong_password_shows_a_message_in_dutch(client, app) -> None:
    make_user()
    response = client.post("/login", data={"email": "host@buurt.test", "password": "wrong one!"},
                           headers={"Accept-Language": "nl"})
    assert "horen niet bij elkaar" in response.get_data(as_text=True)


def test_locked_account_answers_429(client, app) -> None:
    make_user()
    for _ in range(5):
        client.post("/login", data={"email": "host@buurt.test", "password": "wrong one!"})
    response = client.post("/login", data={"email": "host@buurt.test", "password": PASSWORD},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.get_data(as_text=True)


def test_first_admin_through_setup_link(client, app) -> None:
    token = accounts.create_setup_link()
    page = client.get(f"/setup/{token}")
    assert page.status_code == 200
    response = client.post(f"/setup/{token}", data={"email": "admin@buurt.test", "password": PASSWORD,
                                                     "confirm": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200
    assert client.get(f"/setup/{token}").status_code == 410


def test_admin_creates_a_host_with_a_generated_password(client, app) -> None:
    make_user("admin@buurt.test", Role.ADMIN)
    log_in(client, "admin@buurt.test")
    response = client.post("/admin/users", data={"email": "new@buurt.test", "role": "host", "password": ""})
    body = response.get_data(as_text=True)
    assert "new@buurt.test" in body
    generated = body.split("<code>")[1].split("</code>")[0]
    client.post("/logout")
    log_in(client, "new@buurt.test", generated)


def test_only_admins_manage_accounts(client, app) -> None:
    make_user()
    log_in(client, "host@buurt.test")
    assert client.get("/admin/users").status_code == 403
