"""HTTP routes for feedback (thin: validation in schemas, logic in service)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.auth.deps import Staff, StaffOrBot
from api.core.clock import utcnow
from api.core.db import SessionDep
from api.feedback import service
from api.feedback.schemas import FeedbackCreate, FeedbackPublic

router = APIRouter(prefix="/api/v1", tags=["feedback"])


@router.post("/feedback", status_code=status.HTTP_201_CREATED, response_model=FeedbackPublic)
def create_feedback(data: FeedbackCreate, session: SessionDep, actor: StaffOrBot):
    """Record a customer's satisfaction rating (1–5) for a conversation or a case."""
    return service.create(data, session=session, actor=actor, now=utcnow())


@router.get("/feedback", response_model=list[FeedbackPublic])
def list_feedback(session: SessionDep, _actor: Staff, limit: Annotated[int, Query(ge=1, le=500)] = 50):
    """The most recent ratings, newest first."""
    return service.recent(session=session, limit=limit)
