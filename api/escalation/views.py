"""Supervisor queue (escalated, urged, near-breach cases) and a manual sweep trigger."""

from fastapi import APIRouter
from sqlalchemy import select

from api.auth.deps import Admin, Supervisor
from api.claims import service as claims
from api.claims.models import Claim
from api.complaints import service as complaints
from api.complaints.models import Complaint
from api.core.clock import utcnow
from api.core.db import SessionDep, get_sessionmaker
from api.escalation.job import sweep
from api.service_policy import get_policy
from api.sla.engine import TargetState

router = APIRouter(prefix="/api/v1", tags=["escalation"])
ATTENTION = {TargetState.WARNING, TargetState.BREACHED}


@router.get("/queue/supervisor")
def supervisor_queue(session: SessionDep, _: Supervisor) -> list[dict]:
    """Open cases needing a supervisor: escalated, urged or near/over a deadline — most pressing first."""
    now, boost = utcnow(), get_policy().escalation.urge.get("queue_boost", 1)
    rows = [
        ("claim", c, claims.sla_statuses(session, c, now=now))
        for c in session.scalars(select(Claim).where(Claim.next_due_at.is_not(None)))
    ]
    rows += [
        ("complaint", c, complaints.sla_statuses(c, now=now))
        for c in session.scalars(select(Complaint).where(Complaint.next_due_at.is_not(None)))
    ]
    queue = []
    for kind, case, statuses in rows:
        flagged = [s for s in statuses if s.state in ATTENTION]
        if not (case.escalation_level or case.urge_count or flagged):
            continue
        queue.append(
            {
                "case_type": kind,
                "number": case.number,
                "escalation_level": case.escalation_level,
                "urge_count": case.urge_count,
                "handler": case.handler,
                "state": getattr(case, "status", None) or getattr(case, "stage", None),
                "priority": case.priority,
                "next_due_at": case.next_due_at.isoformat() if case.next_due_at else None,
                "targets": [s.to_dict() for s in flagged],
                "_rank": (-(case.escalation_level * 10 + case.urge_count * boost), case.next_due_at or now),
            }
        )
    queue.sort(key=lambda row: row["_rank"])
    for row in queue:
        row.pop("_rank")
    return queue


@router.post("/escalation/sweep")
def run_sweep(_: Admin) -> dict:
    """Run one sweep now (the worker process does this every sweep_interval_seconds)."""
    report = sweep(get_sessionmaker(), now=utcnow())
    return {
        "checked": report.checked,
        "warnings": report.warnings,
        "escalations": report.escalations,
        "skipped_locked": report.skipped_locked,
        "errors": report.errors,
    }
