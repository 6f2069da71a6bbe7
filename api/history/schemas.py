"""History as the API shows it."""

import datetime as dt

from pydantic import BaseModel, ConfigDict


class CaseEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    from_state: str | None
    to_state: str | None
    actor: str
    at: dt.datetime
    note: str | None
    data: dict | None
