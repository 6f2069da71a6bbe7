"""Hand-overs from the bot to a human agent: the waiting → active → closed lifecycle and the transcript.

Every transition is a guarded UPDATE (… WHERE status = <expected>), so two agents, or an agent and
the bot, acting on the same chat at once can never both succeed; the loser gets a 409 saying why.

Staff actions also act on the live conversation through the Rasa bridge (api/handovers/rasa.py):
taking pauses the bot and greets the customer, an agent's line is delivered before it is stored,
handing back or closing resumes the bot. The Rasa call happens inside the request's transaction,
after the guarded UPDATE: if Rasa fails, the transaction rolls back and nothing is half done on
our side. The bot's own requests never call Rasa back — the action runs under Rasa's
conversation lock, so a call into the same conversation would only wait for itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.appointments import service as appointment_service
from api.appointments.models import Appointment
from api.auth import service as auth_service
from api.auth.principal import Principal
from api.claims import service as claim_service
from api.complaints import service as complaint_service
from api.complaints.models import Complaint
from api.core import hours
from api.core.clock import local
from api.core.errors import AppError, Conflict, Forbidden, NotFound
from api.core.masking import mask_personal_numbers
from api.core.numbering import case_kind
from api.data_requests import service as data_request_service
from api.data_requests.models import DataRequest
from api.handovers.models import (
    OPEN_STATUSES,
    Handover,
    HandoverMessage,
    HandoverOutcome,
    HandoverSender,
    HandoverStatus,
)
from api.handovers.rasa import RasaBridge
from api.handovers.schemas import HandoverCreate, MessageCreate
from api.history import service as history
from api.policies import service as policy_service
from api.service_policy import ServicePolicy, get_policy
from api.sla.calendar import WorkCalendar
from api.sla.engine import LABELS, TargetState, TargetStatus, evaluate, handover_targets
from api.sla.runtime import get_calendar

CASE = "handover"
PREVIEW_CHARS = 80
SUPERVISING_ROLES = frozenset({"supervisor", "admin"})
OUTCOME_ZH = {
    HandoverOutcome.HANDED_BACK: "已交还机器人",
    HandoverOutcome.RESOLVED: "已解决",
    HandoverOutcome.ABANDONED: "客户已离开",
}
SYNC_FAILED = "暂时无法读取客户的新消息（智能客服服务未响应），当前显示的聊天记录可能不是最新的，系统会自动重试。"
# What the customer is told on their channel when the chat changes hands.
HANDED_BACK_LINE = "人工客服已结束本次服务，接下来由智能助手继续为您服务。"
CLOSED_LINE = "本次人工服务已结束，感谢您的耐心。如还有其他问题，可以继续在这里留言，智能助手会继续为您服务。"


# --- reading ----------------------------------------------------------------------------------


def get(handover_id: int, *, session: Session, for_update: bool = False) -> Handover:
    """The hand-over, fresh from the database (row-locked if asked), or 404."""
    found = session.get(Handover, handover_id, populate_existing=True, with_for_update=for_update or None)
    if found is None:
        raise NotFound(f"未找到转人工会话 {handover_id}", f"Handover {handover_id} not found")
    return found


def open_for_conversation(conversation_id: str, *, session: Session) -> Handover | None:
    """The conversation's waiting or active hand-over, if any."""
    return session.scalar(
        select(Handover)
        .where(Handover.conversation_id == conversation_id, Handover.status.in_(OPEN_STATUSES))
        .execution_options(populate_existing=True)
    )


def get_open_for_conversation(conversation_id: str, *, session: Session) -> Handover:
    """The conversation's open hand-over, or 404 (the bot then still owns the chat)."""
    found = open_for_conversation(conversation_id, session=session)
    if found is None:
        raise NotFound(
            "该会话当前没有转人工记录（由机器人接待）",
            f"No open handover for conversation {conversation_id}",
            field="conversation_id",
        )
    return found


def queue(status: HandoverStatus | None, *, session: Session, limit: int = 100) -> list[Handover]:
    """Open hand-overs (or those of one status), oldest first; closed ones most recently closed first."""
    query = select(Handover)
    if status is None:
        query = query.where(Handover.status.in_(OPEN_STATUSES))
    else:
        query = query.where(Handover.status == status)
    if status == HandoverStatus.CLOSED:
        query = query.order_by(Handover.closed_at.desc(), Handover.id.desc())
    else:
        query = query.order_by(Handover.created_at, Handover.id)
    return list(session.scalars(query.limit(limit)))


def transcript(handover_id: int, *, session: Session, after: int = 0) -> list[HandoverMessage]:
    """Transcript lines in conversation order (only those with id > after)."""
    return list(
        session.scalars(
            select(HandoverMessage)
            .where(HandoverMessage.handover_id == handover_id, HandoverMessage.id > after)
            .order_by(HandoverMessage.at, HandoverMessage.id)
        )
    )


def last_messages(handover_ids: Sequence[int], *, session: Session) -> dict[int, HandoverMessage]:
    """The most recently added transcript line of each hand-over."""
    if not handover_ids:
        return {}
    newest = (
        select(func.max(HandoverMessage.id))
        .where(HandoverMessage.handover_id.in_(handover_ids))
        .group_by(HandoverMessage.handover_id)
    )
    return {m.handover_id: m for m in session.scalars(select(HandoverMessage).where(HandoverMessage.id.in_(newest)))}


def bot_paused(handover: Handover) -> bool:
    """Whether the bot stays silent in this conversation: only while an agent holds it. A chat waiting in the
    queue is still served by the bot (a customer who asks something meanwhile gets an answer)."""
    return handover.status == HandoverStatus.ACTIVE


def pickup_status(
    handover: Handover, *, now: dt.datetime, policy: ServicePolicy, calendar: WorkCalendar
) -> TargetStatus:
    """Where the pickup target stands; for a chat that arrived out of hours the clock starts at opening."""
    start = handover.created_at
    if handover.outside_agent_hours:
        start = hours.next_agent_opening(start, policy, calendar)
    duration = handover_targets(policy)["pickup"]
    return evaluate(
        "pickup",
        LABELS["pickup"],
        start,
        duration,
        calendar,
        now=now,
        met_at=handover.taken_at or handover.closed_at,
        warning_ratio=policy.sla.warning_ratio,
    )


def describe(handover: Handover, *, now: dt.datetime, last_message: HandoverMessage | None = None) -> dict[str, Any]:
    """The hand-over with what the queue needs: waiting time, pickup deadline, last line."""
    pickup = pickup_status(handover, now=now, policy=get_policy(), calendar=get_calendar())
    left_queue = handover.taken_at or handover.closed_at or now
    return {
        **{c.key: getattr(handover, c.key) for c in Handover.__table__.columns},
        "waiting_seconds": max(0, int((left_queue - handover.created_at).total_seconds())),
        "pickup_due_at": pickup.due_at,
        "pickup_state": pickup.state.value,
        "pickup_overdue": pickup.state in (TargetState.BREACHED, TargetState.MET_LATE),
        "last_message": _preview(last_message),
    }


def _preview(message: HandoverMessage | None) -> dict[str, Any] | None:
    if message is None:
        return None
    text = message.text if len(message.text) <= PREVIEW_CHARS else message.text[: PREVIEW_CHARS - 1] + "…"
    return {"id": message.id, "sender": message.sender, "text": text, "at": message.at}


def customer_cases(handover: Handover, *, session: Session, now: dt.datetime) -> list[dict[str, Any]]:
    """The customer's cases as an agent needs them beside the chat: state, handler and SLA targets.

    The numbers the bot recorded, plus complaints, data requests and appointments filed in this conversation;
    a policy number stands for the claims under it. Each domain's service computes its own view.
    """
    numbers = list(handover.case_numbers or [])
    for model in (Complaint, DataRequest, Appointment):
        numbers += session.scalars(
            select(model.number).where(model.conversation_id == handover.conversation_id).order_by(model.id)
        )
    cards: list[dict[str, Any]] = []
    for number in dict.fromkeys(numbers):
        try:
            cards += _cards_for(number, session=session, now=now)
        except NotFound:
            cards.append({"case_type": case_kind(number) or "policy", "number": number, "found": False})
    return cards


def _cards_for(number: str, *, session: Session, now: dt.datetime) -> list[dict[str, Any]]:
    kind = case_kind(number)
    if kind == "claim":
        return [_claim_card(claim_service.get_by_number(session, number), session=session, now=now)]
    if kind == "complaint":
        complaint = complaint_service.get_by_number(session, number)
        return [
            _card(
                "complaint",
                complaint.number,
                complaint.stage,
                complaint.handler,
                complaint_service.sla_statuses(complaint, now=now),
                escalation_level=complaint.escalation_level,
                urge_count=complaint.urge_count,
                detail=complaint.type,
            )
        ]
    if kind == "data_request":
        request = data_request_service.get_by_number(session, number)
        return [
            _card(
                "data_request",
                request.number,
                request.status,
                request.handler,
                data_request_service.sla_statuses(request, now=now),
                escalation_level=request.escalation_level,
                detail=request.kind,
            )
        ]
    if kind == "appointment":
        appointment = appointment_service.get_by_number(session, number)
        when = local(appointment.start).strftime("%Y-%m-%d %H:%M")
        return [_card("appointment", number, appointment.status, None, [], detail=f"{appointment.service_type} {when}")]
    policy = policy_service.get_by_number(session, number)
    claims = claim_service.list_for_policy(session, policy.number)
    return [_card("policy", number, None, None, [], detail=policy.product_name)] + [
        _claim_card(c, session=session, now=now) for c in claims
    ]


def _claim_card(claim: Any, *, session: Session, now: dt.datetime) -> dict[str, Any]:
    return _card(
        "claim",
        claim.number,
        claim.status,
        claim.handler,
        claim_service.sla_statuses(session, claim, now=now),
        escalation_level=claim.escalation_level,
        urge_count=claim.urge_count,
        detail=claim.category,
    )


def _card(
    kind: str,
    number: str,
    state: str | None,
    handler: str | None,
    targets: Sequence[TargetStatus],
    *,
    escalation_level: int = 0,
    urge_count: int = 0,
    detail: str | None = None,
) -> dict[str, Any]:
    return {
        "case_type": kind,
        "number": number,
        "found": True,
        "state": state,
        "handler": handler,
        "detail": detail,
        "escalation_level": escalation_level,
        "urge_count": urge_count,
        "sla": [t.to_dict() for t in targets],
    }


# --- writing ----------------------------------------------------------------------------------


def create(data: HandoverCreate, *, session: Session, actor: Principal, now: dt.datetime) -> tuple[Handover, bool]:
    """Open a waiting hand-over, or return the conversation's open one (created=False) so retries never duplicate.

    A retry's transcript is not appended again: the first request's lines are already kept.
    """
    existing = open_for_conversation(data.conversation_id, session=session)
    if existing is not None:
        return existing, False
    handover = Handover(
        conversation_id=data.conversation_id,
        channel=data.channel,
        reason=data.reason,
        summary=mask_personal_numbers(data.summary) if data.summary else None,
        status=HandoverStatus.WAITING,
        customer_name=data.customer_name,
        case_numbers=data.case_numbers,
        outside_agent_hours=not hours.agents_available(now, get_policy(), get_calendar()),
        created_at=now,
        updated_at=now,
    )
    try:
        # The partial unique index settles a race between two first requests (PostgreSQL);
        # the loser returns the winner's hand-over just like a later retry would.
        with session.begin_nested():
            session.add(handover)
            session.flush()
    except IntegrityError:
        winner = open_for_conversation(data.conversation_id, session=session)
        if winner is None:
            raise
        return winner, False
    for line in data.transcript:
        _add_message(handover.id, line.sender, line.text, at=line.at or now, session=session)
    history.record(
        session,
        actor,
        CASE,
        handover.id,
        str(handover.id),
        "created",
        to_state=HandoverStatus.WAITING,
        data={"reason": data.reason, "conversation_id": data.conversation_id},
    )
    return handover, True


def take(handover_id: int, *, session: Session, actor: Principal, now: dt.datetime, rasa: RasaBridge) -> Handover:
    """An agent picks up a waiting chat (waiting → active); a second agent gets 409."""
    taken = _transition(
        handover_id,
        HandoverStatus.WAITING,
        None,
        session=session,
        status=HandoverStatus.ACTIVE,
        agent=actor.username,
        taken_at=now,
        updated_at=now,
    )
    handover = get(handover_id, session=session)
    if not taken:
        if handover.status == HandoverStatus.ACTIVE and handover.agent == actor.username:
            return handover  # a double click by the agent who already holds it
        if handover.status == HandoverStatus.ACTIVE:
            raise Conflict(
                f"该会话已被其他坐席接入（{handover.agent}）",
                f"Handover {handover_id} was already taken by another agent ({handover.agent})",
                extra={"agent": handover.agent},
            )
        raise _closed(handover, "接入", "taken")
    greeting = greeting_for(actor, session=session)
    # The bot serves the chat until it is taken: pause it now. (Pausing a paused tracker is harmless.)
    rasa.pause(handover.conversation_id, channel=handover.channel, say=greeting, agent=actor.username)
    history.record(
        session,
        actor,
        CASE,
        handover.id,
        str(handover.id),
        "taken",
        from_state=HandoverStatus.WAITING,
        to_state=HandoverStatus.ACTIVE,
        data={"told_customer": greeting},
    )
    return handover


def greeting_for(actor: Principal, *, session: Session) -> str:
    """What the customer sees when an agent takes over: the agent's staff number, else their name."""
    user = auth_service.get_by_username(session, actor.username)
    if user is not None and user.staff_no:
        who = f"（工号 {user.staff_no}）"
    else:
        who = actor.full_name or actor.username
    return f"人工客服{who}已为您接入，请问有什么可以帮您？"


def release(handover_id: int, *, session: Session, actor: Principal, now: dt.datetime, rasa: RasaBridge) -> Handover:
    """Hand the chat back to the bot (closed, outcome handed_back); only its agent or a supervisor may."""
    return _close(
        handover_id, HandoverOutcome.HANDED_BACK, None, "released", session=session, actor=actor, now=now, rasa=rasa
    )


def close(
    handover_id: int,
    outcome: HandoverOutcome,
    note: str | None,
    *,
    session: Session,
    actor: Principal,
    now: dt.datetime,
    rasa: RasaBridge,
) -> Handover:
    """End the chat with an outcome; the bot may only close one no agent has picked up yet."""
    return _close(handover_id, outcome, note, "closed", session=session, actor=actor, now=now, rasa=rasa)


def add_message(
    handover_id: int, data: MessageCreate, *, session: Session, actor: Principal, now: dt.datetime, rasa: RasaBridge
) -> HandoverMessage:
    """Append a transcript line (masked): agents speak as agent on chats they hold; the bot relays the rest.

    An agent's line is delivered to the customer first; if Rasa cannot take it, nothing is stored
    and the error (502/503) tells the console to keep the text for a retry.
    """
    # Row lock: a line must not slip into a chat that a concurrent request is closing.
    handover = get(handover_id, session=session, for_update=True)
    if handover.status == HandoverStatus.CLOSED:
        raise _closed(handover, "发送消息", "accept messages")
    if actor.role == "service":
        if data.sender == HandoverSender.AGENT:
            raise Forbidden("机器人不能以坐席身份发送消息", "The bot cannot post as an agent", field="sender")
    else:
        if data.sender != HandoverSender.AGENT:
            raise Forbidden("坐席只能以坐席身份发送消息", "Staff may only post as agent", field="sender")
        if handover.status == HandoverStatus.WAITING:
            raise Conflict("请先接入该会话再回复", "Take the handover before replying")
        if not _may_handle(handover, actor):
            raise Forbidden(
                f"该会话由其他坐席（{handover.agent}）接待", f"Handover {handover_id} is held by {handover.agent}"
            )
        # The customer gets the words as typed; only the kept copy is masked.
        rasa.say(handover.conversation_id, handover.channel, data.text, agent=actor.username)
    return _add_message(handover.id, data.sender, data.text, at=now, session=session)


def sync_transcript(handover_id: int, *, session: Session, rasa: RasaBridge) -> tuple[Handover, str | None]:
    """Copy what was said in the conversation since the last copy into the transcript (masked).

    Returns the hand-over and, if Rasa could not be read, a notice for the console: a failed
    copy leaves the transcript as it was and is simply tried again on the next poll.
    """
    # Row lock: two consoles polling the same chat must not copy the same lines twice.
    handover = get(handover_id, session=session, for_update=True)
    if handover.status == HandoverStatus.CLOSED:
        return handover, None
    return handover, copy_new_lines(handover, session=session, rasa=rasa)


def copy_new_lines(handover: Handover, *, session: Session, rasa: RasaBridge) -> str | None:
    """Append the tracker's customer/bot lines newer than `synced_until`; the notice if Rasa failed."""
    since = handover.synced_until if handover.synced_until is not None else handover.created_at.timestamp()
    try:
        news = rasa.lines_since(handover.conversation_id, since)
    except AppError:
        return SYNC_FAILED
    for line in news.lines:
        at = dt.datetime.fromtimestamp(line.timestamp, dt.UTC)
        _add_message(handover.id, HandoverSender(line.sender), line.text, at=at, session=session)
    if news.lines:
        handover.synced_until = max(line.timestamp for line in news.lines)
        session.flush()
    return None


def _add_message(
    handover_id: int, sender: HandoverSender, text: str, *, at: dt.datetime, session: Session
) -> HandoverMessage:
    message = HandoverMessage(handover_id=handover_id, sender=sender, text=mask_personal_numbers(text), at=at)
    session.add(message)
    session.flush()
    return message


def _may_handle(handover: Handover, actor: Principal) -> bool:
    """An active chat belongs to its agent (and supervisors); a waiting one to any staff member."""
    if actor.role in SUPERVISING_ROLES:
        return True
    if actor.role == "service":
        return handover.status == HandoverStatus.WAITING
    return handover.status == HandoverStatus.WAITING or handover.agent == actor.username


def _close(
    handover_id: int,
    outcome: HandoverOutcome,
    note: str | None,
    kind: str,
    *,
    session: Session,
    actor: Principal,
    now: dt.datetime,
    rasa: RasaBridge,
) -> Handover:
    handover = get(handover_id, session=session)
    verb_zh, verb_en = ("交还机器人", "be handed back") if kind == "released" else ("结束", "be closed")
    if handover.status == HandoverStatus.CLOSED:
        raise _closed(handover, verb_zh, verb_en)
    if not _may_handle(handover, actor):
        if actor.role == "service":
            raise Conflict(
                "坐席正在接待该会话，机器人不能结束",
                f"Handover {handover_id} is held by an agent",
                extra={"agent": handover.agent},
            )
        raise Forbidden(
            f"只有接待该会话的坐席（{handover.agent}）或主管可以{verb_zh}",
            f"Only the holding agent ({handover.agent}) or a supervisor may do this",
        )
    before = handover.status
    # Compare-and-set on the state just read: if someone took or closed it meanwhile, refuse.
    done = _transition(
        handover_id,
        before,
        handover.agent,
        session=session,
        status=HandoverStatus.CLOSED,
        outcome=outcome,
        closed_at=now,
        updated_at=now,
    )
    if not done:
        raise Conflict(
            "会话状态刚刚发生变化，请刷新后重试", f"Handover {handover_id} changed meanwhile; reload and retry"
        )
    handover = get(handover_id, session=session)
    told = None
    if actor.role != "service":
        # Keep what the customer wrote up to now with the record (best effort), then give the
        # conversation back to the bot with a last line.
        copy_new_lines(handover, session=session, rasa=rasa)
        told = HANDED_BACK_LINE if kind == "released" else CLOSED_LINE
        rasa.resume(handover.conversation_id, channel=handover.channel, say=told)
    history.record(
        session,
        actor,
        CASE,
        handover.id,
        str(handover.id),
        kind,
        from_state=before,
        to_state=HandoverStatus.CLOSED,
        note=note,
        data={"outcome": outcome} | ({"told_customer": told} if told else {}),
    )
    return handover


def _transition(
    handover_id: int, expected: HandoverStatus, expected_agent: str | None, *, session: Session, **values: Any
) -> bool:
    """Guarded UPDATE … WHERE id = :id AND status = :expected AND agent = :agent; True if it applied."""
    agent_matches = Handover.agent.is_(None) if expected_agent is None else Handover.agent == expected_agent
    result = session.execute(
        update(Handover)
        .where(Handover.id == handover_id, Handover.status == expected, agent_matches)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _closed(handover: Handover, verb_zh: str, verb_en: str) -> Conflict:
    outcome = f"（{OUTCOME_ZH[handover.outcome]}）" if handover.outcome else ""
    return Conflict(
        f"会话已结束{outcome}，不能再{verb_zh}",
        f"Handover {handover.id} is closed and cannot {verb_en}",
        extra={"status": handover.status},
    )
