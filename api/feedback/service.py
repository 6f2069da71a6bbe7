"""Customer satisfaction ratings (CSAT 1–5, seed 002 ch. 4): record and list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.auth.principal import Principal
from api.core.masking import mask_personal_numbers
from api.feedback.models import Feedback
from api.feedback.schemas import FeedbackCreate


def create(data: FeedbackCreate, *, session: Session, actor: Principal, now: dt.datetime) -> Feedback:
    """Store one rating (comment masked) and audit it."""
    feedback = Feedback(
        at=now,
        score=data.score,
        comment=mask_personal_numbers(data.comment) if data.comment else None,
        conversation_id=data.conversation_id,
        channel=data.channel,
        case_number=data.case_number,
    )
    session.add(feedback)
    session.flush()
    audit.record(
        session,
        actor,
        "feedback.created",
        "feedback",
        feedback.id,
        after={
            "score": feedback.score,
            "conversation_id": feedback.conversation_id,
            "channel": feedback.channel,
            "case_number": feedback.case_number,
        },
    )
    return feedback


def recent(*, session: Session, limit: int = 50) -> list[Feedback]:
    """The newest ratings first."""
    return list(session.scalars(select(Feedback).order_by(Feedback.at.desc(), Feedback.id.desc()).limit(limit)))
