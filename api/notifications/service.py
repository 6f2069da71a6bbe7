"""Queues notifications in the outbox (delivery is a separate concern)."""

from sqlalchemy.orm import Session

from api.notifications.models import Notification


def notify(
    session: Session,
    *,
    kind: str,
    recipient_role: str,
    case_type: str,
    case_number: str,
    subject: str,
    body: str,
    recipient: str | None = None,
) -> Notification:
    """Write one outbox row in the caller's transaction."""
    row = Notification(
        kind=kind,
        recipient_role=recipient_role,
        recipient=recipient,
        case_type=case_type,
        case_number=case_number,
        subject=subject,
        body=body,
    )
    session.add(row)
    return row
