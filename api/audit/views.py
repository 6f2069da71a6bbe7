"""Read-only access to the audit log (supervisors, admins)."""

from fastapi import APIRouter
from sqlalchemy import select

from api.audit.models import AuditEntry
from api.auth.deps import Supervisor
from api.core.clock import local
from api.core.db import SessionDep

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get("/audit")
def audit_log(session: SessionDep, _: Supervisor, target_id: str | None = None, limit: int = 200) -> list[dict]:
    """Newest entries first, optionally for one record (case number, user, …)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(min(max(limit, 1), 1000))
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    return [
        {
            "at": local(e.at).isoformat(),
            "actor": e.actor,
            "role": e.role,
            "action": e.action,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "before": e.before,
            "after": e.after,
            "request_id": e.request_id,
        }
        for e in session.scalars(query)
    ]
