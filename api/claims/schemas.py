"""Request bodies for claims."""

from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, Field

from api.claims.enums import ClaimCategory, ClaimPriority, ClaimStatus
from api.core.schemas import PolicyNumber


class ClaimCreate(BaseModel):
    policy_number: PolicyNumber
    category: ClaimCategory
    priority: ClaimPriority
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    description: str = Field(default="", max_length=4000)
    reported_at: AwareDatetime | None = Field(default=None, description="when the claim was reported; default now")
    missing_documents: list[str] = Field(default_factory=list, max_length=20)


class StatusChange(BaseModel):
    status: ClaimStatus
    note: str | None = Field(default=None, max_length=2000)
    missing_documents: list[str] | None = Field(default=None, max_length=20)


class UrgeRequest(BaseModel):
    note: str | None = Field(default=None, max_length=500)
    conversation_id: str | None = Field(default=None, max_length=128)
