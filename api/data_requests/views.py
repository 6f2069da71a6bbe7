"""HTTP routes for personal-data requests (thin: validation in schemas, logic in service)."""

from fastapi import APIRouter
from sqlalchemy import select

from api.auth.deps import Staff, StaffOrBot
from api.core.casegate import VerificationToken, fetch_visible
from api.core.clock import utcnow
from api.core.db import SessionDep
from api.core.errors import Forbidden
from api.data_requests import service
from api.data_requests.enums import DataRequestStatus
from api.data_requests.models import DataRequest
from api.data_requests.schemas import DataRequestCreate, StatusChange
from api.service_policy import get_policy

router = APIRouter(prefix="/api/v1", tags=["data-requests"])


@router.post("/data-requests", status_code=201)
def create_data_request(body: DataRequestCreate, session: SessionDep, actor: StaffOrBot) -> dict:
    """Register a request to query, correct or delete personal data; the reply carries the number and the promise."""
    if body.received_at is not None and actor.role == "service":
        raise Forbidden(
            "机器人登记的申请以当前时间受理，不能指定收到时间",
            "Only staff may back-date a request's receipt",
            field="received_at",
        )
    now = utcnow()
    request = service.create(session, actor, body, now=now, accepted_at=body.received_at)
    return service.progress(request, now=now) | {
        "promise": service.promise(request),
        "promises": {
            "resolution": get_policy().sla.data_request.resolution.model_dump(exclude_none=True),
        },
    }


@router.get("/data-requests")
def list_data_requests(
    session: SessionDep, _: Staff, status: DataRequestStatus | None = None, limit: int = 100
) -> list[dict]:
    """Newest first, optionally one status."""
    query = select(DataRequest).order_by(DataRequest.accepted_at.desc()).limit(min(max(limit, 1), 500))
    if status:
        query = query.where(DataRequest.status == status)
    now = utcnow()
    return [service.public(session, r, now=now) for r in session.scalars(query)]


@router.get("/data-requests/{number}")
def read_data_request(number: str, session: SessionDep, _: Staff) -> dict:
    """Full request with its SLA target and history (staff)."""
    return service.public(session, service.get_by_number(session, number), now=utcnow(), with_history=True)


@router.post("/data-requests/{number}/status")
def change_status(number: str, body: StatusChange, session: SessionDep, actor: Staff) -> dict:
    """受理→核实身份→处理中→已完成, or 已驳回 from any open step (illegal moves → 409 with the reason)."""
    now = utcnow()
    request = service.get_by_number(session, number, for_update=True)
    service.change_status(
        session, actor, request, body.status, now=now, resolution=body.resolution, note=body.note, handler=body.handler
    )
    return service.public(session, request, now=now, with_history=True)


@router.get("/data-requests/{number}/progress")
def data_request_progress(number: str, session: SessionDep, actor: StaffOrBot, token: VerificationToken = None) -> dict:
    """What the customer may be told once verified (case number + last digits of the mobile)."""
    request = fetch_visible(actor, token, number, lambda: service.get_by_number(session, number))
    return service.progress(request, now=utcnow())
