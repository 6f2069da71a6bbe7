"""The shared policy as served by the backend (GET /api/v1/policy), cached briefly per process."""

from __future__ import annotations

import logging
import time
from typing import Any

import yaml

from actions.common.api import ApiError, backend
from actions.common.settings import ROOT

log = logging.getLogger(__name__)

_TTL_SECONDS = 300  # a policy change reaches the bot within five minutes
_cache: tuple[float, dict[str, Any]] | None = None


async def get_policy() -> dict[str, Any]:
    """The backend's validated policy; if the backend is down, the same file read directly."""
    global _cache
    if _cache is None or time.monotonic() - _cache[0] > _TTL_SECONDS:
        try:
            _cache = (time.monotonic(), await backend().get("/api/v1/policy"))
        except ApiError as exc:
            if _cache is not None:
                return _cache[1]
            log.warning("policy from backend unavailable (%s); reading the policy file", exc)
            return yaml.safe_load((ROOT / "policy" / "service-policy.yml").read_text(encoding="utf-8"))
    return _cache[1]


def _amount(duration: dict) -> Any:
    value = duration.get("working_days") or duration.get("hours") or duration.get("minutes")
    return int(value) if float(value).is_integer() else value


def quoted_numbers(policy: dict[str, Any]) -> dict[str, Any]:
    """The values FAQ answers and prompts quote, by slot name (see domain.yml)."""
    sla, claim = policy["sla"], policy["sla"]["claim"]
    windows = claim["expected_completion"]
    terms = policy["customer_terms"]
    services = policy["appointment"]["service_types"]
    return {
        "complaint_feedback_hours": _amount(sla["complaint"]["feedback"]),
        "complaint_resolution_days": _amount(sla["complaint"]["resolution"]),
        "settlement_days": _amount(claim["settlement"]),
        "ordinary_min_days": _amount(windows["普通"]["min"]),
        "ordinary_max_days": _amount(windows["普通"]["max"]),
        "complex_min_days": _amount(windows["复杂"]["min"]),
        "complex_max_days": _amount(windows["复杂"]["max"]),
        "urgent_review_hours": _amount(claim["by_priority"]["紧急"]["initial_review"]),
        "urgent_handling_hours": _amount(claim["by_priority"]["紧急"]["handling"]),
        "agent_hours_start": policy["service_hours"]["agents"]["start"][:5],
        "agent_hours_end": policy["service_hours"]["agents"]["end"][:5],
        # the branches' hours are those of their counter; a home visit and a call-back keep their own
        "counter_hours_start": services["柜面办理"]["start"][:5],
        "counter_hours_end": services["柜面办理"]["end"][:5],
        "visit_hours_end": services["上门服务"]["end"][:5],
        "callback_hours_start": services["电话回访"]["start"][:5],
        "callback_hours_end": services["电话回访"]["end"][:5],
        "hesitation_days": terms["hesitation_days"],
        "grace_days": terms["grace_days"],
        "limitation_life_years": terms["claim_limitation_years"]["life"],
        "limitation_other_years": terms["claim_limitation_years"]["other"],
        "verification_attempts": policy["verification"]["max_attempts_per_conversation"],
        "data_request_days": _amount(sla["data_request"]["resolution"]),
    }


def slot_choices(policy: dict[str, Any], slot: str) -> list[str]:
    """The values a choice slot accepts (complaint types, service types, branches), from the policy."""
    return {
        "complaint_type": policy["complaint"]["types"],
        "service_type": list(policy["appointment"]["service_types"]),
        "branch": policy["appointment"]["branches"],
    }.get(slot, [])
