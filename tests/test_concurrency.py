"""Concurrency: unique case numbers under parallel creation; parallel sweeps escalate each case once."""

import datetime as dt
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ROOT, as_user, backend_env, make_claim, make_policy, running_api, unique_mobile


def test_parallel_complaints_get_unique_sequential_numbers(api_url, tokens):
    def create(_):
        with as_user(api_url, tokens["bot"]) as bot:
            return bot.post(
                "/api/v1/complaints",
                json={
                    "description": "并发测试投诉",
                    "demand": "处理",
                    "type": "服务质量问题",
                    "contact_name": "并发",
                    "contact_mobile": unique_mobile(),
                },
            )

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(create, range(40)))
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses if r.status_code != 201]
    numbers = [r.json()["number"] for r in responses]
    assert len(set(numbers)) == 40
    suffixes = sorted(int(n.split("-")[1]) for n in numbers)
    assert suffixes == list(range(suffixes[0], suffixes[0] + 40))  # no gaps, no repeats


@pytest.fixture
def sweep_db(database_url, tmp_path):
    """A separate database on the same backend, so pretending time passed does not touch other tests."""
    from tests.conftest import fresh_database

    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with fresh_database(kind, tmp_path) as url:
        yield url


def test_two_concurrent_sweeps_escalate_each_breached_case_exactly_once(sweep_db, tmp_path):
    with running_api(sweep_db, tmp_path / "api.log") as url:
        token = httpx.post(url + "/api/v1/auth/token", data={"username": "agent01", "password": "agent01-demo"})
        agent = as_user(url, token.json()["access_token"])
        sup = as_user(
            url,
            httpx.post(url + "/api/v1/auth/token", data={"username": "super01", "password": "super01-demo"}).json()[
                "access_token"
            ],
        )
        policy = make_policy(agent)["number"]
        ten_days_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=10)).isoformat()
        claims = [
            make_claim(agent, policy_number=policy, priority="紧急", category="紧急", reported_at=ten_days_ago)[
                "number"
            ]
            for _ in range(25)
        ]

        env = backend_env(sweep_db)
        cmd = [sys.executable, "-m", "api.escalation.worker", "--once"]
        procs = [
            subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=120)[0] for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs

        for number in claims:
            body = agent.get(f"/api/v1/claims/{number}").json()
            escalations = [h for h in body["history"] if h["kind"] == "escalation"]
            # breached 8 days ago: supervisor (at breach) and manager (24 h later), each exactly once
            assert [h["to"] for h in escalations] == ["L1", "L2"], (number, escalations)
            assert body["escalation_level"] == 2
        audit = sup.get("/api/v1/audit", params={"limit": 1000}).json()
        ours = [e for e in audit if e["action"] == "claim.escalation" and e["target_id"] in set(claims)]
        assert len(ours) == 2 * len(claims)

        # a later sweep finds nothing new to do
        again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert "escalations=0" in again.stderr + again.stdout
        agent.close()
        sup.close()
