"""Service-quality KPIs (RULES §6): SLA compliance (claims, complaints, personal-data requests), first response,
complaint closure, CSAT."""

from __future__ import annotations

import datetime as dt
import statistics

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.claims import service as claims
from api.claims.models import Claim
from api.complaints import service as complaints
from api.complaints.enums import ComplaintStage
from api.complaints.models import Complaint
from api.data_requests import service as data_requests
from api.data_requests.enums import CLOSED_STATUSES
from api.data_requests.models import DataRequest
from api.feedback.models import Feedback
from api.handovers.models import Handover
from api.sla.engine import TargetState

DECIDED = {TargetState.MET: True, TargetState.MET_LATE: False, TargetState.BREACHED: False}


def _rate(outcomes: list[bool]) -> float | None:
    return round(sum(outcomes) / len(outcomes), 4) if outcomes else None


def _minutes(pairs) -> float | None:
    values = [(end - start).total_seconds() / 60 for start, end in pairs if start and end]
    return round(statistics.median(values), 1) if values else None


def compute(session: Session, *, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> dict:
    """KPIs over cases accepted in [since, until); a target counts once it is met or breached."""
    claim_rows = list(session.scalars(select(Claim).where(Claim.reported_at >= since, Claim.reported_at < until)))
    complaint_rows = list(
        session.scalars(select(Complaint).where(Complaint.accepted_at >= since, Complaint.accepted_at < until))
    )
    request_rows = list(
        session.scalars(select(DataRequest).where(DataRequest.accepted_at >= since, DataRequest.accepted_at < until))
    )
    # Per case type, so a supervisor sees which promise slips; the overall rate weighs every target alike.
    by_type = {
        "claims": [s for c in claim_rows for s in claims.sla_statuses(session, c, now=now)],
        "complaints": [s for c in complaint_rows for s in complaints.sla_statuses(c, now=now)],
        "data_requests": [s for r in request_rows for s in data_requests.sla_statuses(r, now=now)],
    }
    decided = {kind: [DECIDED[s.state] for s in rows if s.state in DECIDED] for kind, rows in by_type.items()}
    outcomes = [o for rows in decided.values() for o in rows]
    closed = sum(1 for c in complaint_rows if c.stage == ComplaintStage.CLOSED)
    csat = session.execute(
        select(func.avg(Feedback.score), func.count()).where(Feedback.at >= since, Feedback.at < until)
    ).one()
    handovers = session.execute(
        select(Handover.created_at, Handover.taken_at).where(Handover.created_at >= since, Handover.created_at < until)
    ).all()
    return {
        "period": {"since": since.isoformat(), "until": until.isoformat()},
        "sla_compliance_rate": _rate(outcomes),
        "sla_targets_decided": len(outcomes),
        "sla_compliance_by_type": {kind: _rate(rows) for kind, rows in decided.items()},
        "median_first_response_minutes": {
            "complaints": _minutes((c.accepted_at, c.first_response_at) for c in complaint_rows),
            "handovers": _minutes(handovers),
        },
        "complaint_closure_rate": round(closed / len(complaint_rows), 4) if complaint_rows else None,
        "complaints": len(complaint_rows),
        "claims": len(claim_rows),
        "data_requests": len(request_rows),
        "data_requests_open": sum(1 for r in request_rows if r.status not in CLOSED_STATUSES),
        "csat_average": round(float(csat[0]), 2) if csat[0] is not None else None,
        "csat_responses": csat[1],
    }
