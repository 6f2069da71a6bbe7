"""Customers: find by personal number (keyed hash), create, present masked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.security import decrypt, encrypt, lookup_hash, mask
from api.customers.models import Customer


def find_by_mobile(session: Session, mobile: str) -> Customer | None:
    return session.scalars(
        select(Customer).where(Customer.mobile_hash == lookup_hash(mobile)).order_by(Customer.id)
    ).first()


def find_or_create(session: Session, *, name: str, mobile: str, id_number: str | None = None) -> Customer:
    """The customer with this mobile, or a new one (a complaint may come from a non-policyholder)."""
    customer = find_by_mobile(session, mobile)
    if customer is None:
        customer = Customer(
            name=name,
            mobile_enc=encrypt(mobile),
            mobile_hash=lookup_hash(mobile),
            id_number_enc=encrypt(id_number) if id_number else None,
            id_number_hash=lookup_hash(id_number) if id_number else None,
        )
        session.add(customer)
        session.flush()
    return customer


def identity_numbers(customer: Customer) -> list[str]:
    """The customer's decrypted mobile and ID number (if any): the numbers whose last digits prove identity."""
    numbers = [decrypt(customer.mobile_enc)]
    if customer.id_number_enc:
        numbers.append(decrypt(customer.id_number_enc))
    return numbers


def public(customer: Customer) -> dict:
    """The customer as staff see it: personal numbers masked."""
    return {
        "id": customer.id,
        "name": customer.name,
        "mobile": mask(decrypt(customer.mobile_enc)),
        "id_number": mask(decrypt(customer.id_number_enc), 6, 4) if customer.id_number_enc else None,
    }
