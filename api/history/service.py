"""One place that records a case's state change: history row + audit entry, same transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.auth.principal import Principal
from api.core.clock import local, utcnow
from api.history.models import CaseEvent


def record(
    session: Session,
    actor: Principal,
    case_type: str,
    case_id: int,
    case_number: str,
    kind: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
    data: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Append a history event (at the business time `at`, default now) and the matching audit entry."""
    event = CaseEvent(
        case_type=case_type,
        case_id=case_id,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=actor.username,
        note=note,
        data=data,
        at=at or utcnow(),
    )
    session.add(event)
    audit.record(
        session,
        actor,
        f"{case_type}.{kind}",
        case_type,
        case_number,
        before=before if before is not None else ({"state": from_state} if from_state else None),
        after=after if after is not None else ({"state": to_state} if to_state else data),
    )
    return event


def events_for(session: Session, case_type: str, case_id: int) -> list[CaseEvent]:
    """The case's history, oldest first."""
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_type == case_type, CaseEvent.case_id == case_id)
            .order_by(CaseEvent.at, CaseEvent.id)
        )
    )


def public_events(session: Session, case_type: str, case_id: int) -> list[dict]:
    """The case's history as staff see it (times in Asia/Shanghai)."""
    return [
        {
            "kind": e.kind,
            "from": e.from_state,
            "to": e.to_state,
            "actor": e.actor,
            "at": local(e.at).isoformat(),
            "note": e.note,
        }
        for e in events_for(session, case_type, case_id)
    ]
