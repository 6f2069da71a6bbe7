"""HTTP routes for insurance policies (staff)."""

import datetime as dt
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth.deps import Staff
from api.core.db import SessionDep
from api.core.schemas import IdNumber, Mobile, Name
from api.policies import service

router = APIRouter(prefix="/api/v1", tags=["policies"])


class PolicyCreate(BaseModel):
    holder_name: Name
    mobile: Mobile
    id_number: IdNumber | None = None
    product_name: Name
    product_type: str = Field(pattern="^(健康险|意外险|寿险|车险|财产险)$")
    effective_date: dt.date
    expiry_date: dt.date | None = None
    sum_insured: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


@router.post("/policies", status_code=201)
def create_policy(body: PolicyCreate, session: SessionDep, actor: Staff) -> dict:
    """Register a policy (and its holder if new)."""
    return service.public(service.create(session, actor, **body.model_dump()))


@router.get("/policies/{number}")
def read_policy(number: str, session: SessionDep, _: Staff) -> dict:
    return service.public(service.get_by_number(session, number))
