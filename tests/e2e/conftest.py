"""End-to-end stack: backend (PostgreSQL), action server and Rasa server (PostgreSQL tracker store,
Redis lock store) as real processes; conversations go through the REST channel."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import ROOT, TEST_SECRETS, as_user, free_port, fresh_database, running_api, wait_http
from tests.fakes.wechat import FakeWeChatServer, new_encoding_aes_key

RASA_TOKEN = "e2e-" + uuid.uuid4().hex
# Rasa's WeChat channel runs in safe (AES) mode against the fake WeChat API servers (tests/e2e/test_wechat.py).
WECHAT_TOKEN = "e2e" + uuid.uuid4().hex[:16]
WECHAT_AES_KEY = new_encoding_aes_key()
MODELS = sorted((ROOT / "models").glob("cs-bot-*.tar.gz"), key=lambda p: p.stat().st_mtime)


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)


@pytest.fixture(scope="session")
def wechat_api() -> Iterator[FakeWeChatServer]:
    """WeChat's API servers (tests/fakes/wechat.py): the channel's late and agent replies land here."""
    with FakeWeChatServer() as server:
        yield server


@pytest.fixture(scope="session")
def stack(tmp_path_factory, wechat_api) -> Iterator[dict[str, str]]:
    if not MODELS:
        pytest.fail("no trained model in models/: run `make train` (make test does it)")
    logs = tmp_path_factory.mktemp("e2e-logs")
    # The backend starts first but must know where Rasa will listen (agent take-over calls it).
    rasa_port = free_port()
    rasa_env = {"RASA_URL": f"http://127.0.0.1:{rasa_port}", "RASA_AUTH_TOKEN": RASA_TOKEN}
    with fresh_database("postgresql", logs) as api_db, fresh_database("postgresql", logs) as tracker_db, \
            running_api(api_db, logs / "api.log", **rasa_env) as api_url:
        tracker = tracker_db.split("/")[-1]
        env = os.environ.copy() | {
            "API_URL": api_url, "BOT_PASSWORD": TEST_SECRETS["BOT_PASSWORD"], "PYTHONPATH": str(ROOT),
            "ACTIONS_PORT": str(free_port()), "RASA_PORT": str(rasa_port), "RASA_AUTH_TOKEN": RASA_TOKEN,
            "RASA_MODEL": str(MODELS[-1]), "RASA_ENDPOINTS": "bot/endpoints.production.yml",
            "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": "5432", "TRACKER_DB_NAME": tracker,
            "TRACKER_DB_USER": "postgres", "TRACKER_DB_PASSWORD": "", "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": "6379", "REDIS_DB": "0", "RASA_TELEMETRY_ENABLED": "false",
        }
        env |= {"WECHAT_TOKEN": WECHAT_TOKEN, "WECHAT_APP_ID": wechat_api.app_id,
                "WECHAT_APP_SECRET": wechat_api.app_secret, "WECHAT_ENCODING_AES_KEY": WECHAT_AES_KEY,
                "WECHAT_API_BASE": wechat_api.url}
        env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{env['ACTIONS_PORT']}/webhook"
        actions = _start(["./scripts/run-actions.sh"], env, logs / "actions.log")
        rasa = _start(["./scripts/run-rasa.sh"], env, logs / "rasa.log")
        try:
            wait_http(f"http://127.0.0.1:{env['ACTIONS_PORT']}/health", actions, logs / "actions.log", 120)
            wait_http(f"http://127.0.0.1:{env['RASA_PORT']}/status?token={RASA_TOKEN}", rasa, logs / "rasa.log", 300)
            yield {"api": api_url, "rasa": f"http://127.0.0.1:{env['RASA_PORT']}", "logs": str(logs)}
        finally:
            for proc in (rasa, actions):
                proc.terminate()
            for proc in (rasa, actions):
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()


class Customer:
    """One chat through the REST channel; `say` returns the bot's replies."""

    def __init__(self, rasa_url: str):
        self.id = "e2e-" + uuid.uuid4().hex[:12]
        self.client = httpx.Client(base_url=rasa_url, timeout=60)
        self.replies: list[dict] = []

    def say(self, text: str) -> list[dict]:
        r = self.client.post("/webhooks/rest/webhook", json={"sender": self.id, "message": text})
        assert r.status_code == 200, r.text
        self.replies = r.json()
        return self.replies

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.replies)

    def buttons(self) -> list[dict]:
        return [b for m in self.replies for b in m.get("buttons", [])]

    def tracker(self) -> dict:
        return self.client.get(f"/conversations/{self.id}/tracker", params={"token": RASA_TOKEN}).json()


@pytest.fixture
def customer(stack) -> Iterator[Customer]:
    c = Customer(stack["rasa"])
    yield c
    c.client.close()


@pytest.fixture
def staff(stack) -> Iterator[httpx.Client]:
    token = httpx.post(stack["api"] + "/api/v1/auth/token",
                       data={"username": "agent01", "password": "agent01-demo"}).json()["access_token"]
    with as_user(stack["api"], token) as client:
        yield client


ARTIFACTS = ROOT / "test-artifacts"  # screenshots of the widget and the console
# Debian's chromium, as root, on a machine without outside network (Playwright's own browser can't be fetched).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
