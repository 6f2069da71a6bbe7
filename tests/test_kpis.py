"""Supervisors' KPIs (RULES §6): SLA compliance per case type, case counts, a window checked for sense."""

import datetime as dt
import random

from tests.conftest import make_claim

SH = dt.timezone(dt.timedelta(hours=8))
REQUESTS = "/api/v1/data-requests"


def window_of_our_own() -> tuple[dt.datetime, dict]:
    """A one-second window days ago that no other test's records fall in (they use now or fixed whole hours)."""
    start = (dt.datetime.now(SH) - dt.timedelta(days=5, seconds=random.randint(1, 86_000))).replace(microsecond=0)
    start += dt.timedelta(microseconds=random.randint(1, 999) * 1000)
    return start, {"since": start.isoformat(), "until": (start + dt.timedelta(seconds=1)).isoformat()}


def data_request(agent, received: dt.datetime) -> str:
    body = {"kind": "查询", "channel": "电话", "contact_name": "何先生", "contact_mobile": "13712340000",
            "received_at": received.isoformat()}
    r = agent.post(REQUESTS, json=body)
    assert r.status_code == 201, r.text
    return r.json()["number"]


def test_kpis_count_each_case_type_and_rate_its_sla_on_its_own(agent, supervisor):
    start, window = window_of_our_own()
    # an urgent claim nobody reviewed for five days: its 24 h review and 48 h handling targets are breached
    claim = make_claim(agent, priority="紧急", category="紧急", reported_at=start.isoformat())
    answered = data_request(agent, start + dt.timedelta(milliseconds=1))
    for status in ("核实身份", "处理中", "已完成"):
        r = agent.post(f"{REQUESTS}/{answered}/status", json={"status": status, "resolution": "已寄送信息副本"})
        assert r.status_code == 200, r.text
    data_request(agent, start + dt.timedelta(milliseconds=2))  # still open, inside its 15 working days

    k = supervisor.get("/api/v1/kpis", params=window).json()
    assert (k["claims"], k["complaints"], k["data_requests"], k["data_requests_open"]) == (1, 0, 2, 1)
    # the answered request met its promise, the open one is not decided yet; the claim missed every target it has
    assert k["sla_compliance_by_type"] == {"claims": 0.0, "complaints": None, "data_requests": 1.0}
    missed = [t for t in agent.get(f"/api/v1/claims/{claim['number']}").json()["sla"] if t["state"] == "breached"]
    assert len(missed) >= 2  # the 24 h review and the 48 h handling at least
    assert k["sla_targets_decided"] == len(missed) + 1
    assert k["sla_compliance_rate"] == round(1 / (len(missed) + 1), 4)
    assert k["complaint_closure_rate"] is None and k["csat_average"] is None and k["csat_responses"] == 0


def test_kpis_default_to_the_last_30_days_and_count_the_demo_request(supervisor):
    k = supervisor.get("/api/v1/kpis").json()
    since, until = (dt.datetime.fromisoformat(k["period"][end]) for end in ("since", "until"))
    assert until - since == dt.timedelta(days=30)
    # the demo data's (its oldest claim, 30 days old, falls just outside)
    assert k["data_requests"] >= 1 and k["complaints"] >= 5 and k["claims"] >= 6


def test_kpis_refuse_a_window_that_ends_before_it_starts(supervisor):
    _, window = window_of_our_own()
    r = supervisor.get("/api/v1/kpis", params={"since": window["until"], "until": window["since"]})
    detail = r.json()["detail"]
    assert r.status_code == 400 and "早于" in detail["message"] and detail["field"] == "since"


def test_kpis_are_for_supervisors_only(agent, bot):
    assert agent.get("/api/v1/kpis").status_code == 403
    assert bot.get("/api/v1/kpis").status_code == 403
