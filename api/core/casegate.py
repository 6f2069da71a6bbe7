"""Who may see a case's details: staff always; the bot only with a customer's verification token."""

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Header

from api.auth.principal import Principal
from api.core.errors import Forbidden, NotFound
from api.verification.service import token_covers

VerificationToken = Annotated[str | None, Header(alias="X-Verification-Token")]
Case = TypeVar("Case")


def _verification_required() -> Forbidden:
    return Forbidden(
        "请先完成身份验证（案件号 + 手机号或证件号后4位）",
        "Identity verification required for this case",
        field="X-Verification-Token",
    )


def ensure_may_see(principal: Principal, token: str | None, case_number: str, policy_number: str | None = None) -> None:
    """Refuse the bot unless the customer proved ownership of this case (or its policy)."""
    if principal.role == "service" and not token_covers(token, case_number, policy_number):
        raise _verification_required()


def fetch_visible(
    principal: Principal,
    token: str | None,
    number: str,
    fetch: Callable[[], Case],
    policy_number_of: Callable[[Case], str | None] = lambda _case: None,
) -> Case:
    """Load a case for the caller; to the bot an unknown number looks like an unverified one (no probing)."""
    try:
        case = fetch()
    except NotFound:
        if principal.role == "service":
            raise _verification_required() from None
        raise
    ensure_may_see(principal, token, number, policy_number_of(case))
    return case
