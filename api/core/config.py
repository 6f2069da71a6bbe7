"""Backend settings from the environment (pydantic-settings); secrets never live in the repo."""

from __future__ import annotations

import json
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
SECRET_NAMES = ("secret_key", "data_key", "hash_key", "bot_password")


class Settings(BaseSettings):
    """Everything the backend reads at start; prefix-free env names (DATABASE_URL, …)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{VAR / 'cs.db'}"
    policy_file: Path = ROOT / "policy" / "service-policy.yml"
    secrets_file: Path = VAR / "secrets.json"
    # Signing key for access tokens, AES-256 key for personal data, HMAC key for look-ups,
    # and the bot's service password. Outside production, missing ones are generated once
    # into var/secrets.json so a fresh clone runs without configuration.
    secret_key: str = ""
    data_key: str = ""
    hash_key: str = ""
    bot_password: str = ""
    access_token_minutes: int = 8 * 60
    sql_echo: bool = False
    # The Rasa server, for agent take-over: forward agent lines to the customer's channel,
    # pause/resume the bot, read what the customer wrote while an agent holds the chat.
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_auth_token: str = ""  # empty: read var/rasa_token, which scripts/run-rasa.sh writes
    # Where the web widget connects (socket.io on the Rasa server), as the browser sees it.
    widget_server_url: str = "http://127.0.0.1:5005"

    @model_validator(mode="after")
    def _fill_secrets(self) -> Settings:
        missing = [name for name in SECRET_NAMES if not getattr(self, name)]
        if not missing:
            return self
        if self.environment == "production":
            raise ValueError(f"production needs these secrets in the environment: {', '.join(missing).upper()}")
        stored = _load_or_create_secrets(self.secrets_file)
        for name in missing:
            object.__setattr__(self, name, stored[name])
        return self


def _load_or_create_secrets(path: Path) -> dict[str, str]:
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    if all(stored.get(n) for n in SECRET_NAMES):
        return stored
    for name in SECRET_NAMES:
        stored.setdefault(name, secrets.token_urlsafe(32) if name == "bot_password" else secrets.token_hex(32))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)
    return stored


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings."""
    return Settings()
