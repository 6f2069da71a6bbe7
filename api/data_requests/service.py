"""Personal-data requests: registration, the 受理→核实身份→处理中→已完成/已驳回 lifecycle, SLA, progress."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import service as auth_service
from api.auth.principal import Principal
from api.core.clock import local
from api.core.errors import BadRequest, Conflict, NotFound
from api.core.masking import mask_personal_numbers
from api.core.numbering import data_request_number
from api.core.security import decrypt, encrypt, mask
from api.customers import service as customers
from api.data_requests.enums import (
    CLOSED_STATUSES,
    KIND_WORDS,
    STATUS_WORDS,
    TRANSITIONS,
    DataRequestKind,
    DataRequestStatus,
)
from api.data_requests.models import DataRequest
from api.data_requests.schemas import DataRequestCreate
from api.history import service as history
from api.notifications import service as notifications
from api.service_policy import Duration, get_policy
from api.sla import engine
from api.sla.engine import TargetState, TargetStatus
from api.sla.runtime import evaluate_targets, get_calendar

CASE = "data_request"


def get_by_number(session: Session, number: str, *, for_update: bool = False) -> DataRequest:
    query = select(DataRequest).where(DataRequest.number == number)
    found = session.scalar(query.with_for_update(of=DataRequest) if for_update else query)
    if found is None:
        raise NotFound(
            f"未找到个人信息申请 {number}", f"Personal-data request {number} not found", field="data_request_number"
        )
    return found


def create(
    session: Session,
    actor: Principal,
    data: DataRequestCreate,
    *,
    now: dt.datetime,
    accepted_at: dt.datetime | None = None,
    number: str | None = None,
) -> DataRequest:
    """Accept a request (受理); the reply is due by the policy's data_request resolution target."""
    accepted_at = accepted_at or now
    customer = customers.find_or_create(session, name=data.contact_name, mobile=data.contact_mobile)
    request = DataRequest(
        number=number or data_request_number(session, accepted_at),
        customer_id=customer.id,
        kind=data.kind,
        # A correction often quotes the right ID or bank number; it is taken down on the verified call,
        # never kept in clear text here.
        details=mask_personal_numbers(data.details),
        channel=data.channel,
        conversation_id=data.conversation_id,
        contact_name=data.contact_name,
        contact_mobile_enc=encrypt(data.contact_mobile),
        status=DataRequestStatus.ACCEPTED,
        accepted_at=accepted_at,
        due_at=engine.due_at(accepted_at, _resolution_target(), get_calendar()),
        escalation_level=0,
    )
    session.add(request)
    session.flush()
    history.record(
        session,
        actor,
        CASE,
        request.id,
        request.number,
        "created",
        to_state=request.status,
        after={"status": request.status, "kind": request.kind, "channel": request.channel},
        at=accepted_at,
    )
    refresh_next_due(request, now=now)
    return request


def change_status(
    session: Session,
    actor: Principal,
    request: DataRequest,
    to: DataRequestStatus,
    *,
    now: dt.datetime,
    resolution: str | None = None,
    note: str | None = None,
    handler: str | None = None,
) -> DataRequest:
    """Move the request one step forward, or turn it down from any open step; the outcome is always written."""
    current = DataRequestStatus(request.status)
    if to not in TRANSITIONS[current]:
        allowed = "、".join(s for s in DataRequestStatus if s in TRANSITIONS[current]) or "无（已办结）"
        raise Conflict(
            f"个人信息申请当前为「{current}」，不能变更为「{to}」；可变更为：{allowed}",
            f"Personal-data request is '{current}' and cannot move to '{to}'",
            field="status",
        )
    # The route's schema refuses this first (422); this guards callers that skip it (seed, scripts).
    if to in CLOSED_STATUSES and not resolution:
        raise BadRequest(
            "办结或驳回个人信息申请时须写明处理结果（驳回须写明原因）",
            "A completed or rejected request needs its resolution",
            field="resolution",
        )
    before = {"status": current, "handler": request.handler, "resolution": request.resolution}
    if handler:
        staff = auth_service.get_staff(session, handler)
        if staff is None:
            raise BadRequest("处理人员应为坐席用户名", "The handler must be a staff username", field="handler")
        request.handler = staff.username
    elif request.handler is None and actor.role in ("agent", "supervisor", "admin"):
        request.handler = actor.username
    request.status = to
    if to in CLOSED_STATUSES:
        request.resolution, request.closed_at = resolution, now
        notifications.notify(
            session,
            kind="customer_update",
            recipient_role="customer",
            recipient=mask(decrypt(request.contact_mobile_enc)),
            case_type=CASE,
            case_number=request.number,
            subject=f"您的个人信息{KIND_WORDS[DataRequestKind(request.kind)]}申请 {request.number} 已办结",
            body=f"{status_text(request)}\n处理结果：{resolution}",
        )
    history.record(
        session,
        actor,
        CASE,
        request.id,
        request.number,
        "status",
        from_state=current,
        to_state=to,
        note=note,
        before=before,
        after={"status": to, "handler": request.handler, "resolution": request.resolution},
        at=now,
    )
    refresh_next_due(request, now=now)
    return request


def _resolution_target() -> Duration:
    return engine.data_request_targets(get_policy())["resolution"]


def sla_statuses(request: DataRequest, *, now: dt.datetime) -> list[TargetStatus]:
    """The resolution target at `now`: met when the request is completed or turned down."""
    return evaluate_targets(
        engine.data_request_targets(get_policy()), request.accepted_at, now=now, met={"resolution": request.closed_at}
    )


def refresh_next_due(request: DataRequest, *, now: dt.datetime) -> None:
    """Keep the earliest open deadline on the row so the sweep can find due requests by index."""
    request.next_due_at = (
        None if request.status in CLOSED_STATUSES else engine.earliest_open_due(sla_statuses(request, now=now))
    )


def _span(duration: Duration) -> str:
    if duration.working_days is not None:
        return f"{duration.working_days} 个工作日内"
    hours = duration.clock.total_seconds() / 3600
    return f"{hours:g} 小时内"


def _due_date(request: DataRequest) -> dt.date:
    # A working-day deadline is 00:00 after the last day; the customer is told that last day.
    return (local(request.due_at) - dt.timedelta(microseconds=1)).date()


def promise(request: DataRequest) -> str:
    """What the customer is promised at acceptance, in the policy's numbers (the date itself is `due_at`)."""
    mobile = decrypt(request.contact_mobile_enc)
    return (
        f"为保护您的信息安全，工作人员会先致电您登记的手机（尾号 {mobile[-4:]}）核实身份，"
        f"并在受理后 {_span(_resolution_target())}答复您。"
    )


def retention_notice() -> str:
    """Why a deletion may be refused: records inside the retention period (policy retention_years) must be kept."""
    years = get_policy().retention_years
    return (
        f"按照档案保存规定，保单、理赔等业务记录须保存 {years['ordinary']} 年（特殊案件 {years['special']} 年），"
        "保存期限届满前不能删除；期满后我们会依法删除或匿名化处理。"
    )


def status_text(request: DataRequest) -> str:
    """The request's state in the words the customer is told."""
    status = DataRequestStatus(request.status)
    if status is DataRequestStatus.REJECTED and request.kind == DataRequestKind.DELETION:
        return "您的删除申请未能办理。" + retention_notice() + "具体原因见处理结果；如有异议，可以投诉或转人工咨询。"
    return STATUS_WORDS[status]


def public(session: Session, request: DataRequest, *, now: dt.datetime, with_history: bool = False) -> dict:
    """The request as staff see it (mobile masked)."""
    out = {
        "number": request.number,
        "kind": request.kind,
        "status": request.status,
        "details": request.details,
        "channel": request.channel,
        "contact_name": request.contact_name,
        "contact_mobile": mask(decrypt(request.contact_mobile_enc)),
        "handler": request.handler,
        "resolution": request.resolution,
        "escalation_level": request.escalation_level,
        "accepted_at": local(request.accepted_at).isoformat(),
        "due_at": local(request.due_at).isoformat(),
        "due_date": _due_date(request).isoformat(),
        "closed_at": local(request.closed_at).isoformat() if request.closed_at else None,
        "conversation_id": request.conversation_id,
        "sla": [s.to_dict() for s in sla_statuses(request, now=now)],
    }
    if with_history:
        out["history"] = history.public_events(session, CASE, request.id)
    return out


def progress(request: DataRequest, *, now: dt.datetime) -> dict:
    """What a verified customer is told about their request."""
    status = DataRequestStatus(request.status)
    finished = status in CLOSED_STATUSES
    return {
        "number": request.number,
        "kind": request.kind,
        "status": status,
        "status_text": status_text(request),
        "accepted_at": local(request.accepted_at).isoformat(),
        "due_at": local(request.due_at).isoformat(),
        "due_date": _due_date(request).isoformat(),
        "overdue": any(s.state is TargetState.BREACHED for s in sla_statuses(request, now=now)),
        "finished": finished,
        "resolution": request.resolution if finished else None,
        "closed_at": local(request.closed_at).isoformat() if request.closed_at else None,
    }
