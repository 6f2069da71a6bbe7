"""Supervisor queue (escalated, urged, near-breach cases) and a manual sweep trigger."""

from fastapi import APIRouter
from sqlalchemy import select

from api.auth.deps import Admin, Supervisor
from api.core.clock import utcnow
from api.core.db import SessionDep, get_sessionmaker
from api.escalation.job import SWEPT, sweep
from api.service_policy import get_policy
from api.sla.engine import TargetState

router = APIRouter(prefix="/api/v1", tags=["escalation"])
ATTENTION = {TargetState.WARNING, TargetState.BREACHED}


@router.get("/queue/supervisor")
def supervisor_queue(session: SessionDep, _: Supervisor) -> list[dict]:
    """Open cases needing a supervisor: escalated, urged or near/over a deadline — most pressing first."""
    now, boost = utcnow(), get_policy().escalation.urge.get("queue_boost", 1)
    rows = [
        (kind.case_type, case, kind.statuses(session, case, now))
        for kind in SWEPT
        for case in session.scalars(select(kind.model).where(kind.model.next_due_at.is_not(None)))
    ]
    queue = []
    for kind, case, statuses in rows:
        flagged = [s for s in statuses if s.state in ATTENTION]
        urges = getattr(case, "urge_count", 0)  # a data request cannot be urged (yet)
        if not (case.escalation_level or urges or flagged):
            continue
        queue.append(
            {
                "case_type": kind,
                "number": case.number,
                "escalation_level": case.escalation_level,
                "urge_count": urges,
                "handler": case.handler,
                "state": getattr(case, "status", None) or getattr(case, "stage", None),
                "priority": getattr(case, "priority", None),
                "next_due_at": case.next_due_at.isoformat() if case.next_due_at else None,
                "targets": [s.to_dict() for s in flagged],
                "_rank": (-(case.escalation_level * 10 + urges * boost), case.next_due_at or now),
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
