"""Demo customers, policies, claims and complaints (filled in with the claim/complaint services)."""

from sqlalchemy.orm import Session


def seed(session: Session) -> int:
    return 0
