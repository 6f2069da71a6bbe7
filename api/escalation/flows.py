"""Escalation steps: warn the handler, raise a case one level — each recorded and notified once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.escalation.models import EscalationStep
from api.history import service as history
from api.notifications import service as notifications
from api.service_policy import get_policy

ROLE_ZH = {"supervisor": "主管", "manager": "经理"}


def _taken(session: Session, case_type: str, case_id: int, kind: str, target: str, level: int) -> bool:
    return (
        session.scalar(
            select(EscalationStep.id).where(
                EscalationStep.case_type == case_type,
                EscalationStep.case_id == case_id,
                EscalationStep.kind == kind,
                EscalationStep.target == target,
                EscalationStep.level == level,
            )
        )
        is not None
    )


def warn(
    session: Session,
    actor: Principal,
    case_type: str,
    case,
    target: str,
    label: str,
    due: dt.datetime,
    *,
    now: dt.datetime,
) -> bool:
    """Tell the handler a deadline is near (once per target); False if already warned."""
    if _taken(session, case_type, case.id, "warning", target, 0):
        return False
    session.add(
        EscalationStep(
            case_type=case_type,
            case_id=case.id,
            kind="warning",
            target=target,
            level=0,
            at=now,
            reason=f"{label} 即将到期",
        )
    )
    history.record(
        session,
        actor,
        case_type,
        case.id,
        case.number,
        "warning",
        data={"target": target},
        note=f"「{label}」时限即将到期（{due.isoformat()}）",
        at=now,
    )
    notifications.notify(
        session,
        kind="sla_warning",
        recipient_role="handler",
        recipient=case.handler,
        case_type=case_type,
        case_number=case.number,
        subject=f"{case.number} 时限预警",
        body=f"「{label}」将于 {due.isoformat()} 到期，请尽快处理。",
    )
    return True


def escalate(
    session: Session, actor: Principal, case_type: str, case, level: int, reason: str, *, now: dt.datetime
) -> bool:
    """Raise the case to `level` (once per level); False if it is already there."""
    if case.escalation_level >= level or _taken(session, case_type, case.id, "escalation", "", level):
        return False
    role = next(lv.role for lv in get_policy().escalation.levels if lv.level == level)
    before = case.escalation_level
    case.escalation_level = level
    session.add(
        EscalationStep(
            case_type=case_type, case_id=case.id, kind="escalation", target="", level=level, at=now, reason=reason[:200]
        )
    )
    history.record(
        session,
        actor,
        case_type,
        case.id,
        case.number,
        "escalation",
        from_state=f"L{before}",
        to_state=f"L{level}",
        note=reason,
        before={"escalation_level": before},
        after={"escalation_level": level, "to_role": role},
        at=now,
    )
    notifications.notify(
        session,
        kind="escalation",
        recipient_role=role,
        case_type=case_type,
        case_number=case.number,
        subject=f"{case.number} 已升级至{ROLE_ZH.get(role, role)}",
        body=reason,
    )
    return True
