"""Idempotent demo data: a small insurer with customers, policies, claims and complaints."""


def seed_demo() -> str:
    """Insert the demo records that are missing; return a one-line summary."""
    return "demo data: nothing to seed yet"
