"""HTTP routes for claims (thin: validation in schemas, logic in service)."""

from fastapi import APIRouter
from sqlalchemy import select

from api.auth.deps import Staff, StaffOrBot
from api.claims import service
from api.claims.enums import ClaimStatus
from api.claims.models import Claim
from api.claims.schemas import ClaimCreate, StatusChange, UrgeRequest
from api.core.casegate import VerificationToken, ensure_may_see, fetch_visible
from api.core.clock import local, utcnow
from api.core.db import SessionDep

router = APIRouter(prefix="/api/v1", tags=["claims"])


def _policy_of(claim: Claim) -> str:
    return claim.policy.number


@router.post("/claims", status_code=201)
def create_claim(body: ClaimCreate, session: SessionDep, actor: Staff) -> dict:
    """Register a reported claim (受理中)."""
    now = utcnow()
    claim = service.create(
        session, actor, **body.model_dump(exclude={"reported_at"}), reported_at=body.reported_at or now
    )
    return service.public(session, claim, now=now)


@router.get("/claims")
def list_claims(session: SessionDep, _: Staff, status: ClaimStatus | None = None, limit: int = 100) -> list[dict]:
    query = select(Claim).order_by(Claim.reported_at.desc()).limit(min(max(limit, 1), 500))
    if status:
        query = query.where(Claim.status == status)
    now = utcnow()
    return [service.public(session, c, now=now) for c in session.scalars(query)]


@router.get("/claims/{number}")
def read_claim(number: str, session: SessionDep, _: Staff) -> dict:
    """Full claim with SLA targets and history (staff)."""
    return service.public(session, service.get_by_number(session, number), now=utcnow(), with_history=True)


@router.post("/claims/{number}/status")
def change_status(number: str, body: StatusChange, session: SessionDep, actor: Staff) -> dict:
    """Move the claim along its lifecycle (illegal moves → 409 with the reason)."""
    now = utcnow()
    claim = service.get_by_number(session, number, for_update=True)
    service.change_status(
        session, actor, claim, body.status, now=now, note=body.note, missing_documents=body.missing_documents
    )
    return service.public(session, claim, now=now, with_history=True)


@router.get("/claims/{number}/progress")
def claim_progress(number: str, session: SessionDep, actor: StaffOrBot, token: VerificationToken = None) -> dict:
    """What the customer may be told once verified."""
    claim = fetch_visible(actor, token, number, lambda: service.get_by_number(session, number), _policy_of)
    return service.progress(session, claim, now=utcnow())


@router.post("/claims/{number}/urge")
def urge_claim(
    number: str, body: UrgeRequest, session: SessionDep, actor: StaffOrBot, token: VerificationToken = None
) -> dict:
    """Record a customer's 催办 (raises the case on the supervisor's queue)."""
    claim = fetch_visible(
        actor, token, number, lambda: service.get_by_number(session, number, for_update=True), _policy_of
    )
    now = utcnow()
    service.urge(session, actor, claim, now=now, note=body.note)
    return service.progress(session, claim, now=now)


@router.get("/policies/{number}/claims")
def claims_of_policy(
    number: str, session: SessionDep, actor: StaffOrBot, token: VerificationToken = None
) -> list[dict]:
    """The policy's claims, newest first, so a customer can pick one (verified on the policy number)."""
    ensure_may_see(actor, token, number)
    return [
        {
            "number": c.number,
            "status": c.status,
            "reported_at": local(c.reported_at).isoformat(),
            "amount": str(c.amount),
            "category": c.category,
        }
        for c in service.list_for_policy(session, number)
    ]
