"""Claims: numbering, lifecycle, SLA with the documents pause, progress for verified customers, urges."""

import datetime as dt
import re

from tests.conftest import make_claim, make_policy

SH = dt.timezone(dt.timedelta(hours=8))


def test_new_claim_gets_an_lp_number_and_starts_accepted(agent):
    claim = make_claim(agent)
    assert re.fullmatch(r"LP\d{8}\d{5}", claim["number"])
    assert claim["status"] == "受理中"
    assert {t["name"] for t in claim["sla"]} == {"handling", "settlement", "completion"}


def test_urgent_claim_has_24h_initial_review_and_48h_handling(agent):
    start = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)
    claim = make_claim(agent, priority="紧急", category="紧急", reported_at=start.isoformat())
    due = {t["name"]: t["due_at"] for t in claim["sla"]}
    assert due["initial_review"] == "2026-11-21T10:00:00+08:00"
    assert due["handling"] == "2026-11-22T10:00:00+08:00"


def test_illegal_status_change_is_refused_with_reason(agent):
    claim = make_claim(agent)
    r = agent.post(f"/api/v1/claims/{claim['number']}/status", json={"status": "已结案"})
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert "受理中" in detail["message"] and "已结案" in detail["message"]
    assert agent.get(f"/api/v1/claims/{claim['number']}").json()["status"] == "受理中"


def test_status_history_records_actor_and_audit_log(agent, supervisor):
    claim = make_claim(agent)
    agent.post(f"/api/v1/claims/{claim['number']}/status", json={"status": "审核中", "note": "材料齐全"})
    body = agent.get(f"/api/v1/claims/{claim['number']}").json()
    assert [(h["kind"], h["from"], h["to"], h["actor"]) for h in body["history"]] == [
        ("created", None, "受理中", "agent01"),
        ("status", "受理中", "审核中", "agent01"),
    ]
    actions = [e["action"] for e in supervisor.get("/api/v1/audit", params={"target_id": claim["number"]}).json()]
    assert "claim.status" in actions and "claim.created" in actions


def test_documents_request_needs_the_list_and_pauses_the_clock(agent):
    claim = make_claim(agent)
    number = claim["number"]
    r = agent.post(f"/api/v1/claims/{number}/status", json={"status": "待补充材料"})
    assert r.status_code == 400 and r.json()["detail"]["field"] == "missing_documents"
    r = agent.post(
        f"/api/v1/claims/{number}/status", json={"status": "待补充材料", "missing_documents": ["费用清单", "医疗记录"]}
    )
    assert r.status_code == 200
    states = {t["name"]: t["state"] for t in r.json()["sla"]}
    assert states["handling"] == "paused"
    r = agent.post(f"/api/v1/claims/{number}/status", json={"status": "审核中"})
    body = r.json()
    assert body["missing_documents"] == []
    assert {t["name"]: t["state"] for t in body["sla"]}["handling"] in ("running", "warning")


def test_bot_needs_verification_to_read_progress(agent, bot):
    claim = make_claim(agent)
    r = bot.get(f"/api/v1/claims/{claim['number']}/progress")
    assert r.status_code == 403 and r.json()["detail"]["field"] == "X-Verification-Token"
    # an unknown number looks the same to the bot: nothing to enumerate
    r = bot.get("/api/v1/claims/LP2026010199999/progress")
    assert r.status_code == 403


def test_verified_customer_sees_progress_in_plain_words(agent, bot):
    policy = make_policy(agent, mobile="13512345678")
    claim = make_claim(agent, policy_number=policy["number"])
    agent.post(
        f"/api/v1/claims/{claim['number']}/status", json={"status": "待补充材料", "missing_documents": ["费用清单"]}
    )
    v = bot.post("/api/v1/verify", json={"case_number": claim["number"], "last4": "5678", "conversation_id": "c-1"})
    assert v.status_code == 200, v.text
    r = bot.get(f"/api/v1/claims/{claim['number']}/progress", headers={"X-Verification-Token": v.json()["token"]})
    body = r.json()
    assert body["status"] == "待补充材料" and body["missing_documents"] == ["费用清单"]
    assert "补充材料" in body["status_text"] and body["paused"] is True
    assert body["expected_completion_date"] >= dt.date.today().isoformat()
    # a token for one claim does not open another
    other = make_claim(agent)
    r = bot.get(f"/api/v1/claims/{other['number']}/progress", headers={"X-Verification-Token": v.json()["token"]})
    assert r.status_code == 403


def test_policy_verification_lists_its_claims(agent, bot):
    policy = make_policy(agent, mobile="13611112222")
    first = make_claim(agent, policy_number=policy["number"])
    second = make_claim(agent, policy_number=policy["number"])
    v = bot.post("/api/v1/verify", json={"case_number": policy["number"], "last4": "2222"}).json()
    r = bot.get(f"/api/v1/policies/{policy['number']}/claims", headers={"X-Verification-Token": v["token"]})
    assert {c["number"] for c in r.json()} == {first["number"], second["number"]}
    # the policy token also opens each of its claims
    r = bot.get(f"/api/v1/claims/{first['number']}/progress", headers={"X-Verification-Token": v["token"]})
    assert r.status_code == 200


def test_overdue_claim_is_flagged_and_urge_is_recorded(agent, bot, supervisor):
    policy = make_policy(agent, mobile="13733334444")
    start = (dt.datetime.now(SH) - dt.timedelta(days=5)).isoformat()
    claim = make_claim(agent, policy_number=policy["number"], priority="紧急", category="紧急", reported_at=start)
    token = bot.post("/api/v1/verify", json={"case_number": claim["number"], "last4": "4444"}).json()["token"]
    headers = {"X-Verification-Token": token}
    assert bot.get(f"/api/v1/claims/{claim['number']}/progress", headers=headers).json()["overdue"] is True
    r = bot.post(f"/api/v1/claims/{claim['number']}/urge", json={"note": "客户在线催办"}, headers=headers)
    assert r.status_code == 200 and r.json()["urge_count"] == 1
    queue = supervisor.get("/api/v1/queue/supervisor").json()
    row = next(q for q in queue if q["number"] == claim["number"])
    assert row["urge_count"] == 1 and any(t["state"] == "breached" for t in row["targets"])


def test_a_rejected_claim_is_not_urged(agent, bot):
    """A decision made has nothing left to hurry: the customer is told to ask for a review or complain instead, and
    no urge is recorded."""
    policy = make_policy(agent, mobile="13766667777")
    claim = make_claim(agent, policy_number=policy["number"])
    for status in ("审核中", "已拒赔"):
        assert agent.post(f"/api/v1/claims/{claim['number']}/status", json={"status": status}).status_code == 200
    token = bot.post("/api/v1/verify", json={"case_number": claim["number"], "last4": "7777"}).json()["token"]
    r = bot.post(f"/api/v1/claims/{claim['number']}/urge", json={}, headers={"X-Verification-Token": token})
    assert r.status_code == 409 and "复核" in r.json()["detail"]["message"] and r.json()["detail"]["message_en"]
    history = agent.get(f"/api/v1/claims/{claim['number']}").json()["history"]
    assert not any(h["kind"] == "urge" for h in history)


def test_agent_cannot_use_supervisor_queue_and_bot_cannot_create_claims(agent, bot):
    assert agent.get("/api/v1/queue/supervisor").status_code == 403
    r = bot.post(
        "/api/v1/claims",
        json={"policy_number": "P2026000000101", "priority": "一般", "category": "普通", "amount": "10"},
    )
    assert r.status_code == 403 and "坐席" in r.json()["detail"]["message"]


def test_staff_find_a_customer_by_mobile_with_numbers_masked(agent):
    policy = make_policy(agent, mobile="13855556666", id_number="110105198001011234")
    claim = make_claim(agent, policy_number=policy["number"])
    found = agent.get("/api/v1/customers/lookup", params={"mobile": "138 5555 6666"}).json()
    assert found["mobile"] == "138****6666" and found["id_number"] == "110105********1234"
    assert policy["number"] in found["policies"] and claim["number"] in found["claims"]
