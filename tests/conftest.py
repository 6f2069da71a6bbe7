"""Test harness: the backend runs as a real uvicorn process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.rasa_double import shared_fake_rasa

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
TEST_SECRETS = {
    "SECRET_KEY": "test-secret-key-" + "x" * 32,
    "DATA_KEY": "11" * 32,
    "HASH_KEY": "22" * 32,
    "BOT_PASSWORD": "bot-test-password",
}


# The backend's own interpreter: the bot's tests (.venv-bot) start the real backend too.
API_PYTHON = str(ROOT / ".venv-api" / "bin" / "python") if (ROOT / ".venv-api").exists() else sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@contextmanager
def fresh_database(kind: str, tmp_dir: Path) -> Iterator[str]:
    """An empty database of this kind; PostgreSQL gets its own throwaway database."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_dir / f'cs-{uuid.uuid4().hex[:6]}.db'}"
        return
    if not _pg_available():
        pytest.skip("PostgreSQL not reachable at " + PG_ADMIN_URL)
    import psycopg

    name = f"cs_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """The session's database, once per backend."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


def backend_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a backend process under test."""
    env = os.environ.copy()
    env.update(TEST_SECRETS)
    env.update({"DATABASE_URL": database_url, "ENVIRONMENT": "test", "PYTHONPATH": str(ROOT)})
    # Agent take-over calls the Rasa server, which cannot run in this venv: backends under test
    # talk to a recording stand-in (tests/rasa_double.py) unless `extra` names a real one (e2e).
    rasa = shared_fake_rasa()
    env.update({"RASA_URL": rasa.url, "RASA_AUTH_TOKEN": rasa.token})
    env.update(extra)
    return env


def run_cli(database_url: str, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [API_PYTHON, "-m", "api.cli", *args],
        cwd=ROOT,
        env=backend_env(database_url, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    """Wait on the process's HTTP status, never on a fixed sleep; on failure show the end of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not up after {timeout}s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_api(database_url: str, log_path: Path, **env: str) -> Iterator[str]:
    """Migrate + seed the database, run uvicorn on a free port, yield its base URL."""
    prepared = run_cli(database_url, "prepare")
    assert prepared.returncode == 0, prepared.stderr
    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [API_PYTHON, "-m", "uvicorn", "api.main:create_app", "--factory", "--port", str(port)],
            cwd=ROOT,
            env=backend_env(database_url, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(url + "/healthz", proc, log_path)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def api_url(database_url, tmp_path_factory) -> Iterator[str]:
    """Base URL of the session's migrated, seeded backend running under uvicorn."""
    with running_api(database_url, tmp_path_factory.mktemp("logs") / "api.log") as url:
        yield url


@pytest.fixture
def http(api_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as client:
        yield client


DEMO_PASSWORDS = {
    "admin": "admin-demo",
    "agent01": "agent01-demo",
    "agent02": "agent02-demo",
    "super01": "super01-demo",
    "bot": TEST_SECRETS["BOT_PASSWORD"],
}


@pytest.fixture(scope="session")
def tokens(api_url) -> dict[str, str]:
    """Bearer tokens of the demo accounts, by username (admin, agent01, agent02, super01, bot)."""
    out = {}
    for user, password in DEMO_PASSWORDS.items():
        r = httpx.post(api_url + "/api/v1/auth/token", data={"username": user, "password": password})
        assert r.status_code == 200, r.text
        out[user] = r.json()["access_token"]
    return out


def as_user(api_url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=api_url, timeout=30, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def agent(api_url, tokens) -> Iterator[httpx.Client]:
    with as_user(api_url, tokens["agent01"]) as c:
        yield c


@pytest.fixture
def supervisor(api_url, tokens) -> Iterator[httpx.Client]:
    with as_user(api_url, tokens["super01"]) as c:
        yield c


@pytest.fixture
def bot(api_url, tokens) -> Iterator[httpx.Client]:
    with as_user(api_url, tokens["bot"]) as c:
        yield c


@pytest.fixture
def admin(api_url, tokens) -> Iterator[httpx.Client]:
    with as_user(api_url, tokens["admin"]) as c:
        yield c


# ---- case factories (through the API, like a real client) ----
SHANGHAI = "+08:00"


def unique_mobile() -> str:
    return "139" + f"{uuid.uuid4().int % 10**8:08d}"


def make_policy(client: httpx.Client, *, mobile: str | None = None, id_number: str = "11010519900101123X") -> dict:
    r = client.post(
        "/api/v1/policies",
        json={
            "holder_name": "测试客户",
            "mobile": mobile or unique_mobile(),
            "id_number": id_number,
            "product_name": "测试医疗险",
            "product_type": "健康险",
            "effective_date": "2026-01-01",
            "sum_insured": "100000.00",
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def make_claim(
    client: httpx.Client,
    *,
    policy_number: str | None = None,
    priority: str = "一般",
    category: str = "普通",
    reported_at: str | None = None,
    amount: str = "1000.00",
) -> dict:
    body = {
        "policy_number": policy_number or make_policy(client)["number"],
        "priority": priority,
        "category": category,
        "amount": amount,
        "description": "门诊费用报销",
    }
    if reported_at:
        body["reported_at"] = reported_at
    r = client.post("/api/v1/claims", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def make_complaint(client: httpx.Client, **overrides) -> dict:
    body = {
        "description": "理赔款迟迟没有到账，客服也说不清楚原因。",
        "demand": "尽快赔付并说明原因",
        "type": "理赔纠纷",
        "channel": "在线",
        "contact_name": "赵女士",
        "contact_mobile": unique_mobile(),
        "conversation_id": f"conv-{uuid.uuid4().hex[:8]}",
    } | overrides
    r = client.post("/api/v1/complaints", json=body)
    assert r.status_code == 201, r.text
    return r.json() | {"_mobile": body["contact_mobile"]}
