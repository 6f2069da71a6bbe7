"""HTTP routes for escalation (thin: validation in schemas, logic in service)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["escalation"])
