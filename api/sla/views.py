"""SLA preview: every target's deadline for a case accepted at a given time; term preview: the last day of a
policy term (grace, hesitation, the limitation to claim) counted from a given day. The bot quotes these."""

from datetime import date, datetime, timedelta
from typing import Literal

from fastapi import APIRouter
from pydantic import AwareDatetime

from api.core.clock import utcnow
from api.core.errors import BadRequest
from api.service_policy import get_policy
from api.sla import engine
from api.sla.runtime import get_calendar

router = APIRouter(prefix="/api/v1", tags=["sla"])


@router.get("/sla/preview")
def sla_preview(
    case_type: Literal["complaint", "claim", "handover", "data_request"],
    start: AwareDatetime | None = None,
    priority: str | None = None,
    category: str | None = None,
) -> dict:
    """Due times of each target; claims need priority (紧急/较高/一般) and category (普通/复杂/紧急/重复)."""
    start = start or utcnow()
    try:
        targets = engine.preview(get_policy(), get_calendar(), case_type, start, priority, category)
    except ValueError as exc:
        raise BadRequest(
            f"参数不正确：{exc}", str(exc), field="priority" if "priority" in str(exc) else "category"
        ) from None
    calendar, latest = get_calendar(), max(datetime.fromisoformat(t["due_at"]) for t in targets)
    # a date in a year whose 调休 is not published yet is said to be provisional
    provisional = calendar.provisional(start, latest)
    return {"case_type": case_type, "start": start.isoformat(), "targets": targets, "provisional": provisional}


@router.get("/terms/preview")
def term_preview(term: Literal["grace", "hesitation", "limitation_life", "limitation_other"], start: date) -> dict:
    """The last day of a policy term counted from `start` (the premium due day; the day the policy was received;
    the day the insured event became known): the policy file's calendar days from the day after, or its years
    to the same date (29 February: the 28th)."""
    terms = get_policy().customer_terms
    if term.startswith("limitation_"):
        years = terms.claim_limitation_years[term.removeprefix("limitation_")]
        try:
            ends = start.replace(year=start.year + years)
        except ValueError:
            ends = start.replace(year=start.year + years, day=28)
        return {"term": term, "start": start.isoformat(), "years": years, "ends": ends.isoformat()}
    days = getattr(terms, f"{term}_days")
    return {"term": term, "start": start.isoformat(), "days": days, "ends": (start + timedelta(days=days)).isoformat()}
