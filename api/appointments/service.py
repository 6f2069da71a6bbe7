"""Appointments (预约): slot rules from the policy file, capacity that holds under concurrency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.appointments.models import Appointment, AppointmentSlot, AppointmentStatus
from api.appointments.schemas import AppointmentCreate, Availability, SlotPublic
from api.auth.principal import Principal
from api.core.casegate import fetch_visible
from api.core.clock import SHANGHAI, local, utcnow
from api.core.errors import BadRequest, Conflict, NotFound
from api.core.numbering import appointment_number
from api.core.security import encrypt, lookup_hash
from api.customers import service as customers
from api.history import service as history
from api.history.models import CaseEvent
from api.service_policy import Appointment as Rules
from api.service_policy import ServiceType, get_policy
from api.sla.calendar import WorkCalendar, local_midnight

CASE_TYPE = "appointment"
MAX_ALTERNATIVES = 3
STATUS_EN = {"已预约": "booked", "已取消": "cancelled", "已完成": "completed", "未到场": "a no-show"}


@lru_cache(maxsize=1)
def work_calendar() -> WorkCalendar:
    """The process-wide working-day calendar built from the policy file."""
    return WorkCalendar.from_policy(get_policy())


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    capacity: int
    booked: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)


# ---- rules (pure: policy + calendar + now) -------------------------------------------------


def day_slots(svc: ServiceType, day: dt.date, slot_minutes: int) -> list[dt.datetime]:
    """Slot starts of one day (Asia/Shanghai); every slot ends by the service's closing time."""
    step = dt.timedelta(minutes=slot_minutes)
    start = dt.datetime.combine(day, svc.start, tzinfo=SHANGHAI)
    close = dt.datetime.combine(day, svc.end, tzinfo=SHANGHAI)
    starts = []
    while start + step <= close:
        starts.append(start)
        start += step
    return starts


def closed_reason(
    rules: Rules, cal: WorkCalendar, service_type: str, day: dt.date, now: dt.datetime
) -> tuple[str, str] | None:
    """Why nothing can be booked on `day` (zh, en), or None when the day is open."""
    today = local(now).date()
    last = today + dt.timedelta(days=rules.horizon_days)
    if day < today:
        return "该日期已过，请选择今天或以后的日期", "That date has passed; choose today or a later date"
    if day > last:
        return (
            f"只能预约 {rules.horizon_days} 天内的时间（最晚 {last:%Y-%m-%d}）",
            f"Bookings open at most {rules.horizon_days} days ahead (until {last:%Y-%m-%d})",
        )
    if rules.service_types[service_type].working_days_only and not cal.is_working_day(day):
        return (
            f"{day:%Y-%m-%d} 不是工作日，{service_type}仅在工作日办理",
            f"{day:%Y-%m-%d} is not a working day; {service_type} is offered on working days only",
        )
    return None


def check_start(
    rules: Rules, cal: WorkCalendar, service_type: str, start: dt.datetime, now: dt.datetime
) -> dt.datetime:
    """The requested start in Asia/Shanghai if it is a bookable slot start; else BadRequest naming the rule."""
    svc = rules.service_types[service_type]
    at = local(start)
    if start <= now:
        raise BadRequest("预约时间已过，请选择将来的时间", "That time has passed; choose a future time", field="start")
    if reason := closed_reason(rules, cal, service_type, at.date(), now):
        raise BadRequest(*reason, field="start")
    if not cal.is_within_hours(at, svc.start, svc.end, working_days_only=False):
        raise BadRequest(
            f"不在{service_type}的服务时间内（{svc.start:%H:%M}–{svc.end:%H:%M}）",
            f"Outside the hours of {service_type} ({svc.start:%H:%M}–{svc.end:%H:%M})",
            field="start",
        )
    starts = day_slots(svc, at.date(), rules.slot_minutes)
    if at not in starts:
        examples = [f"{s:%H:%M}" for s in starts[:3]]
        raise BadRequest(
            f"开始时间须为时段起点（每 {rules.slot_minutes} 分钟一个时段，如 {'、'.join(examples)}）",
            f"Start must be a slot boundary ({rules.slot_minutes}-minute slots, e.g. {', '.join(examples)})",
            field="start",
        )
    return at


def _service(rules: Rules, service_type: str) -> ServiceType:
    if service_type not in rules.service_types:
        raise Conflict(
            f"服务「{service_type}」已停止预约", f"Service {service_type} is no longer bookable", field="service_type"
        )
    return rules.service_types[service_type]


def _place(svc: ServiceType, branch: str | None, address: str | None) -> tuple[str | None, str | None]:
    """(branch, address) the service needs; the other is dropped (data minimisation)."""
    if svc.needs == "branch":
        if not branch:
            raise BadRequest("请选择办理网点", "This service needs a branch", field="branch")
        return branch, None
    if svc.needs == "address":
        if not address:
            raise BadRequest("上门服务需要填写地址", "A home visit needs an address", field="address")
        return None, address
    return None, None


# ---- slot counters -------------------------------------------------------------------------


def _slots(
    session: Session, rules: Rules, cal: WorkCalendar, service_type: str, key: str, first: dt.date, last: dt.date
) -> list[Slot]:
    """Every slot of the open days first..last, chronological, with its booked count."""
    svc = rules.service_types[service_type]
    booked = dict(
        session.execute(
            select(AppointmentSlot.start, AppointmentSlot.booked).where(
                AppointmentSlot.service_type == service_type,
                AppointmentSlot.branch == key,
                AppointmentSlot.start >= local_midnight(first),
                AppointmentSlot.start < local_midnight(last + dt.timedelta(1)),
            )
        )
        .tuples()
        .all()
    )
    step = dt.timedelta(minutes=rules.slot_minutes)
    out, day = [], first
    while day <= last:
        if not svc.working_days_only or cal.is_working_day(day):
            out += [Slot(s, s + step, svc.capacity, booked.get(s, 0)) for s in day_slots(svc, day, rules.slot_minutes)]
        day += dt.timedelta(1)
    return out


def _slot_id(session: Session, service_type: str, key: str, start: dt.datetime, capacity: int) -> int:
    """Get-or-create the slot's counter row (safe when two requests create it at once)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(AppointmentSlot)
        .values(service_type=service_type, branch=key, start=start, capacity=capacity, booked=0)
        .on_conflict_do_nothing(index_elements=["service_type", "branch", "start"])
    )
    return session.scalars(
        select(AppointmentSlot.id).where(
            AppointmentSlot.service_type == service_type,
            AppointmentSlot.branch == key,
            AppointmentSlot.start == start,
        )
    ).one()


def _take(session: Session, slot_id: int, capacity: int) -> bool:
    """Book one place if one is left; the guarded UPDATE is what makes overbooking impossible."""
    # The policy's capacity is authoritative (a lowered capacity applies to existing slots too);
    # the row's copy is kept in step for reports.
    row = session.execute(
        update(AppointmentSlot)
        .where(AppointmentSlot.id == slot_id, AppointmentSlot.booked < capacity)
        .values(booked=AppointmentSlot.booked + 1, capacity=capacity)
        .returning(AppointmentSlot.booked)
        .execution_options(synchronize_session=False)
    ).first()
    return row is not None


def _release(session: Session, slot_id: int) -> None:
    session.execute(
        update(AppointmentSlot)
        .where(AppointmentSlot.id == slot_id, AppointmentSlot.booked > 0)
        .values(booked=AppointmentSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )


def _full(
    session: Session, rules: Rules, service_type: str, key: str, wanted: dt.datetime, now: dt.datetime
) -> Conflict:
    """409 for a full slot, offering the nearest free slots: same day first, then the following days."""
    last = local(now).date() + dt.timedelta(days=rules.horizon_days)
    free = [
        s
        for s in _slots(session, rules, work_calendar(), service_type, key, wanted.date(), last)
        if s.start > now and s.remaining > 0 and s.start != wanted
    ]
    same_day = sorted((s for s in free if s.start.date() == wanted.date()), key=lambda s: abs(s.start - wanted))
    later = [s for s in free if s.start.date() > wanted.date()]
    alternatives = [SlotPublic.model_validate(s).model_dump(mode="json") for s in (same_day + later)[:MAX_ALTERNATIVES]]
    return Conflict(
        "该时段已约满，请选择其他时间", "That slot is fully booked", field="start", extra={"alternatives": alternatives}
    )


# ---- queries -------------------------------------------------------------------------------


def availability(
    *, session: Session, service_type: str, day: dt.date, branch: str | None = None, now: dt.datetime | None = None
) -> Availability:
    """Every remaining slot of one day with its free places, or an empty list and the reason."""
    now, rules = now or utcnow(), get_policy().appointment
    svc = rules.service_types[service_type]
    if svc.needs == "branch" and not branch:
        raise BadRequest("请选择办理网点", "This service needs a branch", field="branch")
    branch = branch if svc.needs == "branch" else None
    result = Availability(service_type=service_type, date=day, branch=branch, slots=[])
    if reason := closed_reason(rules, work_calendar(), service_type, day, now):
        result.reason, result.reason_en = reason
        return result
    slots = [s for s in _slots(session, rules, work_calendar(), service_type, branch or "", day, day) if s.start > now]
    result.slots = [SlotPublic.model_validate(s) for s in slots]
    if not slots:
        result.reason, result.reason_en = "当天的可预约时段已过", "All of that day's slots have passed"
    return result


def get(
    *, session: Session, principal: Principal, number: str, token: str | None = None, lock: bool = False
) -> Appointment:
    """The appointment by number; the bot needs a verification token for it (POST /verify)."""
    number = number.strip().upper()
    return fetch_visible(principal, token, number, lambda: get_by_number(session, number, for_update=lock))


def get_by_number(session: Session, number: str, *, for_update: bool = False) -> Appointment:
    """The appointment by number, without access checks (callers decide who may see it)."""
    stmt = select(Appointment).where(Appointment.number == number)
    appt = session.scalar(stmt.with_for_update() if for_update else stmt)
    if appt is None:
        raise NotFound("未找到该预约，请核对预约号", "No such appointment: check the number", field="number")
    return appt


def events(*, session: Session, appt: Appointment) -> list[CaseEvent]:
    """The appointment's history, oldest first."""
    return history.events_for(session, CASE_TYPE, appt.id)


def search(
    *,
    session: Session,
    day: dt.date | None = None,
    status: AppointmentStatus | None = None,
    service_type: str | None = None,
    branch: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[Appointment]:
    """Appointments by local date, status, service and branch, in start order."""
    stmt = select(Appointment).order_by(Appointment.start, Appointment.id)
    if day:
        stmt = stmt.where(
            Appointment.start >= local_midnight(day), Appointment.start < local_midnight(day + dt.timedelta(1))
        )
    if status:
        stmt = stmt.where(Appointment.status == status)
    if service_type:
        stmt = stmt.where(Appointment.service_type == service_type)
    if branch:
        stmt = stmt.where(Appointment.branch == branch)
    return list(session.scalars(stmt.limit(limit).offset(offset)))


# ---- state changes -------------------------------------------------------------------------


def book(
    *, session: Session, principal: Principal, data: AppointmentCreate, now: dt.datetime | None = None
) -> Appointment:
    """Book a slot: validate against the policy, take a place (409 with alternatives if full), record."""
    now, rules = now or utcnow(), get_policy().appointment
    svc = _service(rules, data.service_type)
    branch, address = _place(svc, data.branch, data.address)
    start = check_start(rules, work_calendar(), data.service_type, data.start, now)
    key = branch or ""
    slot_id = _slot_id(session, data.service_type, key, start, svc.capacity)
    if not _take(session, slot_id, svc.capacity):
        raise _full(session, rules, data.service_type, key, start, now)
    customer = customers.find_by_mobile(session, data.contact_mobile)
    appt = Appointment(
        number=appointment_number(session, now),
        service_type=data.service_type,
        branch=branch,
        address=address,
        slot_id=slot_id,
        start=start,
        end=start + dt.timedelta(minutes=rules.slot_minutes),
        contact_name=data.contact_name,
        contact_mobile_enc=encrypt(data.contact_mobile),
        contact_mobile_hash=lookup_hash(data.contact_mobile),
        customer_id=customer.id if customer else None,
        status=AppointmentStatus.BOOKED,
        conversation_id=data.conversation_id,
        note=data.note,
    )
    session.add(appt)
    session.flush()
    history.record(
        session,
        principal,
        CASE_TYPE,
        appt.id,
        appt.number,
        "created",
        to_state=AppointmentStatus.BOOKED.value,
        note=data.note,
        data={"service_type": appt.service_type, "branch": branch, "start": start.isoformat()},
    )
    return appt


def _require_booked(appt: Appointment, action_zh: str, action_en: str) -> None:
    if appt.status != AppointmentStatus.BOOKED:
        status_en = STATUS_EN.get(appt.status, appt.status)
        raise Conflict(
            f"该预约当前为「{appt.status}」，只有「已预约」的预约可以{action_zh}",
            f"Only a booked appointment can be {action_en}; this one is {status_en}",
            field="status",
            extra={"status": appt.status},
        )


def _require_upcoming(appt: Appointment, now: dt.datetime, action_zh: str, action_en: str) -> None:
    if appt.start <= now:
        raise Conflict(
            f"预约时间已到，无法{action_zh}；请由工作人员标记为已完成或未到场",
            f"The appointment time has come; it can no longer be {action_en} (mark it completed or no-show)",
            field="start",
        )


def _set_status(
    session: Session, principal: Principal, appt: Appointment, to: AppointmentStatus, note: str | None
) -> Appointment:
    before = appt.status
    appt.status = to
    history.record(
        session,
        principal,
        CASE_TYPE,
        appt.id,
        appt.number,
        "status",
        from_state=str(before),
        to_state=to.value,
        note=note,
    )
    return appt


def cancel(
    *,
    session: Session,
    principal: Principal,
    number: str,
    reason: str | None = None,
    token: str | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Cancel an upcoming booked appointment and give its place back."""
    now = now or utcnow()
    appt = get(session=session, principal=principal, number=number, token=token, lock=True)
    _require_booked(appt, "取消", "cancelled")
    _require_upcoming(appt, now, "取消", "cancelled")
    _release(session, appt.slot_id)
    return _set_status(session, principal, appt, AppointmentStatus.CANCELLED, reason)


def reschedule(
    *,
    session: Session,
    principal: Principal,
    number: str,
    start: dt.datetime,
    reason: str | None = None,
    token: str | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a booking: take the new slot first (409 with alternatives if full), then free the old one."""
    now, rules = now or utcnow(), get_policy().appointment
    appt = get(session=session, principal=principal, number=number, token=token, lock=True)
    _require_booked(appt, "改期", "rescheduled")
    _require_upcoming(appt, now, "改期", "rescheduled")
    svc = _service(rules, appt.service_type)
    new_start = check_start(rules, work_calendar(), appt.service_type, start, now)
    if new_start == appt.start:
        raise BadRequest("新时间与原预约时间相同", "That is already the appointment's time", field="start")
    key = appt.branch or ""
    new_slot = _slot_id(session, appt.service_type, key, new_start, svc.capacity)
    # Lock both counters in id order so two opposite moves cannot deadlock (PostgreSQL).
    session.execute(
        select(AppointmentSlot.id)
        .where(AppointmentSlot.id.in_([new_slot, appt.slot_id]))
        .order_by(AppointmentSlot.id)
        .with_for_update()
    )
    if not _take(session, new_slot, svc.capacity):
        raise _full(session, rules, appt.service_type, key, new_start, now)
    _release(session, appt.slot_id)
    old_start = appt.start
    appt.slot_id, appt.start, appt.end = new_slot, new_start, new_start + dt.timedelta(minutes=rules.slot_minutes)
    history.record(
        session,
        principal,
        CASE_TYPE,
        appt.id,
        appt.number,
        "rescheduled",
        note=reason,
        before={"start": local(old_start).isoformat()},
        after={"start": new_start.isoformat()},
        data={"from": local(old_start).isoformat(), "to": new_start.isoformat()},
    )
    return appt


def complete(*, session: Session, principal: Principal, number: str, note: str | None = None) -> Appointment:
    """Mark a booked appointment as served (已完成)."""
    appt = get(session=session, principal=principal, number=number, lock=True)
    _require_booked(appt, "标记为已完成", "completed")
    return _set_status(session, principal, appt, AppointmentStatus.COMPLETED, note)


def no_show(
    *, session: Session, principal: Principal, number: str, note: str | None = None, now: dt.datetime | None = None
) -> Appointment:
    """Mark a booked appointment whose time has come as 未到场."""
    now = now or utcnow()
    appt = get(session=session, principal=principal, number=number, lock=True)
    _require_booked(appt, "标记为未到场", "marked a no-show")
    if appt.start > now:
        raise Conflict(
            "预约时间未到，不能标记为未到场",
            "The appointment has not started yet; it cannot be a no-show",
            field="start",
        )
    return _set_status(session, principal, appt, AppointmentStatus.NO_SHOW, note)
