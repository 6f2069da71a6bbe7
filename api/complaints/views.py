"""HTTP routes for complaints (thin: validation in schemas, logic in service)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["complaints"])
