"""Pure escalation rules: given a case's SLA statuses and level, which steps are due now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from api.service_policy import ServicePolicy
from api.sla.engine import TargetState, TargetStatus


@dataclass(frozen=True)
class Steps:
    warnings: list[TargetStatus]  # targets past the warning ratio, not yet breached
    levels: list[int]  # escalation levels to reach now, lowest first
    breached: list[TargetStatus]


def due_steps(statuses: list[TargetStatus], current_level: int, policy: ServicePolicy, now: dt.datetime) -> Steps:
    """Warn at the near-breach ratio; on breach climb the ladder as each level's delay passes."""
    warnings = [s for s in statuses if s.state is TargetState.WARNING]
    breached = [s for s in statuses if s.state is TargetState.BREACHED]
    levels: list[int] = []
    if breached:
        overdue_hours = (now - min(s.due_at for s in breached)).total_seconds() / 3600
        levels = [
            lv.level
            for lv in policy.escalation.levels
            if lv.level > current_level and overdue_hours >= lv.after_breach_hours
        ]
    return Steps(warnings, levels, breached)
