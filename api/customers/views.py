"""Customer look-up for staff (by mobile, via the keyed hash; numbers shown masked)."""

from fastapi import APIRouter
from sqlalchemy import select

from api.auth.deps import Staff
from api.claims.models import Claim
from api.complaints.models import Complaint
from api.core.db import SessionDep
from api.core.errors import NotFound
from api.core.schemas import Mobile
from api.customers import service
from api.data_requests.models import DataRequest
from api.policies.models import InsurancePolicy

router = APIRouter(prefix="/api/v1", tags=["customers"])


@router.get("/customers/lookup")
def lookup(mobile: Mobile, session: SessionDep, _: Staff) -> dict:
    """The customer with this mobile and the numbers of their policies, claims, complaints and data requests."""
    customer = service.find_by_mobile(session, mobile)
    if customer is None:
        raise NotFound("未找到该手机号对应的客户", "No customer with this mobile", field="mobile")
    numbers = lambda model: list(session.scalars(select(model.number).where(model.customer_id == customer.id)))  # noqa: E731
    return service.public(customer) | {
        "policies": numbers(InsurancePolicy),
        "claims": numbers(Claim),
        "complaints": numbers(Complaint),
        "data_requests": numbers(DataRequest),
    }
