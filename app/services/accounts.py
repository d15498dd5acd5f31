"""Accounts: creating users, logging in with a per-account throttle, and the first admin's setup link."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.domain.tickets import hash_secret
from app.extensions import db
from app.models import Role, SetupLink, User
from app.models.clock import utcnow
from app.services.errors import Conflict, DomainError, Gone, NotFound, TooManyAttempts

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, password: str, role: Role) -> User:
    """Create an account; refuses a duplicate address and a password shorter than 10 characters."""
    user = _new_user(email, password, role)
    db.session.commit()
    return user


def _new_user(email: str, password: str, role: Role) -> User:
    address = normalise_email(email)
    if "@" not in address or len(address) > 254:
        raise DomainError("invalid_email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short", length=MIN_PASSWORD_LENGTH)
    if db.session.scalar(sa.select(User.id).where(User.email == address)) is not None:
        raise Conflict("email_taken")
    user = User(email=address, password_hash=_hasher.hash(password), role=role)
    db.session.add(user)
    db.session.flush()
    return user


def generate_password() -> str:
    """A password to print once, for accounts made from the shell without typing one."""
    return secrets.token_urlsafe(12)


def authenticate(email: str, password: str, max_failures: int, lock_seconds: int,
                 now: datetime | None = None) -> User:
    """Check a password. After ``max_failures`` wrong tries the account locks, doubling each time.

    The lock is per account, not per IP, because everyone in a neighbourhood house shares one address.
    An unknown address gets the same answer as a wrong password.
    """
    moment = now or utcnow()
    user: User | None = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check
        raise DomainError("bad_login")
    if user.locked_until is not None and user.locked_until > moment:
        raise TooManyAttempts("login_locked", seconds=int((user.locked_until - moment).total_seconds()) + 1)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            extra = user.failed_logins - max_failures
            user.locked_until = moment + timedelta(seconds=lock_seconds * 2 ** min(extra, 10))
        db.session.commit()
        raise DomainError("bad_login") from None
    if not user.active:
        raise DomainError("bad_login")
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.session.commit()
    return user


def needs_first_admin() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def create_setup_link() -> str:
    """A one-time token for the first admin; returns the token, stores only its hash."""
    token = secrets.token_urlsafe(24)
    db.session.add(SetupLink(token_hash=hash_secret(token)))
    db.session.commit()
    return token


def setup_link_valid(token: str) -> bool:
    link = db.session.scalar(sa.select(SetupLink).where(SetupLink.token_hash == hash_secret(token)))
    return link is not None and link.used_at is None and needs_first_admin()


def complete_setup(token: str, email: str, password: str) -> User:
    """Turn a setup link into the first admin account. Works once, and only while there is no user."""
    link = db.session.scalar(sa.select(SetupLink).where(SetupLink.token_hash == hash_secret(token)))
    if link is None or link.used_at is not None or not needs_first_admin():
        raise Gone("setup_link_used")
    user = _new_user(email, password, Role.ADMIN)
    link.used_at = utcnow()
    db.session.commit()
    return user


def users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.email)))


def user_by_email(email: str) -> User:
    user: User | None = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound("user_not_found")
    return user
