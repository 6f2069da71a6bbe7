"""KPI report for supervisors."""

import datetime as dt

from fastapi import APIRouter
from pydantic import AwareDatetime

from api.auth.deps import Supervisor
from api.core.clock import utcnow
from api.core.db import SessionDep
from api.core.errors import BadRequest
from api.kpis import service

router = APIRouter(prefix="/api/v1", tags=["kpis"])


@router.get("/kpis")
def kpis(
    session: SessionDep, _: Supervisor, since: AwareDatetime | None = None, until: AwareDatetime | None = None
) -> dict:
    """SLA compliance (overall and per case type), median first response, complaint closure rate, case counts,
    CSAT (default: last 30 days)."""
    now = utcnow()
    until = until or now
    since = since or until - dt.timedelta(days=30)
    if since >= until:
        raise BadRequest("统计区间的开始时间（since）应早于结束时间（until）", "since must be before until",
                         field="since")
    return service.compute(session, since=since, until=until, now=now)
