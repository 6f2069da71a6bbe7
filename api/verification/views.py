"""Identity verification for customers asking about their cases."""

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.audit import service as audit
from api.auth.deps import StaffOrBot
from api.core.clock import utcnow
from api.core.db import SessionDep
from api.core.errors import Forbidden
from api.core.security import decrypt, mask
from api.verification import service

router = APIRouter(prefix="/api/v1", tags=["verification"])


class VerifyRequest(BaseModel):
    case_number: str = Field(min_length=5, max_length=32, description="LP…, TS…-…, YY…-…, GR…-… or P… number")
    last4: str = Field(min_length=4, max_length=6, description="last digits of the registered mobile or ID number")
    conversation_id: str | None = Field(default=None, max_length=128)


@router.post("/verify", responses={403: {"description": "digits do not match"}, 429: {"description": "locked"}})
def verify(body: VerifyRequest, session: SessionDep, _: StaffOrBot):
    """Prove ownership of a case; returns a short-lived token for its progress endpoints."""
    out = service.verify(
        session,
        case_number=body.case_number.strip().upper(),
        last_digits=body.last4,
        conversation_id=body.conversation_id,
        now=utcnow(),
    )
    if out.verified:
        return {"verified": True, "token": out.token, "case_number": body.case_number.strip().upper()}
    # Returned, not raised: the failed attempt must be committed to count against the limit.
    if out.locked:
        status, zh = 429, "验证失败次数过多，已暂停验证。请稍后再试或转人工客服协助。"
        en = "Too many failed attempts; verification locked"
    else:
        status, zh, en = 403, f"验证信息不匹配，还可尝试 {out.attempts_left} 次。", "Verification failed"
    return JSONResponse(
        status_code=status,
        content={
            "detail": {
                "code": "verification_locked" if out.locked else "verification_failed",
                "message": zh,
                "message_en": en,
                "field": "last4",
                "attempts_left": max(out.attempts_left, 0),
                "locked": out.locked,
            }
        },
    )


@router.get("/verify/lock")
def verify_lock(session: SessionDep, _: StaffOrBot, conversation_id: str = Query(min_length=1, max_length=128)):
    """Whether this conversation is locked out of verification, and until when."""
    until = service.conversation_lock(session, conversation_id, utcnow())
    return {"locked": until is not None, "until": until}


class VerificationRequired(Forbidden):
    """No proof of this customer in this conversation: the digits are asked (no attempt was spent)."""

    code = "verification_required"


class SameOwnerRequest(BaseModel):
    case_number: str = Field(min_length=5, max_length=32, description="the other case the customer asks about")
    token: str = Field(min_length=10, max_length=2000, description="a verification token from this conversation")
    conversation_id: str = Field(min_length=1, max_length=128)


@router.post("/verify/same-owner", responses={403: {"description": "not the same customer: verify with digits"}})
def verify_same_owner(body: SameOwnerRequest, session: SessionDep, _: StaffOrBot):
    """A token for another case of the customer verified in this conversation; no attempt is counted."""
    number = body.case_number.strip().upper()
    out = service.extend(
        session, token=body.token, case_number=number, conversation_id=body.conversation_id, now=utcnow()
    )
    if out.verified:
        return {"verified": True, "token": out.token, "case_number": number}
    raise VerificationRequired("查询这件案件需要先验证身份。", "This case needs its own verification", field="last4")


class ContactRequest(BaseModel):
    token: str = Field(min_length=10, max_length=2000, description="a verification token from this conversation")
    conversation_id: str = Field(min_length=1, max_length=128)


@router.post("/verify/contact", responses={403: {"description": "no proof of a customer in this conversation"}})
def verified_contact(body: ContactRequest, session: SessionDep, actor: StaffOrBot):
    """The name and mobile of the customer verified in this conversation, to offer as the contact of a complaint or
    booking made next ("联系人就用我这个号"). The reading is audited: it hands out personal data."""
    customer = service.verified_contact(session, token=body.token, conversation_id=body.conversation_id)
    if customer is None:
        raise VerificationRequired("需要先验证身份。", "No verified customer in this conversation", field="token")
    mobile = decrypt(customer.mobile_enc)
    audit.record(session, actor, "contact.read", "customer", customer.id,
                 after={"conversation_id": body.conversation_id})
    return {"name": customer.name, "mobile": mobile, "mobile_masked": mask(mobile)}
