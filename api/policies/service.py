"""Insurance policies: create and look up by number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.auth.principal import Principal
from api.core.errors import NotFound
from api.core.numbering import policy_number
from api.customers import service as customers
from api.policies.models import InsurancePolicy


def get_by_number(session: Session, number: str) -> InsurancePolicy:
    found = session.scalar(select(InsurancePolicy).where(InsurancePolicy.number == number))
    if found is None:
        raise NotFound(f"未找到保单 {number}", f"Policy {number} not found", field="policy_number")
    return found


def create(
    session: Session,
    actor: Principal,
    *,
    holder_name: str,
    mobile: str,
    id_number: str | None,
    product_name: str,
    product_type: str,
    effective_date: dt.date,
    expiry_date: dt.date | None,
    sum_insured: Decimal,
    number: str | None = None,
) -> InsurancePolicy:
    """Issue a policy to the customer with this mobile (created if new)."""
    customer = customers.find_or_create(session, name=holder_name, mobile=mobile, id_number=id_number)
    policy = InsurancePolicy(
        number=number or policy_number(session),
        customer_id=customer.id,
        product_name=product_name,
        product_type=product_type,
        effective_date=effective_date,
        expiry_date=expiry_date,
        sum_insured=sum_insured,
    )
    session.add(policy)
    session.flush()
    audit.record(
        session,
        actor,
        "policy.created",
        "policy",
        policy.number,
        after={"product": product_name, "customer_id": customer.id},
    )
    return policy


def public(policy: InsurancePolicy) -> dict:
    return {
        "number": policy.number,
        "product_name": policy.product_name,
        "product_type": policy.product_type,
        "status": policy.status,
        "effective_date": policy.effective_date.isoformat(),
        "expiry_date": policy.expiry_date.isoformat() if policy.expiry_date else None,
        "sum_insured": str(policy.sum_insured),
        "holder": customers.public(policy.customer),
    }
