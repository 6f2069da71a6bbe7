"""Request and response shapes for hand-overs and service hours."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from api.core.masking import CASE_NUMBER_RE
from api.handovers.models import HandoverOutcome, HandoverReason, HandoverSender, HandoverStatus
from api.history.schemas import CaseEventPublic

MAX_MESSAGE_CHARS = 2000


def _case_numbers(values: list[str]) -> list[str]:
    # Validated as a whole so a 422 names the field, not the list index.
    cleaned = [v.strip().upper() for v in values]
    bad = [v for v in cleaned if not CASE_NUMBER_RE.fullmatch(v)]
    if bad:
        raise ValueError(f"格式不正确：{bad[0]}（应如 LP2026110500123、TS20261122-0001、P0000000000001）")
    return list(dict.fromkeys(cleaned))


def _blank_to_none(value: str) -> str | None:
    return value or None


MessageText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)]
ConversationId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Channel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
# Optional free texts: stripped, bounded, blank stored as None.
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_MESSAGE_CHARS), AfterValidator(_blank_to_none)
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64), AfterValidator(_blank_to_none)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), AfterValidator(_blank_to_none)]
CaseNumbers = Annotated[list[str], Field(max_length=10), AfterValidator(_case_numbers)]


class TranscriptLine(BaseModel):
    sender: HandoverSender
    text: MessageText
    at: AwareDatetime | None = None


class HandoverCreate(BaseModel):
    conversation_id: ConversationId
    channel: Channel
    reason: HandoverReason
    summary: LongText | None = None
    customer_name: ShortText | None = None
    case_numbers: CaseNumbers = []
    transcript: list[TranscriptLine] = Field(default_factory=list, max_length=500)


class MessageCreate(BaseModel):
    sender: HandoverSender
    text: MessageText


class HandoverClose(BaseModel):
    outcome: HandoverOutcome = HandoverOutcome.RESOLVED
    note: Note | None = None


class MessagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sender: HandoverSender
    text: str
    at: dt.datetime


class HandoverSummary(BaseModel):
    """A hand-over as the queue shows it."""

    id: int
    conversation_id: str
    channel: str
    reason: HandoverReason
    summary: str | None
    status: HandoverStatus
    agent: str | None
    customer_name: str | None
    case_numbers: list[str]
    created_at: dt.datetime
    taken_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: HandoverOutcome | None
    outside_agent_hours: bool
    waiting_seconds: int
    pickup_due_at: dt.datetime
    pickup_state: str
    pickup_overdue: bool
    last_message: MessagePublic | None


class HandoverCreated(HandoverSummary):
    """The bot's answer: whether an agent can pick up now, and if not, when."""

    agents_available: bool
    next_agent_opening: dt.datetime | None
    created: bool  # False: the conversation's open hand-over from an earlier request (nothing new was queued)


class HandoverDetail(HandoverSummary):
    transcript: list[MessagePublic]
    history: list[CaseEventPublic]


class HandoverForBot(HandoverSummary):
    """The open hand-over of a conversation plus the transcript lines after `after` (to relay agent replies)."""

    bot_paused: bool  # the bot must stay silent (a new Rasa session starts paused)
    transcript: list[MessagePublic]


class HandoverUpdate(BaseModel):
    """What an open chat in the console polls for: the hand-over now and its lines after `after`."""

    handover: HandoverSummary
    transcript: list[MessagePublic]
    notice: str | None = None  # set when the customer's new messages could not be read from Rasa


class SlaTargetPublic(BaseModel):
    name: str
    label: str
    due_at: dt.datetime | None
    met_at: dt.datetime | None
    state: str
    remaining_seconds: int | None
    elapsed_ratio: float
    breached_at: dt.datetime | None


class CustomerCase(BaseModel):
    """One of the customer's cases beside the chat (found=False: the number is not on file)."""

    case_type: str  # claim | complaint | appointment | policy
    number: str
    found: bool
    state: str | None = None
    handler: str | None = None
    detail: str | None = None
    escalation_level: int = 0
    urge_count: int = 0
    sla: list[SlaTargetPublic] = []


class AgentHours(BaseModel):
    start: str
    end: str
    working_days_only: bool


class ServiceHoursPublic(BaseModel):
    self_service: str
    timezone: str
    agents_available_now: bool
    agent_hours: AgentHours
    next_agent_opening: dt.datetime | None
