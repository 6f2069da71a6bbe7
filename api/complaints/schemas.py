"""Request bodies for complaints."""

from pydantic import BaseModel, Field, field_validator

from api.complaints.enums import ComplaintStage
from api.core.schemas import Mobile, Name, PolicyNumber, Text
from api.service_policy import get_policy


class ComplaintCreate(BaseModel):
    description: Text = Field(description="what happened (投诉内容)")
    demand: Text = Field(description="what the customer wants (诉求)")
    type: str = Field(description="one of the policy's complaint types")
    channel: str = Field(default="在线")
    contact_name: Name
    contact_mobile: Mobile
    policy_number: PolicyNumber | None = None
    conversation_id: str | None = Field(default=None, max_length=128)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        types = get_policy().complaint.types
        if value not in types:
            raise ValueError(f"投诉类型应为：{'、'.join(types)}")
        return value

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        channels = get_policy().complaint.channels
        if value not in channels:
            raise ValueError(f"渠道应为：{'、'.join(channels)}")
        return value


class StageChange(BaseModel):
    stage: ComplaintStage
    note: str | None = Field(default=None, max_length=4000)
    handler: str | None = Field(default=None, max_length=64, description="staff username (required for 登记)")
    resolution: str | None = Field(default=None, max_length=4000, description="the result (required for 反馈)")
    notify_customer: bool = Field(default=True, description="tell the customer about this step")


class CustomerUpdate(BaseModel):
    message: Text


class Confirmation(BaseModel):
    satisfied: bool
    # (a dissatisfied customer who asks for a person instead of scoring still gives the verdict)
    score: int | None = Field(default=None, ge=1, le=5, description="satisfaction 1–5, if the customer gave one")
    comment: str | None = Field(default=None, max_length=2000)
