"""Identity checks before a case's details are revealed: case number + last digits, rate-limited.

Case numbers: LP… claims, TS… complaints, YY… appointments, GR… personal-data requests, P… policies.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.appointments.models import Appointment
from api.claims.models import Claim
from api.complaints.models import Complaint
from api.core.numbering import case_kind
from api.core.security import create_token, decode_token, decrypt
from api.customers import service as customers
from api.customers.models import Customer
from api.data_requests.models import DataRequest
from api.policies.models import InsurancePolicy
from api.service_policy import get_policy
from api.verification.models import VerificationAttempt

SCOPE = "case"


@dataclass(frozen=True)
class Outcome:
    verified: bool
    token: str | None = None
    locked: bool = False
    attempts_left: int = 0
    reason: str = ""


def _proofs(session: Session, case_number: str) -> list[str] | None:
    """The decrypted numbers whose last digits prove ownership of a case; None when there is no such case.

    Claims and policies: the customer's mobile/ID. Complaints, data requests and appointments: also the
    contact mobile given with them (an appointment need not belong to a known customer).
    """
    kind = case_kind(case_number)
    if kind == "claim":
        claim = session.scalar(select(Claim).where(Claim.number == case_number))
        return customers.identity_numbers(claim.customer) if claim else None
    if kind == "complaint":
        complaint = session.scalar(select(Complaint).where(Complaint.number == case_number))
        if complaint is None:
            return None
        return [decrypt(complaint.contact_mobile_enc), *customers.identity_numbers(complaint.customer)]
    if kind == "data_request":
        request = session.scalar(select(DataRequest).where(DataRequest.number == case_number))
        if request is None:
            return None
        return [decrypt(request.contact_mobile_enc), *customers.identity_numbers(request.customer)]
    if kind == "appointment":
        appt = session.scalar(select(Appointment).where(Appointment.number == case_number))
        if appt is None:
            return None
        customer = session.get(Customer, appt.customer_id) if appt.customer_id is not None else None
        return [decrypt(appt.contact_mobile_enc), *(customers.identity_numbers(customer) if customer else [])]
    if kind == "policy":
        policy = session.scalar(select(InsurancePolicy).where(InsurancePolicy.number == case_number))
        return customers.identity_numbers(policy.customer) if policy else None
    return None


def _digits_match(candidates: list[str] | None, digits: str) -> bool:
    """True when `digits` are the last digits of one of the candidates (full-width digits and x/X allowed)."""
    digits = unicodedata.normalize("NFKC", digits).strip().upper()
    return bool(digits and candidates) and any(c.upper().endswith(digits) for c in candidates)


def _failures(session: Session, since: dt.datetime, **where) -> int:
    column, value = next(iter(where.items()))
    return (
        session.scalar(
            select(func.count())
            .select_from(VerificationAttempt)
            .where(
                getattr(VerificationAttempt, column) == value,
                VerificationAttempt.success.is_(False),
                VerificationAttempt.at >= since,
            )
        )
        or 0
    )


def verify(
    session: Session, *, case_number: str, last_digits: str, conversation_id: str | None, now: dt.datetime
) -> Outcome:
    """Check the digits; every attempt is recorded, and too many failures lock the case/conversation."""
    rules = get_policy().verification
    since = now - dt.timedelta(minutes=rules.window_minutes)
    case_failures = _failures(session, since, case_number=case_number)
    conv_failures = _failures(session, since, conversation_id=conversation_id) if conversation_id else 0
    left = min(
        rules.max_attempts_per_case - case_failures,
        rules.max_attempts_per_conversation - conv_failures if conversation_id else rules.max_attempts_per_case,
    )
    if left <= 0:
        return Outcome(False, locked=True, reason="locked")
    # An unknown number fails exactly like wrong digits, so numbers cannot be probed.
    ok = _digits_match(_proofs(session, case_number), last_digits)
    session.add(VerificationAttempt(case_number=case_number, conversation_id=conversation_id, success=ok, at=now))
    if not ok:
        return Outcome(False, locked=left - 1 <= 0, attempts_left=left - 1, reason="mismatch")
    token = create_token(case_number, scope=SCOPE, minutes=rules.token_minutes, conv=conversation_id)
    return Outcome(True, token=token, attempts_left=left)


def conversation_lock(session: Session, conversation_id: str, now: dt.datetime) -> dt.datetime | None:
    """Until when this conversation may not verify (None: it may). The bot asks before it asks for digits
    again, instead of collecting them only to have them refused."""
    rules = get_policy().verification
    window = dt.timedelta(minutes=rules.window_minutes)
    failures = session.scalars(
        select(VerificationAttempt.at)
        .where(
            VerificationAttempt.conversation_id == conversation_id,
            VerificationAttempt.success.is_(False),
            VerificationAttempt.at >= now - window,
        )
        .order_by(VerificationAttempt.at)
    ).all()
    over = len(failures) - rules.max_attempts_per_conversation
    # the lock lifts when the oldest failure that still keeps the count at the limit leaves the window
    return failures[over] + window if over >= 0 else None


def _owner(session: Session, case_number: str) -> int | None:
    """The customer a case belongs to (None: no such case, or an appointment of no known customer)."""
    model = {
        "claim": Claim,
        "complaint": Complaint,
        "appointment": Appointment,
        "data_request": DataRequest,
        "policy": InsurancePolicy,
    }.get(case_kind(case_number) or "")
    return session.scalar(select(model.customer_id).where(model.number == case_number)) if model else None


def extend(session: Session, *, token: str, case_number: str, conversation_id: str, now: dt.datetime) -> Outcome:
    """A customer who proved one case in this conversation asks about another case of theirs ("那另一笔呢"):
    the same proof covers it, so the digits are not asked (nor an attempt spent) again. The new token
    expires with the old one, so chaining cases never prolongs a check."""
    claims = decode_token(token, scope=SCOPE)
    if not claims or claims.get("conv") != conversation_id:
        return Outcome(False, reason="no_proof")
    owner = _owner(session, case_number)
    if owner is None or owner != _owner(session, claims["sub"]):
        return Outcome(False, reason="other_owner")
    minutes_left = (claims["exp"] - now.timestamp()) / 60
    return Outcome(True, token=create_token(case_number, scope=SCOPE, minutes=minutes_left, conv=conversation_id))


def verified_contact(session: Session, *, token: str, conversation_id: str) -> Customer | None:
    """The customer whose case this conversation proved, as the contact of a complaint or booking made next in
    it ("联系人就用我这个号"): the customer need not type name and mobile again, and cannot borrow another's."""
    claims = decode_token(token, scope=SCOPE)
    if not claims or claims.get("conv") != conversation_id:
        return None
    owner = _owner(session, claims["sub"])
    return session.get(Customer, owner) if owner is not None else None


def token_covers(token: str | None, case_number: str, policy_number: str | None = None) -> bool:
    """True when a verification token proves this case (or the policy the case belongs to)."""
    claims = decode_token(token, scope=SCOPE) if token else None
    return bool(claims) and claims["sub"] in {case_number, policy_number}
