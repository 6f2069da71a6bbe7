"""SLA deadlines and target states for complaints, claims, chat handovers and data requests (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from api.service_policy import Duration, ServicePolicy
from api.sla.calendar import SHANGHAI, WorkCalendar, local_date, require_aware

LABELS: dict[str, str] = {
    "feedback": "首次反馈",
    "resolution": "处理结果",
    "initial_review": "初步审核",
    "handling": "案件处理",
    "settlement": "审核赔付",
    "completion": "预计完成",
    "pickup": "人工接入",
}

# Only used when a caller gives no ratio; production callers pass policy.sla.warning_ratio.
DEFAULT_WARNING_RATIO = 0.8

CaseType = Literal["complaint", "claim", "handover", "data_request"]


@dataclass(frozen=True)
class Pause:
    """An interval in which the SLA clock stood still; end None means still paused."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        require_aware(self.start, "pause start")
        if self.end is not None:
            require_aware(self.end, "pause end")
            if self.end < self.start:
                raise ValueError(f"pause ends ({self.end}) before it starts ({self.start})")

    @property
    def is_open(self) -> bool:
        return self.end is None


class TargetState(StrEnum):
    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"
    MET_LATE = "met_late"
    PAUSED = "paused"


OPEN_STATES = frozenset({TargetState.RUNNING, TargetState.WARNING, TargetState.BREACHED})


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(SHANGHAI).isoformat()


@dataclass(frozen=True)
class TargetStatus:
    """Where one SLA target stands at a given moment."""

    name: str
    label: str
    due_at: datetime
    met_at: datetime | None
    state: TargetState
    remaining_seconds: int | None
    elapsed_ratio: float
    breached_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with ISO timestamps in Asia/Shanghai."""
        return {
            "name": self.name,
            "label": self.label,
            "due_at": _iso(self.due_at),
            "met_at": _iso(self.met_at),
            "state": self.state.value,
            "remaining_seconds": self.remaining_seconds,
            "elapsed_ratio": self.elapsed_ratio,
            "breached_at": _iso(self.breached_at),
        }


# --- pauses ---------------------------------------------------------------------------------


def _intervals(
    pauses: Iterable[Pause], start: datetime, now: datetime | None
) -> list[tuple[datetime, datetime]]:
    """Pauses as closed (begin, end) pairs after start, sorted and merged; open ones end at now."""
    spans = []
    for pause in pauses:
        end = pause.end
        if end is None:
            if now is None:
                raise ValueError("an open pause makes the due time depend on now; pass now=")
            end = max(require_aware(now, "now"), pause.start)
        begin = max(pause.start, start)
        if end > begin:
            spans.append((begin, end))
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _clip(pauses: Iterable[Pause], until: datetime) -> list[Pause]:
    """Pauses cut off at until (a met target's clock is frozen at met_at)."""
    clipped = []
    for pause in pauses:
        if pause.start >= until:
            continue
        end = until if pause.end is None or pause.end > until else pause.end
        clipped.append(Pause(pause.start, end))
    return clipped


def _paused_between(
    spans: Sequence[tuple[datetime, datetime]], a: datetime, b: datetime
) -> timedelta:
    """Total paused time inside [a, b]."""
    total = timedelta(0)
    for begin, end in spans:
        overlap = min(end, b) - max(begin, a)
        if overlap > timedelta(0):
            total += overlap
    return total


# --- due times ------------------------------------------------------------------------------


def _clock_due(
    start: datetime, length: timedelta, spans: Sequence[tuple[datetime, datetime]]
) -> datetime:
    # Walk the sorted, merged pauses: each one that begins before the running deadline pushes
    # the deadline back by its full length, which may make a later pause relevant too.
    due = start.astimezone(UTC) + length
    for begin, end in spans:
        if begin >= due:
            break
        due += end - max(begin, start)
    return due.astimezone(SHANGHAI)


def _working_day_due(
    start: datetime, n: int, calendar: WorkCalendar, spans: Sequence[tuple[datetime, datetime]]
) -> datetime:
    # A pause from local date A to resume date B gives back working_days_in(A, B) days: the day
    # the clock stopped stays counted (work was possible that day), while the resume day is
    # not, just as the acceptance day is not counted (民法典 第201条). Same-day pauses give back
    # nothing. Only pauses that begin before the (growing) deadline extend it.
    due = calendar.add_working_days(start, n)
    for begin, end in spans:
        if begin >= due:
            break
        n += calendar.working_days_in(local_date(begin), local_date(end))
        due = calendar.add_working_days(start, n)
    return due


def due_at(
    start: datetime,
    duration: Duration,
    calendar: WorkCalendar,
    pauses: Iterable[Pause] = (),
    *,
    now: datetime | None = None,
) -> datetime:
    """Deadline of a target started at start; an open pause counts as lasting until now."""
    require_aware(start, "start")
    spans = _intervals(pauses, start, now)
    if duration.is_working_days:
        return _working_day_due(start, duration.working_days, calendar, spans)
    return _clock_due(start, duration.clock, spans)


# --- evaluation -----------------------------------------------------------------------------


def _ratio(
    start: datetime, due: datetime, moment: datetime, spans: Sequence[tuple[datetime, datetime]]
) -> float:
    """Share of the active (unpaused) window used by moment; 1.0 exactly at the deadline."""
    window = due - start - _paused_between(spans, start, due)
    if moment <= start:
        return 0.0
    elapsed = moment - start - _paused_between(spans, start, moment)
    return round(elapsed / max(window, timedelta(seconds=1)), 4)


def evaluate(
    name: str,
    label: str,
    start: datetime,
    duration: Duration,
    calendar: WorkCalendar,
    *,
    now: datetime,
    pauses: Iterable[Pause] = (),
    met_at: datetime | None = None,
    warning_ratio: float = DEFAULT_WARNING_RATIO,
) -> TargetStatus:
    """State of one target at now: met / met_late / paused / breached / warning / running."""
    require_aware(start, "start")
    require_aware(now, "now")
    pauses = list(pauses)
    if met_at is not None:
        require_aware(met_at, "met_at")
        pauses = _clip(pauses, met_at)
    moment = met_at if met_at is not None else now
    spans = _intervals(pauses, start, moment)
    due = due_at(start, duration, calendar, pauses, now=moment)
    ratio = _ratio(start, due, moment, spans)

    if met_at is not None:
        late = met_at > due
        state = TargetState.MET_LATE if late else TargetState.MET
        breached_at = due if late else None
        return TargetStatus(name, label, due, met_at, state, None, ratio, breached_at)
    remaining = math.floor((due - now).total_seconds())
    # A pause that began after the deadline cannot hide a breach that already happened.
    if now >= due:
        state = TargetState.BREACHED
    elif any(p.is_open and p.start <= now for p in pauses):
        state = TargetState.PAUSED
    elif ratio >= warning_ratio:
        state = TargetState.WARNING
    else:
        state = TargetState.RUNNING
    breached_at = due if state is TargetState.BREACHED else None
    return TargetStatus(name, label, due, None, state, remaining, ratio, breached_at)


def earliest_open_due(statuses: Iterable[TargetStatus]) -> datetime | None:
    """Next escalation time: the earliest due_at among unmet, unpaused targets (Zammad style)."""
    dues = [s.due_at for s in statuses if s.state in OPEN_STATES]
    return min(dues, default=None)


# --- target tables (numbers live in the policy file) ----------------------------------------


def complaint_targets(policy: ServicePolicy) -> dict[str, Duration]:
    """Complaint targets: feedback and resolution."""
    sla = policy.sla.complaint
    return {name: sla[name] for name in ("feedback", "resolution") if name in sla}


def _choice(kind: str, value: str | None, known: Iterable[str]) -> str:
    known = list(known)
    if value not in known:
        raise ValueError(f"unknown claim {kind} {value!r}; expected one of {', '.join(known)}")
    return value


def claim_targets(policy: ServicePolicy, priority: str, category: str) -> dict[str, Duration]:
    """Claim targets: the priority's initial_review/handling, settlement, completion."""
    claim = policy.sla.claim
    by_priority = claim.by_priority[_choice("priority", priority, claim.by_priority)]
    window = claim.expected_completion[_choice("category", category, claim.expected_completion)]
    targets = {
        name: by_priority[name] for name in ("initial_review", "handling") if name in by_priority
    }
    targets["settlement"] = claim.settlement
    targets["completion"] = window.max
    return targets


def handover_targets(policy: ServicePolicy) -> dict[str, Duration]:
    """Chat handover target: pickup by a human agent."""
    return {"pickup": policy.sla.handover["pickup"]}


def data_request_targets(policy: ServicePolicy) -> dict[str, Duration]:
    """Personal-data request target: the reply (completed or turned down)."""
    return {"resolution": policy.sla.data_request.resolution}


def targets_for(
    policy: ServicePolicy,
    case_type: CaseType,
    priority: str | None = None,
    category: str | None = None,
) -> dict[str, Duration]:
    """The target table for a case type (claims need priority and category)."""
    if case_type == "complaint":
        return complaint_targets(policy)
    if case_type == "claim":
        return claim_targets(policy, priority, category)
    if case_type == "handover":
        return handover_targets(policy)
    if case_type == "data_request":
        return data_request_targets(policy)
    raise ValueError(f"unknown case type {case_type!r}; expected complaint, claim, handover or data_request")


def preview(
    policy: ServicePolicy,
    calendar: WorkCalendar,
    case_type: CaseType,
    start: datetime,
    priority: str | None = None,
    category: str | None = None,
) -> list[dict[str, Any]]:
    """Every target's deadline for a case accepted at start, ready to show a customer."""
    require_aware(start, "start")
    rows = []
    for name, duration in targets_for(policy, case_type, priority, category).items():
        row: dict[str, Any] = {
            "name": name,
            "label": LABELS[name],
            "duration": duration.model_dump(exclude_none=True),
            "due_at": _iso(due_at(start, duration, calendar)),
        }
        if name == "completion":
            window = policy.sla.claim.expected_completion[category]
            row["expected_completion"] = {
                "earliest": _iso(due_at(start, window.min, calendar)),
                "latest": row["due_at"],
            }
        rows.append(row)
    return rows
