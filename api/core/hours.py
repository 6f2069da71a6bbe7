"""When human agents are on duty: policy `service_hours.agents` on the statutory calendar (incl. 调休)."""

from __future__ import annotations

import datetime as dt

from api.service_policy import ServicePolicy
from api.sla.calendar import SHANGHAI, WorkCalendar, local_date, require_aware

# Longest stretch without a working day is a Spring Festival week; a year is a safe bound.
_SEARCH_DAYS = 370


def agents_available(now: dt.datetime, policy: ServicePolicy, calendar: WorkCalendar | None = None) -> bool:
    """True if human agents are on duty at now."""
    hours = policy.service_hours.agents
    calendar = calendar or WorkCalendar.from_policy(policy)
    return calendar.is_within_hours(now, hours.start, hours.end, hours.working_days_only)


def next_agent_opening(now: dt.datetime, policy: ServicePolicy, calendar: WorkCalendar | None = None) -> dt.datetime:
    """The earliest moment at or after now when agents are on duty (now itself if they are), in Shanghai time."""
    require_aware(now, "now")
    calendar = calendar or WorkCalendar.from_policy(policy)
    if agents_available(now, policy, calendar):
        return now.astimezone(SHANGHAI)
    start = policy.service_hours.agents.start
    first = local_date(now)
    for offset in range(_SEARCH_DAYS):
        opening = dt.datetime.combine(first + dt.timedelta(days=offset), start, tzinfo=SHANGHAI)
        if opening > now and agents_available(opening, policy, calendar):
            return opening
    raise RuntimeError(f"no agent opening within {_SEARCH_DAYS} days of {now.isoformat()}; check the policy")


def describe(now: dt.datetime, policy: ServicePolicy, calendar: WorkCalendar | None = None) -> dict:
    """Service hours as customers are told them: self-service always, agents in business hours."""
    hours = policy.service_hours.agents
    available = agents_available(now, policy, calendar)
    return {
        "self_service": policy.service_hours.self_service,
        "timezone": policy.timezone,
        "agents_available_now": available,
        "agent_hours": {
            "start": hours.start.strftime("%H:%M"),
            "end": hours.end.strftime("%H:%M"),
            "working_days_only": hours.working_days_only,
        },
        "next_agent_opening": None if available else next_agent_opening(now, policy, calendar).isoformat(),
    }
