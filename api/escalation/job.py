"""The escalation sweep: one short transaction per case, row-locked so parallel sweeps never double up."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.auth.principal import SYSTEM
from api.claims import service as claims
from api.claims.models import Claim
from api.complaints import service as complaints
from api.complaints.models import Complaint
from api.data_requests import service as data_requests
from api.data_requests.models import DataRequest
from api.escalation import flows
from api.escalation.rules import due_steps
from api.service_policy import get_policy
from api.sla.engine import TargetStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweptCase:
    """A case type the sweep watches: its model, and how its service evaluates and re-arms its deadlines."""

    case_type: str
    model: type
    statuses: Callable[[Session, Any, dt.datetime], list[TargetStatus]]
    refresh: Callable[[Session, Any, dt.datetime], None]


SWEPT = (
    SweptCase(
        "claim",
        Claim,
        lambda session, case, now: claims.sla_statuses(session, case, now=now),
        lambda session, case, now: claims.refresh_next_due(session, case, now=now),
    ),
    SweptCase(
        "complaint",
        Complaint,
        lambda _session, case, now: complaints.sla_statuses(case, now=now),
        lambda _session, case, now: complaints.refresh_next_due(case, now=now),
    ),
    SweptCase(
        "data_request",
        DataRequest,
        lambda _session, case, now: data_requests.sla_statuses(case, now=now),
        lambda _session, case, now: data_requests.refresh_next_due(case, now=now),
    ),
)


@dataclass
class SweepReport:
    checked: int = 0
    warnings: int = 0
    escalations: int = 0
    skipped_locked: int = 0
    errors: list[str] = field(default_factory=list)


def _sweep_one(session: Session, kind: SweptCase, case_id: int, now: dt.datetime, report: SweepReport) -> None:
    model = kind.model
    # SKIP LOCKED: a case another sweeper holds right now is that sweeper's job this round.
    case = session.scalar(select(model).where(model.id == case_id).with_for_update(skip_locked=True, of=model))
    if case is None:
        report.skipped_locked += 1
        return
    statuses = kind.statuses(session, case, now)
    steps = due_steps(statuses, case.escalation_level, get_policy(), now)
    for status in steps.warnings:
        report.warnings += flows.warn(
            session, SYSTEM, kind.case_type, case, status.name, status.label, status.due_at, now=now
        )
    labels = "、".join(s.label for s in steps.breached)
    for level in steps.levels:
        report.escalations += flows.escalate(
            session, SYSTEM, kind.case_type, case, level, f"超时未完成：{labels}", now=now
        )
    kind.refresh(session, case, now)
    report.checked += 1


def sweep(make_session: sessionmaker[Session], *, now: dt.datetime) -> SweepReport:
    """Check every open claim, complaint and data request once; safe to run in several processes at the same time."""
    report = SweepReport()
    with make_session() as session:
        candidates = [
            (kind, case_id)
            for kind in SWEPT
            for case_id in session.scalars(select(kind.model.id).where(kind.model.next_due_at.is_not(None)))
        ]
    for kind, case_id in candidates:
        try:
            with make_session.begin() as session:
                _sweep_one(session, kind, case_id, now, report)
        except Exception as exc:  # one bad case must not stop the sweep of the others
            log.exception("sweep failed for %s %s", kind.model.__tablename__, case_id)
            report.errors.append(f"{kind.model.__tablename__}:{case_id}: {exc}")
    return report
