"""The escalation sweep: one short transaction per case, row-locked so parallel sweeps never double up."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.auth.principal import SYSTEM
from api.claims import service as claims
from api.claims.models import Claim
from api.complaints import service as complaints
from api.complaints.models import Complaint
from api.escalation import flows
from api.escalation.rules import due_steps
from api.service_policy import get_policy

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    checked: int = 0
    warnings: int = 0
    escalations: int = 0
    skipped_locked: int = 0
    errors: list[str] = field(default_factory=list)


def _statuses(session: Session, case, now: dt.datetime):
    if isinstance(case, Claim):
        return claims.sla_statuses(session, case, now=now)
    return complaints.sla_statuses(case, now=now)


def _refresh(session: Session, case, now: dt.datetime) -> None:
    if isinstance(case, Claim):
        claims.refresh_next_due(session, case, now=now)
    else:
        complaints.refresh_next_due(case, now=now)


def _sweep_one(session: Session, model, case_id: int, now: dt.datetime, report: SweepReport) -> None:
    # SKIP LOCKED: a case another sweeper holds right now is that sweeper's job this round.
    case = session.scalar(select(model).where(model.id == case_id).with_for_update(skip_locked=True, of=model))
    if case is None:
        report.skipped_locked += 1
        return
    case_type = "claim" if model is Claim else "complaint"
    statuses = _statuses(session, case, now)
    steps = due_steps(statuses, case.escalation_level, get_policy(), now)
    for status in steps.warnings:
        report.warnings += flows.warn(
            session, SYSTEM, case_type, case, status.name, status.label, status.due_at, now=now
        )
    labels = "、".join(s.label for s in steps.breached)
    for level in steps.levels:
        report.escalations += flows.escalate(session, SYSTEM, case_type, case, level, f"超时未完成：{labels}", now=now)
    _refresh(session, case, now)
    report.checked += 1


def sweep(make_session: sessionmaker[Session], *, now: dt.datetime) -> SweepReport:
    """Check every open claim and complaint once; safe to run in several processes at the same time."""
    report = SweepReport()
    with make_session() as session:
        candidates = [(Claim, i) for i in session.scalars(select(Claim.id).where(Claim.next_due_at.is_not(None)))]
        candidates += [
            (Complaint, i) for i in session.scalars(select(Complaint.id).where(Complaint.next_due_at.is_not(None)))
        ]
    for model, case_id in candidates:
        try:
            with make_session.begin() as session:
                _sweep_one(session, model, case_id, now, report)
        except Exception as exc:  # one bad case must not stop the sweep of the others
            log.exception("sweep failed for %s %s", model.__tablename__, case_id)
            report.errors.append(f"{model.__tablename__}:{case_id}: {exc}")
    return report
