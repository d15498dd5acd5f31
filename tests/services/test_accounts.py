from datetime import timedelta

import pytest

from app.models import Role
from app.models.clock import utcnow
from app.services import accounts
from app.services.errors import Conflict, DomainError, Gone, TooManyAttempts
from tests.conftest import PASSWORD, make_user


def test_password_is_stored_as_argon2id(app) -> None:
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_duplicate_and_weak_accounts_are_refused(app) -> None:
    make_user("a@buurt.test")
    with pytest.raises(Conflict):
        make_user("A@Buurt.test")
    with pytest.raises(DomainError, match="password_too_short"):
        accounts.create_user("b@buurt.test", "short", Role.HOST)
    with pytest.raises(DomainError, match="invalid_email"):
        accounts.create_user("nobody", PASSWORD, Role.HOST)


def test_login_locks_the_account_after_repeated_failures(app) -> None:
    make_user("a@buurt.test")
    make_user("b@buurt.test")
    now = utcnow()
    for _ in range(5):
        with pytest.raises(DomainError, match="bad_login"):
            accounts.authenticate("a@buurt.test", "wrong password", 5, 60, now=now)
    with pytest.raises(TooManyAttempts):
        accounts.authenticate("a@buurt.test", PASSWORD, 5, 60, now=now)
    # the lock is per account: someone else in the same hall can still log in
    assert accounts.authenticate("b@buurt.test", PASSWORD, 5, 60, now=now).email == "b@buurt.test"
    # and it ends
    assert accounts.authenticate("a@buurt.test", PASSWORD, 5, 60, now=now + timedelta(seconds=61))


def test_unknown_address_looks_like_a_wrong_password(app) -> None:
    with pytest.raises(DomainError, match="bad_login"):
        accounts.authenticate("nobody@buurt.test", PASSWORD, 5, 60)


def test_setup_link_works_once_and_only_on_an_empty_database(app) -> None:
    token = accounts.create_setup_link()
    assert accounts.setup_link_valid(token)
    admin = accounts.complete_setup(token, "admin@buurt.test", PASSWORD)
    assert admin.role == Role.ADMIN
    assert not accounts.setup_link_valid(token)
    with pytest.raises(Gone):
        accounts.complete_setup(token, "other@buurt.test", PASSWORD)
    second = accounts.create_setup_link()
    assert not accounts.setup_link_valid(second)  # there is an admin now
