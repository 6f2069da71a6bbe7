"""Passwords, access tokens, personal-data encryption (AES-256-GCM) and keyed look-up hashes."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re

import jwt
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pwdlib import PasswordHash

from api.core.config import get_settings

_hasher = PasswordHash.recommended()
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    return _hasher.verify(password, hashed)


def create_token(subject: str, *, scope: str, minutes: int, **claims) -> str:
    """A signed token; `scope` keeps login tokens and case-verification tokens apart."""
    now = dt.datetime.now(dt.UTC)
    payload = {"sub": subject, "scope": scope, "iat": now, "exp": now + dt.timedelta(minutes=minutes)} | claims
    return jwt.encode(payload, get_settings().secret_key, algorithm=ALGORITHM)


def decode_token(token: str, *, scope: str) -> dict | None:
    """The token's claims if it is genuine, unexpired and of this scope; else None."""
    try:
        payload = jwt.decode(token, get_settings().secret_key, algorithms=[ALGORITHM])
    except jwt.PyJWTError:
        return None
    return payload if payload.get("scope") == scope else None


def _aes() -> AESGCM:
    return AESGCM(hashlib.sha256(get_settings().data_key.encode()).digest())


def encrypt(value: str) -> str:
    """AES-256-GCM ciphertext (nonce ‖ ciphertext, base64) for storing personal numbers."""
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _aes().encrypt(nonce, value.encode(), None)).decode()


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    return _aes().decrypt(raw[:12], raw[12:], None).decode()


def normalise_number(value: str) -> str:
    """Digits/letters only, upper case: '138 1234-5678' and '13812345678' hash alike."""
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


def lookup_hash(value: str) -> str:
    """Keyed hash used to find a record by a personal number without storing it in clear."""
    key = get_settings().hash_key.encode()
    return hmac.new(key, normalise_number(value).encode(), hashlib.sha256).hexdigest()


def mask(value: str | None, keep_head: int = 3, keep_tail: int = 4) -> str | None:
    """138****5678 / 110***********1234: never return a personal number in full."""
    if not value:
        return value
    if len(value) <= keep_head + keep_tail:
        return "*" * (len(value) - min(len(value), keep_tail)) + value[-keep_tail:]
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]
