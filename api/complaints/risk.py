"""High-risk complaint detection from the policy's keyword lists (RULES §8)."""

from __future__ import annotations

from api.core.text import normalise
from api.service_policy import ServicePolicy

CATEGORY_ZH = {"regulator": "监管", "media": "媒体", "legal": "法律"}


def risk_reasons(text: str, policy: ServicePolicy, *, repeat: bool) -> list[str]:
    """Reasons this complaint is high-risk, e.g. ['监管:12378', '重复投诉']; empty when ordinary."""
    lists = policy.escalation.high_risk
    text = normalise(text)  # Traditional-script customers use the same rules
    reasons = [
        f"{CATEGORY_ZH[category]}:{word}"
        for category in ("regulator", "media", "legal")
        for word in getattr(lists, category)
        if word in text
    ]
    if repeat:
        reasons.append(f"重复投诉（{lists.repeat_within_days}天内）")
    return reasons


def suggest_type(text: str, policy: ServicePolicy) -> tuple[str | None, list[str]]:
    """The complaint type whose keywords the text mentions most (ties: policy order), and the words seen."""
    text = normalise(text)
    best, best_hits = None, []
    for kind, words in policy.complaint.type_keywords.items():
        hits = [w for w in words if w in text]
        if len(hits) > len(best_hits):
            best, best_hits = kind, hits
    return best, best_hits
