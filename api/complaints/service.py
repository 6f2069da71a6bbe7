"""Complaints: registration with risk assessment, the seven-stage lifecycle, SLA, urges, progress."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import service as auth_service
from api.auth.principal import Principal
from api.complaints.enums import STAGE_WORDS, TRANSITIONS, ComplaintPriority, ComplaintStage
from api.complaints.models import Complaint
from api.complaints.risk import risk_reasons
from api.complaints.schemas import ComplaintCreate
from api.core.clock import local
from api.core.errors import BadRequest, Conflict, NotFound
from api.core.numbering import complaint_number
from api.core.security import decrypt, encrypt, mask
from api.customers import service as customers
from api.escalation import flows as escalation
from api.history import service as history
from api.notifications import service as notifications
from api.policies import service as policies
from api.service_policy import get_policy
from api.sla import engine
from api.sla.engine import TargetState, TargetStatus
from api.sla.runtime import evaluate_targets

CASE = "complaint"


def get_by_number(session: Session, number: str, *, for_update: bool = False) -> Complaint:
    query = select(Complaint).where(Complaint.number == number)
    found = session.scalar(query.with_for_update(of=Complaint) if for_update else query)
    if found is None:
        raise NotFound(f"未找到投诉 {number}", f"Complaint {number} not found", field="complaint_number")
    return found


def _is_repeat(session: Session, customer_id: int, now: dt.datetime) -> bool:
    since = now - dt.timedelta(days=get_policy().escalation.high_risk.repeat_within_days)
    return (
        session.scalar(
            select(func.count())
            .select_from(Complaint)
            .where(Complaint.customer_id == customer_id, Complaint.accepted_at >= since)
        )
        or 0
    ) > 0


def create(
    session: Session, actor: Principal, data: ComplaintCreate, *, now: dt.datetime, number: str | None = None
) -> Complaint:
    """Accept a complaint (受理); high-risk ones are high priority and escalated at once."""
    policy = policies.get_by_number(session, data.policy_number) if data.policy_number else None
    customer = (
        policy.customer
        if policy
        else customers.find_or_create(session, name=data.contact_name, mobile=data.contact_mobile)
    )
    reasons = risk_reasons(
        f"{data.description}\n{data.demand}", get_policy(), repeat=_is_repeat(session, customer.id, now)
    )
    complaint = Complaint(
        number=number or complaint_number(session, now),
        customer_id=customer.id,
        policy_id=policy.id if policy else None,
        type=data.type,
        description=data.description,
        demand=data.demand,
        channel=data.channel,
        conversation_id=data.conversation_id,
        contact_name=data.contact_name,
        contact_mobile_enc=encrypt(data.contact_mobile),
        stage=ComplaintStage.ACCEPTED,
        accepted_at=now,
        escalation_level=0,
        urge_count=0,
        priority=ComplaintPriority.HIGH if reasons else ComplaintPriority.NORMAL,
        high_risk_reasons=reasons,
    )
    session.add(complaint)
    session.flush()
    history.record(
        session,
        actor,
        CASE,
        complaint.id,
        complaint.number,
        "created",
        to_state=complaint.stage,
        after={
            "stage": complaint.stage,
            "type": data.type,
            "priority": complaint.priority,
            "channel": data.channel,
            "high_risk_reasons": reasons,
        },
        at=now,
    )
    if reasons:
        escalation.escalate(session, actor, CASE, complaint, 1, "高风险投诉：" + "、".join(reasons), now=now)
    refresh_next_due(complaint, now=now)
    return complaint


def _notify_customer(session: Session, complaint: Complaint, message: str, now: dt.datetime) -> None:
    notifications.notify(
        session,
        kind="customer_update",
        recipient_role="customer",
        recipient=mask(decrypt(complaint.contact_mobile_enc)),
        case_type=CASE,
        case_number=complaint.number,
        subject=f"您的投诉 {complaint.number} 有新进展",
        body=message,
    )
    if complaint.first_response_at is None:
        complaint.first_response_at = now


def change_stage(
    session: Session,
    actor: Principal,
    complaint: Complaint,
    to: ComplaintStage,
    *,
    now: dt.datetime,
    note: str | None = None,
    handler: str | None = None,
    resolution: str | None = None,
    notify_customer: bool = True,
) -> Complaint:
    """Advance the complaint one stage; 登记 needs a handler, 反馈 a result, 关闭 the customer's consent."""
    current = ComplaintStage(complaint.stage)
    if to not in TRANSITIONS[current]:
        allowed = "、".join(TRANSITIONS[current]) or "无（已关闭）"
        raise Conflict(
            f"投诉当前处于「{current}」阶段，不能进入「{to}」；下一步可为：{allowed}",
            f"Complaint is at '{current}' and cannot move to '{to}'",
            field="stage",
        )
    if to is ComplaintStage.CLOSED and not complaint.customer_confirmed:
        raise Conflict(
            "客户尚未确认对处理结果满意，投诉不能关闭", "The customer has not confirmed satisfaction yet", field="stage"
        )
    if to is ComplaintStage.REGISTERED:
        staff = auth_service.get_staff(session, handler or actor.username)
        if staff is None:
            raise BadRequest(
                "登记投诉需指定处理人员（坐席用户名）", "Registration needs a staff handler", field="handler"
            )
        complaint.handler, complaint.handler_staff_no = staff.username, staff.staff_no
    if to is ComplaintStage.FEEDBACK:
        if not (resolution or complaint.resolution):
            raise BadRequest(
                "反馈阶段需填写处理结果", "A resolution is required at the feedback stage", field="resolution"
            )
        complaint.resolution = resolution or complaint.resolution
        complaint.result_sent_at = now
        complaint.customer_confirmed = False
        notify_customer = True  # the result always reaches the customer
    before = {"stage": current, "handler": complaint.handler}
    complaint.stage = to
    if to is ComplaintStage.CLOSED:
        complaint.closed_at = now
    if notify_customer and to is not ComplaintStage.CLOSED:
        _notify_customer(session, complaint, note or STAGE_WORDS[to], now)
    history.record(
        session,
        actor,
        CASE,
        complaint.id,
        complaint.number,
        "stage",
        from_state=current,
        to_state=to,
        note=note,
        before=before,
        after={"stage": to, "handler": complaint.handler, "resolution": complaint.resolution},
        at=now,
    )
    refresh_next_due(complaint, now=now)
    return complaint


def post_update(session: Session, actor: Principal, complaint: Complaint, message: str, *, now: dt.datetime) -> None:
    """A progress message to the customer (counts as the 24-hour feedback)."""
    _notify_customer(session, complaint, message, now)
    history.record(session, actor, CASE, complaint.id, complaint.number, "customer_update", note=message, at=now)
    refresh_next_due(complaint, now=now)


def confirm(
    session: Session,
    actor: Principal,
    complaint: Complaint,
    *,
    satisfied: bool,
    score: int | None,
    comment: str | None,
    now: dt.datetime,
) -> Complaint:
    """The customer's verdict on the result: satisfied closes the case, otherwise it goes back to 方案."""
    if complaint.stage != ComplaintStage.FEEDBACK:
        raise Conflict(
            f"投诉处于「{complaint.stage}」阶段，尚无处理结果可确认",
            "There is no result to confirm at this stage",
            field="stage",
        )
    complaint.satisfaction = score
    history.record(
        session,
        actor,
        CASE,
        complaint.id,
        complaint.number,
        "confirmation",
        note=comment,
        data={"satisfied": satisfied, "score": score},
        at=now,
    )
    scored = f"评分 {score}" if score else "未评分"  # (a customer who asked for a person instead of scoring)
    if satisfied:
        complaint.customer_confirmed = True
        return change_stage(session, actor, complaint, ComplaintStage.CLOSED, now=now, note="客户确认满意，投诉关闭")
    return change_stage(
        session,
        actor,
        complaint,
        ComplaintStage.SOLUTION,
        now=now,
        notify_customer=False,
        note=f"客户不满意处理结果（{scored}），重新制定方案：{comment or ''}".strip("："),
    )


def urge(session: Session, actor: Principal, complaint: Complaint, *, now: dt.datetime, note: str | None) -> None:
    """Record a customer's 催办 and alert the supervisor. A closed complaint has nothing left to hurry."""
    if complaint.stage == ComplaintStage.CLOSED:
        raise Conflict(f"投诉 {complaint.number} 已办结关闭，无需催办；如仍有问题，可以登记新的投诉。",
                       f"Complaint {complaint.number} is closed; file a new complaint if the problem remains.")
    complaint.urge_count += 1
    complaint.last_urged_at = now
    history.record(
        session,
        actor,
        CASE,
        complaint.id,
        complaint.number,
        "urge",
        note=note,
        data={"urge_count": complaint.urge_count},
        at=now,
    )
    notifications.notify(
        session,
        kind="urge",
        recipient_role="supervisor",
        case_type=CASE,
        case_number=complaint.number,
        subject=f"客户催办投诉 {complaint.number}",
        body=f"客户第 {complaint.urge_count} 次催办，当前阶段：{complaint.stage}。",
    )


def sla_statuses(complaint: Complaint, *, now: dt.datetime) -> list[TargetStatus]:
    """Feedback (24 h) and resolution (7 working days) targets at `now`."""
    return evaluate_targets(
        engine.complaint_targets(get_policy()),
        complaint.accepted_at,
        now=now,
        met={"feedback": complaint.first_response_at, "resolution": complaint.result_sent_at},
    )


def refresh_next_due(complaint: Complaint, *, now: dt.datetime) -> None:
    complaint.next_due_at = (
        None if complaint.stage == ComplaintStage.CLOSED else engine.earliest_open_due(sla_statuses(complaint, now=now))
    )


def public(session: Session, complaint: Complaint, *, now: dt.datetime, with_history: bool = False) -> dict:
    """The complaint as staff see it (mobile masked)."""
    out = {
        "number": complaint.number,
        "type": complaint.type,
        "stage": complaint.stage,
        "priority": complaint.priority,
        "high_risk_reasons": complaint.high_risk_reasons,
        "description": complaint.description,
        "demand": complaint.demand,
        "channel": complaint.channel,
        "contact_name": complaint.contact_name,
        "contact_mobile": mask(decrypt(complaint.contact_mobile_enc)),
        "policy_number": complaint.policy.number if complaint.policy else None,
        "handler": complaint.handler,
        "handler_staff_no": complaint.handler_staff_no,
        "resolution": complaint.resolution,
        "satisfaction": complaint.satisfaction,
        "customer_confirmed": complaint.customer_confirmed,
        "escalation_level": complaint.escalation_level,
        "urge_count": complaint.urge_count,
        "accepted_at": local(complaint.accepted_at).isoformat(),
        "conversation_id": complaint.conversation_id,
        "sla": [s.to_dict() for s in sla_statuses(complaint, now=now)],
    }
    if with_history:
        out["history"] = history.public_events(session, CASE, complaint.id)
    return out


def progress(complaint: Complaint, *, now: dt.datetime) -> dict:
    """What a verified customer is told about their complaint."""
    statuses = {s.name: s for s in sla_statuses(complaint, now=now)}
    stage = ComplaintStage(complaint.stage)
    return {
        "number": complaint.number,
        "stage": stage,
        "stage_text": STAGE_WORDS[stage],
        "type": complaint.type,
        "accepted_at": local(complaint.accepted_at).isoformat(),
        "feedback_due": local(statuses["feedback"].due_at).isoformat(),
        "resolution_due": local(statuses["resolution"].due_at).isoformat(),
        "overdue": any(s.state is TargetState.BREACHED for s in statuses.values()),
        # which promise was missed: a late first contact is not a late result
        "breached": sorted(name for name, s in statuses.items() if s.state is TargetState.BREACHED),
        "resolution": complaint.resolution if stage in (ComplaintStage.FEEDBACK, ComplaintStage.CLOSED) else None,
        "awaiting_confirmation": stage == ComplaintStage.FEEDBACK,
        "finished": stage == ComplaintStage.CLOSED,
        "urge_count": complaint.urge_count,
    }
