"""The notification outbox as staff see it (the console shows pending alerts)."""

from fastapi import APIRouter
from sqlalchemy import select

from api.auth.deps import Staff
from api.core.clock import local
from api.core.db import SessionDep
from api.notifications.models import Notification

router = APIRouter(prefix="/api/v1", tags=["notifications"])


@router.get("/notifications")
def list_notifications(
    session: SessionDep, _: Staff, recipient_role: str | None = None, case_number: str | None = None, limit: int = 100
) -> list[dict]:
    """Newest first, filtered by role (handler/supervisor/manager/customer) or case."""
    query = select(Notification).order_by(Notification.id.desc()).limit(min(max(limit, 1), 500))
    if recipient_role:
        query = query.where(Notification.recipient_role == recipient_role)
    if case_number:
        query = query.where(Notification.case_number == case_number)
    return [
        {
            "at": local(n.at).isoformat(),
            "kind": n.kind,
            "recipient_role": n.recipient_role,
            "recipient": n.recipient,
            "case_type": n.case_type,
            "case_number": n.case_number,
            "subject": n.subject,
            "body": n.body,
            "status": n.status,
        }
        for n in session.scalars(query)
    ]
