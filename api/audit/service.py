"""Writes audit entries; never updates or deletes them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.audit.models import AuditEntry
from api.auth.principal import Principal
from api.core.context import request_id_var


def record(
    session: Session,
    actor: Principal,
    action: str,
    target_type: str,
    target_id: str | int,
    *,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """Append one audit entry in the caller's transaction (it lands with the change or not at all)."""
    session.add(
        AuditEntry(
            actor=actor.username,
            role=actor.role,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            before=before,
            after=after,
            request_id=request_id_var.get(),
        )
    )
