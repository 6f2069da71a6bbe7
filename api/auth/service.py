"""Account operations: authenticate, create users, keep the bot's service account in sync."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import Role, User
from api.core.config import get_settings
from api.core.security import hash_password, verify_password

BOT_USERNAME = "bot"


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(password, user.password_hash):
        return None
    return user


def get_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def get_staff(session: Session, username: str) -> User | None:
    """The staff user of that name who can handle a case (not the bot's service identity), or None."""
    user = get_by_username(session, username)
    return user if user is not None and user.role != "service" else None


def upsert_user(
    session: Session, *, username: str, full_name: str, role: Role, password: str, staff_no: str | None = None
) -> User:
    """Create the user or reset its password/role (used by the seed and operators)."""
    user = get_by_username(session, username)
    if user is None:
        user = User(
            username=username, full_name=full_name, role=role, staff_no=staff_no, password_hash=hash_password(password)
        )
        session.add(user)
    elif not verify_password(password, user.password_hash) or user.role != role:
        user.password_hash, user.role = hash_password(password), role
    return user


def ensure_service_account(session: Session) -> User:
    """The action server's identity; its password comes from BOT_PASSWORD / var/secrets.json."""
    return upsert_user(
        session,
        username=BOT_USERNAME,
        full_name="智能客服机器人",
        role=Role.SERVICE,
        password=get_settings().bot_password,
    )
