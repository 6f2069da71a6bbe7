"""HTTP routes for hand-overs and service hours (thin: validation in schemas, logic in service)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.orm import Session

from api.auth.deps import Staff, StaffOrBot
from api.core import hours
from api.core.clock import utcnow
from api.core.db import SessionDep
from api.handovers import service
from api.handovers.models import Handover, HandoverMessage, HandoverStatus
from api.handovers.rasa import bridge
from api.handovers.schemas import (
    CustomerCase,
    HandoverClose,
    HandoverCreate,
    HandoverCreated,
    HandoverDetail,
    HandoverForBot,
    HandoverSummary,
    HandoverUpdate,
    MessageCreate,
    MessagePublic,
    ServiceHoursPublic,
)
from api.history import service as history
from api.history.schemas import CaseEventPublic
from api.service_policy import get_policy
from api.sla.runtime import get_calendar

router = APIRouter(prefix="/api/v1", tags=["handovers"])


def _summary(session: Session, handover: Handover) -> dict[str, Any]:
    last = service.last_messages([handover.id], session=session).get(handover.id)
    return service.describe(handover, now=utcnow(), last_message=last)


def _lines(messages: list[HandoverMessage]) -> list[MessagePublic]:
    return [MessagePublic.model_validate(m) for m in messages]


@router.post("/handovers", status_code=status.HTTP_201_CREATED, response_model=HandoverCreated)
def create_handover(data: HandoverCreate, session: SessionDep, actor: StaffOrBot, response: Response):
    """Hand a conversation to a human agent (201), or return its open hand-over (200) on a retry."""
    now = utcnow()
    handover, created = service.create(data, session=session, actor=actor, now=now)
    if not created:
        response.status_code = status.HTTP_200_OK
    policy, calendar = get_policy(), get_calendar()
    available = hours.agents_available(now, policy, calendar)
    # outside_agent_hours here is "now", which is what the bot must tell the customer.
    return _summary(session, handover) | {
        "agents_available": available,
        "created": created,
        "outside_agent_hours": not available,
        "next_agent_opening": None if available else hours.next_agent_opening(now, policy, calendar),
    }


@router.get("/handovers", response_model=list[HandoverSummary])
def list_handovers(
    session: SessionDep,
    _actor: Staff,
    status_: Annotated[HandoverStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
):
    """The agents' queue: open hand-overs (or one status), oldest first, with pickup deadline and last line."""
    found = service.queue(status_, session=session, limit=limit)
    last = service.last_messages([h.id for h in found], session=session)
    now = utcnow()
    return [service.describe(h, now=now, last_message=last.get(h.id)) for h in found]


@router.get("/handovers/by-conversation/{conversation_id}", response_model=HandoverForBot)
def handover_of_conversation(
    conversation_id: str, session: SessionDep, _actor: StaffOrBot, after: Annotated[int, Query(ge=0)] = 0
):
    """The conversation's open hand-over (404: the bot holds the chat) with transcript lines after `after`."""
    handover = service.get_open_for_conversation(conversation_id, session=session)
    return _summary(session, handover) | {
        "bot_paused": service.bot_paused(handover),
        "transcript": _lines(service.transcript(handover.id, session=session, after=after)),
    }


@router.get("/handovers/{handover_id}", response_model=HandoverDetail)
def read_handover(handover_id: int, session: SessionDep, _actor: Staff):
    """One hand-over with its full (masked) transcript and history."""
    handover = service.get(handover_id, session=session)
    return _summary(session, handover) | {
        "transcript": _lines(service.transcript(handover.id, session=session)),
        "history": [CaseEventPublic.model_validate(e) for e in history.events_for(session, "handover", handover.id)],
    }


# The console polls this every ~2 s while a chat is open (and the queue every few seconds): a
# handful of agents make a few light requests a second, and the customer's words reach the
# console without any loop inside Rasa or its actions. It is a POST because it writes: it copies
# the lines the customer wrote since the last poll from Rasa's tracker into the transcript.
@router.post("/handovers/{handover_id}/sync", response_model=HandoverUpdate)
def sync_handover(handover_id: int, session: SessionDep, _actor: Staff, after: Annotated[int, Query(ge=0)] = 0):
    """Pull the customer's new messages from Rasa, then return the hand-over and its lines after `after`.

    If Rasa cannot be read the stored lines are returned with a notice, so the console keeps working.
    """
    handover, notice = service.sync_transcript(handover_id, session=session, rasa=bridge())
    return {
        "handover": _summary(session, handover),
        "transcript": _lines(service.transcript(handover.id, session=session, after=after)),
        "notice": notice,
    }


@router.get("/handovers/{handover_id}/cases", response_model=list[CustomerCase])
def cases_of_handover(handover_id: int, session: SessionDep, _actor: Staff):
    """The customer's cases (recorded numbers, and complaints/appointments filed in the chat) with SLA targets."""
    handover = service.get(handover_id, session=session)
    return service.customer_cases(handover, session=session, now=utcnow())


@router.post("/handovers/{handover_id}/take", response_model=HandoverSummary)
def take_handover(handover_id: int, session: SessionDep, actor: Staff):
    """Pick up a waiting chat; 409 if another agent was faster."""
    taken = service.take(handover_id, session=session, actor=actor, now=utcnow(), rasa=bridge())
    return _summary(session, taken)


@router.post("/handovers/{handover_id}/messages", status_code=status.HTTP_201_CREATED, response_model=MessagePublic)
def post_message(handover_id: int, data: MessageCreate, session: SessionDep, actor: StaffOrBot):
    """Add a line to the transcript (personal numbers masked); an agent's line first goes to the customer."""
    return service.add_message(handover_id, data, session=session, actor=actor, now=utcnow(), rasa=bridge())


@router.post("/handovers/{handover_id}/release", response_model=HandoverSummary)
def release_handover(handover_id: int, session: SessionDep, actor: Staff):
    """Hand the chat back to the bot (closed with outcome handed_back)."""
    released = service.release(handover_id, session=session, actor=actor, now=utcnow(), rasa=bridge())
    return _summary(session, released)


@router.post("/handovers/{handover_id}/close", response_model=HandoverSummary)
def close_handover(handover_id: int, session: SessionDep, actor: StaffOrBot, data: HandoverClose | None = None):
    """End the chat with an outcome (handed_back | resolved | abandoned; default resolved)."""
    data = data or HandoverClose()
    closed = service.close(
        handover_id, data.outcome, data.note, session=session, actor=actor, now=utcnow(), rasa=bridge()
    )
    return _summary(session, closed)


@router.get("/service-hours", response_model=ServiceHoursPublic, tags=["service-hours"])
def service_hours():
    """Public: self-service is 7×24; when human agents are on duty and when they next are."""
    return hours.describe(utcnow(), get_policy(), get_calendar())
