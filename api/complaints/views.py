"""HTTP routes for complaints (thin: validation in schemas, logic in service)."""

from fastapi import APIRouter
from sqlalchemy import select

from api.auth.deps import Staff, StaffOrBot
from api.claims.schemas import UrgeRequest
from api.complaints import risk, service
from api.complaints.enums import ComplaintStage
from api.complaints.models import Complaint
from api.complaints.schemas import ComplaintCreate, Confirmation, CustomerUpdate, StageChange
from api.core.casegate import VerificationToken, fetch_visible
from api.core.clock import utcnow
from api.core.db import SessionDep
from api.service_policy import get_policy

router = APIRouter(prefix="/api/v1", tags=["complaints"])


@router.post("/complaints", status_code=201)
def create_complaint(body: ComplaintCreate, session: SessionDep, actor: StaffOrBot) -> dict:
    """Register a complaint; the reply carries the number and the policy's promises."""
    now = utcnow()
    complaint = service.create(session, actor, body, now=now)
    out = service.progress(complaint, now=now)
    out |= {
        "priority": complaint.priority,
        "high_risk": bool(complaint.high_risk_reasons),
        "high_risk_reasons": complaint.high_risk_reasons,
        "escalation_level": complaint.escalation_level,
        "promises": {
            "feedback": get_policy().sla.complaint["feedback"].model_dump(exclude_none=True),
            "resolution": get_policy().sla.complaint["resolution"].model_dump(exclude_none=True),
        },
    }
    return out


@router.get("/complaints/suggest-type")
def suggest_type(text: str, _: StaffOrBot) -> dict:
    """Propose a complaint type from the customer's description (the customer confirms it)."""
    policy = get_policy()
    kind, words = risk.suggest_type(text[:4000], policy)
    high_risk = risk.risk_reasons(text[:4000], policy, repeat=False)
    return {"type": kind, "matched": words, "types": policy.complaint.types, "high_risk_reasons": high_risk}


@router.get("/complaints")
def list_complaints(session: SessionDep, _: Staff, stage: ComplaintStage | None = None, limit: int = 100) -> list[dict]:
    query = select(Complaint).order_by(Complaint.accepted_at.desc()).limit(min(max(limit, 1), 500))
    if stage:
        query = query.where(Complaint.stage == stage)
    now = utcnow()
    return [service.public(session, c, now=now) for c in session.scalars(query)]


@router.get("/complaints/{number}")
def read_complaint(number: str, session: SessionDep, _: Staff) -> dict:
    return service.public(session, service.get_by_number(session, number), now=utcnow(), with_history=True)


@router.post("/complaints/{number}/stage")
def change_stage(number: str, body: StageChange, session: SessionDep, actor: Staff) -> dict:
    """Advance the lifecycle 受理→登记→分析→方案→执行→反馈→关闭 (illegal moves → 409 with the reason)."""
    now = utcnow()
    complaint = service.get_by_number(session, number, for_update=True)
    service.change_stage(
        session,
        actor,
        complaint,
        body.stage,
        now=now,
        note=body.note,
        handler=body.handler,
        resolution=body.resolution,
        notify_customer=body.notify_customer,
    )
    return service.public(session, complaint, now=now, with_history=True)


@router.post("/complaints/{number}/updates")
def post_update(number: str, body: CustomerUpdate, session: SessionDep, actor: Staff) -> dict:
    """Send the customer a progress message."""
    now = utcnow()
    complaint = service.get_by_number(session, number, for_update=True)
    service.post_update(session, actor, complaint, body.message, now=now)
    return service.public(session, complaint, now=now)


@router.post("/complaints/{number}/confirmation")
def confirm(
    number: str, body: Confirmation, session: SessionDep, actor: StaffOrBot, token: VerificationToken = None
) -> dict:
    """The customer's verdict on the result (satisfied → closed; not → back to 方案)."""
    now = utcnow()
    complaint = fetch_visible(actor, token, number, lambda: service.get_by_number(session, number, for_update=True))
    service.confirm(
        session, actor, complaint, satisfied=body.satisfied, score=body.score, comment=body.comment, now=now
    )
    return service.progress(complaint, now=now)


@router.get("/complaints/{number}/progress")
def complaint_progress(number: str, session: SessionDep, actor: StaffOrBot, token: VerificationToken = None) -> dict:
    complaint = fetch_visible(actor, token, number, lambda: service.get_by_number(session, number))
    return service.progress(complaint, now=utcnow())


@router.post("/complaints/{number}/urge")
def urge(
    number: str, body: UrgeRequest, session: SessionDep, actor: StaffOrBot, token: VerificationToken = None
) -> dict:
    """Record a customer's 催办."""
    now = utcnow()
    complaint = fetch_visible(actor, token, number, lambda: service.get_by_number(session, number, for_update=True))
    service.urge(session, actor, complaint, now=now, note=body.note)
    return service.progress(complaint, now=now)
