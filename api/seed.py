"""Idempotent demo data: a small insurer with staff, customers, policies, claims and complaints."""

from __future__ import annotations

from api.auth import service as auth_service
from api.auth.models import Role
from api.core.config import get_settings
from api.core.db import get_sessionmaker

# Demo staff (development only; README lists these logins).
DEMO_STAFF = [
    ("admin", "系统管理员", Role.ADMIN, "admin-demo", "A0001"),
    ("agent01", "张敏", Role.AGENT, "agent01-demo", "K1001"),
    ("agent02", "李强", Role.AGENT, "agent02-demo", "K1002"),
    ("super01", "王芳", Role.SUPERVISOR, "super01-demo", "S2001"),
]


def seed_demo() -> str:
    """Insert the demo records that are missing; return a one-line summary."""
    settings = get_settings()
    with get_sessionmaker().begin() as session:
        auth_service.ensure_service_account(session)
        if settings.environment == "production":
            return "production: service account ensured, demo data skipped"
        for username, name, role, password, staff_no in DEMO_STAFF:
            auth_service.upsert_user(
                session, username=username, full_name=name, role=role, password=password, staff_no=staff_no
            )
        from api import demo_cases

        created = demo_cases.seed(session)
    return f"demo data ready ({created} new records)"
