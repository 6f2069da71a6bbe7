"""HTTP routes for appointments (thin: validation in schemas, logic in service)."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.appointments import service
from api.appointments.models import AppointmentStatus
from api.appointments.schemas import (
    AppointmentCancel,
    AppointmentCreate,
    AppointmentOutcome,
    AppointmentPublic,
    AppointmentReschedule,
    Availability,
    BranchName,
    ServiceTypeName,
)
from api.auth.deps import Staff, StaffOrBot
from api.core.casegate import VerificationToken
from api.core.db import SessionDep

router = APIRouter(prefix="/api/v1", tags=["appointments"])


@router.get("/appointments/availability", response_model=Availability)
def read_availability(
    session: SessionDep, _: StaffOrBot, service_type: ServiceTypeName, date: dt.date, branch: BranchName | None = None
) -> Availability:
    """Every remaining slot of a day with its free places (empty with a reason when closed)."""
    return service.availability(session=session, service_type=service_type, day=date, branch=branch)


@router.post("/appointments", response_model=AppointmentPublic, status_code=201)
def create_appointment(session: SessionDep, principal: StaffOrBot, body: AppointmentCreate) -> AppointmentPublic:
    """Book a slot; 409 with alternatives when it is full."""
    return AppointmentPublic.build(service.book(session=session, principal=principal, data=body))


@router.get("/appointments", response_model=list[AppointmentPublic])
def list_appointments(
    session: SessionDep,
    _: Staff,
    date: dt.date | None = None,
    status: AppointmentStatus | None = None,
    service_type: ServiceTypeName | None = None,
    branch: BranchName | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AppointmentPublic]:
    """Appointments by local date and status, in start order."""
    found = service.search(
        session=session, day=date, status=status, service_type=service_type, branch=branch, limit=limit, offset=offset
    )
    return [AppointmentPublic.build(a) for a in found]


@router.get("/appointments/{number}", response_model=AppointmentPublic)
def read_appointment(
    session: SessionDep, principal: StaffOrBot, number: str, token: VerificationToken = None
) -> AppointmentPublic:
    """One appointment; staff also see its history, the bot needs a verification token for it."""
    appt = service.get(session=session, principal=principal, number=number, token=token)
    if principal.role == "service":
        return AppointmentPublic.build(appt)
    return AppointmentPublic.build(appt, service.events(session=session, appt=appt))


@router.post("/appointments/{number}/cancel", response_model=AppointmentPublic)
def cancel_appointment(
    session: SessionDep,
    principal: StaffOrBot,
    number: str,
    body: AppointmentCancel | None = None,
    token: VerificationToken = None,
) -> AppointmentPublic:
    """Cancel a booked appointment and free its place (the bot: with a verification token)."""
    reason = body.reason if body else None
    return AppointmentPublic.build(
        service.cancel(session=session, principal=principal, number=number, reason=reason, token=token)
    )


@router.post("/appointments/{number}/reschedule", response_model=AppointmentPublic)
def reschedule_appointment(
    session: SessionDep,
    principal: StaffOrBot,
    number: str,
    body: AppointmentReschedule,
    token: VerificationToken = None,
) -> AppointmentPublic:
    """Move a booked appointment to another slot; 409 with alternatives when that one is full.

    The bot needs a verification token for the appointment.
    """
    return AppointmentPublic.build(
        service.reschedule(
            session=session,
            principal=principal,
            number=number,
            start=body.start,
            reason=body.reason,
            token=token,
        )
    )


@router.post("/appointments/{number}/complete", response_model=AppointmentPublic)
def complete_appointment(
    session: SessionDep, principal: Staff, number: str, body: AppointmentOutcome | None = None
) -> AppointmentPublic:
    """Mark a booked appointment as served."""
    note = body.note if body else None
    return AppointmentPublic.build(service.complete(session=session, principal=principal, number=number, note=note))


@router.post("/appointments/{number}/no-show", response_model=AppointmentPublic)
def mark_no_show(
    session: SessionDep, principal: Staff, number: str, body: AppointmentOutcome | None = None
) -> AppointmentPublic:
    """Mark a booked appointment whose time has come as 未到场."""
    note = body.note if body else None
    return AppointmentPublic.build(service.no_show(session=session, principal=principal, number=number, note=note))
