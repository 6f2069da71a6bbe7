"""Hand-overs from the bot to a human agent: the waiting → active → closed lifecycle and the transcript.

Every transition is a guarded UPDATE (… WHERE status = <expected>), so two agents, or an agent and
the bot, acting on the same chat at once can never both succeed; the loser gets a 409 saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.core import hours
from api.core.errors import Conflict, Forbidden, NotFound
from api.core.masking import mask_personal_numbers
from api.handovers.models import (
    OPEN_STATUSES,
    Handover,
    HandoverMessage,
    HandoverOutcome,
    HandoverSender,
    HandoverStatus,
)
from api.handovers.schemas import HandoverCreate, MessageCreate
from api.history import service as history
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


def take(handover_id: int, *, session: Session, actor: Principal, now: dt.datetime) -> Handover:
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
    history.record(
        session,
        actor,
        CASE,
        handover.id,
        str(handover.id),
        "taken",
        from_state=HandoverStatus.WAITING,
        to_state=HandoverStatus.ACTIVE,
    )
    return handover


def release(handover_id: int, *, session: Session, actor: Principal, now: dt.datetime) -> Handover:
    """Hand the chat back to the bot (closed, outcome handed_back); only its agent or a supervisor may."""
    return _close(handover_id, HandoverOutcome.HANDED_BACK, None, "released", session=session, actor=actor, now=now)


def close(
    handover_id: int,
    outcome: HandoverOutcome,
    note: str | None,
    *,
    session: Session,
    actor: Principal,
    now: dt.datetime,
) -> Handover:
    """End the chat with an outcome; the bot may only close one no agent has picked up yet."""
    return _close(handover_id, outcome, note, "closed", session=session, actor=actor, now=now)


def add_message(
    handover_id: int, data: MessageCreate, *, session: Session, actor: Principal, now: dt.datetime
) -> HandoverMessage:
    """Append a transcript line (masked): agents speak as agent on chats they hold; the bot relays the rest."""
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
        if handover.agent != actor.username:
            raise Forbidden(
                f"该会话由其他坐席（{handover.agent}）接待", f"Handover {handover_id} is held by {handover.agent}"
            )
    return _add_message(handover.id, data.sender, data.text, at=now, session=session)


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
        data={"outcome": outcome},
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
