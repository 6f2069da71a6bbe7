"""Claims: registration, lifecycle transitions, SLA evaluation, urges and customer progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.claims.enums import CURRENT_STEP, PLAIN_WORDS, TRANSITIONS, ClaimCategory, ClaimPriority, ClaimStatus
from api.claims.models import Claim
from api.core.clock import local
from api.core.errors import BadRequest, Conflict, NotFound
from api.core.numbering import claim_number
from api.history import service as history
from api.notifications import service as notifications
from api.policies import service as policies
from api.service_policy import get_policy
from api.sla import engine
from api.sla.engine import OPEN_STATES, TargetState, TargetStatus
from api.sla.runtime import evaluate_targets, pauses_from_transitions

CASE = "claim"


def get_by_number(session: Session, number: str, *, for_update: bool = False) -> Claim:
    query = select(Claim).where(Claim.number == number)
    claim = session.scalar(query.with_for_update(of=Claim) if for_update else query)
    if claim is None:
        raise NotFound(f"未找到理赔案件 {number}", f"Claim {number} not found", field="claim_number")
    return claim


def list_for_policy(session: Session, policy_number: str) -> list[Claim]:
    policy = policies.get_by_number(session, policy_number)
    return list(session.scalars(select(Claim).where(Claim.policy_id == policy.id).order_by(Claim.reported_at.desc())))


def create(
    session: Session,
    actor: Principal,
    *,
    policy_number: str,
    category: ClaimCategory,
    priority: ClaimPriority,
    amount: Decimal,
    description: str,
    reported_at: dt.datetime,
    missing_documents: list[str] | None = None,
    handler: str | None = None,
    number: str | None = None,
) -> Claim:
    """Register a reported claim (status 受理中); its SLA clocks start at reported_at."""
    policy = policies.get_by_number(session, policy_number)
    claim = Claim(
        number=number or claim_number(session, reported_at),
        policy_id=policy.id,
        customer_id=policy.customer_id,
        category=category,
        priority=priority,
        amount=amount,
        description=description,
        reported_at=reported_at,
        status=ClaimStatus.ACCEPTED,
        missing_documents=missing_documents or [],
        handler=handler or actor.username,
        escalation_level=0,
        urge_count=0,
    )
    session.add(claim)
    session.flush()
    history.record(
        session,
        actor,
        CASE,
        claim.id,
        claim.number,
        "created",
        to_state=claim.status,
        after={"status": claim.status, "category": category, "priority": priority, "amount": str(amount)},
        at=reported_at,
    )
    refresh_next_due(session, claim, now=reported_at)
    return claim


def change_status(
    session: Session,
    actor: Principal,
    claim: Claim,
    to: ClaimStatus,
    *,
    now: dt.datetime,
    note: str | None = None,
    missing_documents: list[str] | None = None,
) -> Claim:
    """Move a claim along its lifecycle; illegal moves are refused with the reason."""
    current = ClaimStatus(claim.status)
    if to not in TRANSITIONS[current]:
        allowed = "、".join(TRANSITIONS[current]) or "无（已结案）"
        raise Conflict(
            f"理赔案件当前为「{current}」，不能变更为「{to}」；可变更为：{allowed}",
            f"Claim is '{current}' and cannot move to '{to}'",
            field="status",
        )
    if to is ClaimStatus.DOCUMENTS_REQUESTED and not missing_documents:
        raise BadRequest(
            "要求补充材料时请列明缺少的材料",
            "List the missing documents when requesting them",
            field="missing_documents",
        )
    before = {"status": current, "missing_documents": list(claim.missing_documents)}
    claim.status = to
    if to is ClaimStatus.DOCUMENTS_REQUESTED:
        claim.missing_documents = list(missing_documents or [])
    elif to is ClaimStatus.REVIEWING:
        claim.missing_documents = []
    if current is ClaimStatus.ACCEPTED and claim.reviewed_at is None:
        claim.reviewed_at = now
    if to in (ClaimStatus.APPROVED, ClaimStatus.REJECTED):
        claim.decided_at = now
    if to is ClaimStatus.CLOSED:
        claim.closed_at = now
    history.record(
        session,
        actor,
        CASE,
        claim.id,
        claim.number,
        "status",
        from_state=current,
        to_state=to,
        note=note,
        before=before,
        after={"status": to, "missing_documents": list(claim.missing_documents)},
        at=now,
    )
    refresh_next_due(session, claim, now=now)
    return claim


def urge(session: Session, actor: Principal, claim: Claim, *, now: dt.datetime, note: str | None = None) -> Claim:
    """Record a customer's 催办; the case rises on the supervisor's queue and the supervisor is told. A claim decided
    against or closed has nothing left to hurry (a rejection is disputed by a review or a complaint)."""
    if claim.status in (ClaimStatus.CLOSED, ClaimStatus.REJECTED):
        closed = claim.status == ClaimStatus.CLOSED
        raise Conflict(
            f"理赔案件 {claim.number} {'已结案' if closed else '已作出拒赔结论'}，无需催办；"
            "如有异议，可以申请复核或登记投诉。",
            f"Claim {claim.number} is {'closed' if closed else 'rejected'}: nothing to hurry; ask for a review or "
            "complain instead.",
        )
    claim.urge_count += 1
    claim.last_urged_at = now
    history.record(
        session, actor, CASE, claim.id, claim.number, "urge", note=note, data={"urge_count": claim.urge_count}, at=now
    )
    notifications.notify(
        session,
        kind="urge",
        recipient_role="supervisor",
        recipient=None,
        case_type=CASE,
        case_number=claim.number,
        subject=f"客户催办理赔案件 {claim.number}",
        body=f"客户第 {claim.urge_count} 次催办，当前状态：{claim.status}。",
    )
    return claim


def _met(claim: Claim) -> dict[str, dt.datetime | None]:
    # A rejection ends the customer's wait as much as a payment does.
    finished = claim.closed_at or (claim.decided_at if claim.status == ClaimStatus.REJECTED else None)
    return {
        "initial_review": claim.reviewed_at,
        "handling": claim.decided_at,
        "settlement": finished,
        "completion": finished,
    }


def _pauses(session: Session, claim: Claim) -> list[engine.Pause]:
    events = [e for e in history.events_for(session, CASE, claim.id) if e.kind == "status"]
    return pauses_from_transitions(
        ((e.at, e.from_state, e.to_state) for e in events), get_policy().sla.claim.pause_statuses
    )


def sla_statuses(session: Session, claim: Claim, *, now: dt.datetime) -> list[TargetStatus]:
    """Every SLA target of the claim at `now` (paused while documents are awaited)."""
    targets = engine.claim_targets(get_policy(), claim.priority, claim.category)
    return evaluate_targets(targets, claim.reported_at, now=now, met=_met(claim), pauses=_pauses(session, claim))


def refresh_next_due(session: Session, claim: Claim, *, now: dt.datetime) -> None:
    """Keep the earliest open deadline on the row so the sweep can find due cases by index."""
    claim.next_due_at = engine.earliest_open_due(sla_statuses(session, claim, now=now))


def public(session: Session, claim: Claim, *, now: dt.datetime, with_history: bool = False) -> dict:
    """The claim as staff see it."""
    out = {
        "number": claim.number,
        "policy_number": claim.policy.number,
        "customer": claim.customer.name,
        "category": claim.category,
        "priority": claim.priority,
        "amount": str(claim.amount),
        "status": claim.status,
        "description": claim.description,
        "missing_documents": claim.missing_documents,
        "handler": claim.handler,
        "reported_at": local(claim.reported_at).isoformat(),
        "escalation_level": claim.escalation_level,
        "urge_count": claim.urge_count,
        "sla": [s.to_dict() for s in sla_statuses(session, claim, now=now)],
    }
    if with_history:
        out["history"] = history.public_events(session, CASE, claim.id)
    return out


def progress(session: Session, claim: Claim, *, now: dt.datetime) -> dict:
    """What a verified customer is told: status in plain words, step, documents, expected date, overdue."""
    statuses = {s.name: s for s in sla_statuses(session, claim, now=now)}
    completion = statuses["completion"]
    overdue = any(s.state is TargetState.BREACHED for s in statuses.values())
    status = ClaimStatus(claim.status)
    return {
        "number": claim.number,
        "status": status,
        "status_text": PLAIN_WORDS[status],
        "current_step": CURRENT_STEP[status],
        "missing_documents": claim.missing_documents,
        "expected_completion": local(completion.due_at).isoformat(),
        "expected_completion_date": (local(completion.due_at) - dt.timedelta(microseconds=1)).date().isoformat(),
        "finished": completion.state not in OPEN_STATES and completion.state is not TargetState.PAUSED,
        "paused": any(s.state is TargetState.PAUSED for s in statuses.values()),
        "overdue": overdue,
        "urge_count": claim.urge_count,
        "reported_at": local(claim.reported_at).isoformat(),
        "policy_number": claim.policy.number,
        "product_name": claim.policy.product_name,
    }
