"""The process-wide calendar and case-level SLA evaluation shared by the case domains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from api.service_policy import Duration, get_policy
from api.sla.calendar import WorkCalendar
from api.sla.engine import LABELS, Pause, TargetStatus, evaluate


@lru_cache(maxsize=1)
def get_calendar() -> WorkCalendar:
    """The working-day calendar configured by the policy file."""
    return WorkCalendar.from_policy(get_policy())


def evaluate_targets(
    targets: dict[str, Duration],
    start: dt.datetime,
    *,
    now: dt.datetime,
    met: dict[str, dt.datetime | None],
    pauses: Iterable[Pause] = (),
) -> list[TargetStatus]:
    """Evaluate each target of one case with the policy's calendar and warning ratio."""
    policy, calendar, pauses = get_policy(), get_calendar(), list(pauses)
    return [
        evaluate(
            name,
            LABELS[name],
            start,
            duration,
            calendar,
            now=now,
            pauses=pauses,
            met_at=met.get(name),
            warning_ratio=policy.sla.warning_ratio,
        )
        for name, duration in targets.items()
    ]


def pauses_from_transitions(
    transitions: Iterable[tuple[dt.datetime, str | None, str | None]], pause_states: Iterable[str]
) -> list[Pause]:
    """Turn (time, from, to) status changes into pause spans while the case sat in a pausing state."""
    pause_states = set(pause_states)
    pauses, opened = [], None
    for at, _from, to in transitions:
        if to in pause_states and opened is None:
            opened = at
        elif to not in pause_states and opened is not None:
            pauses.append(Pause(opened, at))
            opened = None
    if opened is not None:
        pauses.append(Pause(opened, None))
    return pauses
