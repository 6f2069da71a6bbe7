"""Personal-data requests (个人信息申请, RULES §7): number, policy deadline, lifecycle, privacy of progress, sweep."""

import datetime as dt
import re
import subprocess
import uuid

import httpx
import pytest

from api.service_policy import load_policy
from api.sla.calendar import SHANGHAI, WorkCalendar
from tests.conftest import API_PYTHON, ROOT, as_user, backend_env, fresh_database, running_api, unique_mobile

POLICY = load_policy()
CAL = WorkCalendar.from_policy(POLICY)
DAYS = POLICY.sla.data_request.resolution.working_days
BASE = "/api/v1/data-requests"


def make_request(client: httpx.Client, **overrides) -> dict:
    body = {
        "kind": "查询",
        "details": "想要一份我在贵公司留存的个人信息副本",
        "channel": "在线",
        "contact_name": "吴女士",
        "contact_mobile": unique_mobile(),
        "conversation_id": f"conv-{uuid.uuid4().hex[:8]}",
    } | overrides
    r = client.post(BASE, json=body)
    assert r.status_code == 201, r.text
    return r.json() | {"_mobile": body["contact_mobile"]}


def move(client: httpx.Client, number: str, status: str, **fields) -> httpx.Response:
    return client.post(f"{BASE}/{number}/status", json={"status": status} | fields)


def verified(bot: httpx.Client, request: dict) -> dict:
    r = bot.post("/api/v1/verify", json={"case_number": request["number"], "last4": request["_mobile"][-4:]})
    assert r.status_code == 200, r.text
    return {"X-Verification-Token": r.json()["token"]}


# --- registration -------------------------------------------------------------------------------


def test_data_request_gets_a_gr_number_and_a_reply_due_by_the_policy(agent):
    received = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)  # a Friday
    r = make_request(agent, kind="更正", received_at=received.isoformat())
    assert re.fullmatch(r"GR20261120-\d{4}", r["number"])
    assert r["kind"] == "更正" and r["status"] == "受理" and r["finished"] is False
    # the acceptance day is not counted; the reply is due by 24:00 of the DAYS-th working day after it
    due = CAL.add_working_days(received, DAYS)
    assert r["due_at"] == due.isoformat() and r["due_at"].endswith("T00:00:00+08:00")
    last_day = (due - dt.timedelta(days=1)).date()
    assert r["due_date"] == last_day.isoformat()
    assert r["promises"] == {"resolution": {"working_days": DAYS}}
    assert f"{DAYS} 个工作日内" in r["promise"] and "致电" in r["promise"] and "核实身份" in r["promise"]
    assert f"尾号 {r['_mobile'][-4:]}" in r["promise"] and r["_mobile"] not in r["promise"]


def test_sla_preview_quotes_the_data_request_deadline(http):
    start = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    r = http.get("/api/v1/sla/preview", params={"case_type": "data_request", "start": start.isoformat()})
    assert r.status_code == 200, r.text
    [target] = r.json()["targets"]
    assert target["name"] == "resolution" and target["duration"] == {"working_days": DAYS}
    assert target["due_at"] == CAL.add_working_days(start, DAYS).isoformat()
    assert r.json()["provisional"] is False  # 2026's 调休 is published


@pytest.mark.parametrize(("term", "start"), [("grace", "2026-10-15"), ("hesitation", "2026-11-28")])
def test_term_preview_counts_the_policy_files_days_from_the_day_after(http, term, start):
    # (with the policy file's 60 and 15 days: 12-14 and 12-13)
    days = POLICY.customer_terms.model_dump()[f"{term}_days"]
    ends = (dt.date.fromisoformat(start) + dt.timedelta(days=days)).isoformat()
    r = http.get("/api/v1/terms/preview", params={"term": term, "start": start})
    assert r.status_code == 200, r.text
    assert r.json() == {"term": term, "start": start, "days": days, "ends": ends}
    assert http.get("/api/v1/terms/preview", params={"term": "waiting", "start": start}).status_code == 422


@pytest.mark.parametrize(("term", "start", "ends"), [
    ("limitation_other", "2025-01-15", "2027-01-15"), ("limitation_life", "2024-03-10", "2029-03-10"),
    ("limitation_other", "2024-02-29", "2026-02-28")])
def test_term_preview_counts_the_limitation_to_claim_in_the_policy_files_years(http, term, start, ends):
    years = POLICY.customer_terms.claim_limitation_years[term.removeprefix("limitation_")]
    r = http.get("/api/v1/terms/preview", params={"term": term, "start": start})
    assert r.status_code == 200, r.text
    assert r.json() == {"term": term, "start": start, "years": years, "ends": ends}


def test_sla_preview_says_a_date_in_an_unpublished_year_may_move(http):
    # A complaint accepted on 2027-02-03: its 7 working days skip the policy file's 春节 days, but 2027's 调休
    # is not published yet, so the bot must say the date may still change.
    start = dt.datetime(2027, 2, 3, 10, 0, tzinfo=SHANGHAI)
    r = http.get("/api/v1/sla/preview", params={"case_type": "complaint", "start": start.isoformat()}).json()
    due = {t["name"]: t["due_at"] for t in r["targets"]}
    assert due["resolution"] == "2027-02-17T00:00:00+08:00"  # 2-04, 2-09..2-12, 2-15, 2-16 (02-05..08 off)
    assert r["provisional"] is True


def test_bot_registers_a_request_accepted_now(bot, agent):
    r = make_request(bot, kind="删除", details="")
    today = dt.datetime.now(SHANGHAI).strftime("%Y%m%d")
    assert r["number"].startswith(f"GR{today}-") and r["status"] == "受理"
    stored = agent.get(f"{BASE}/{r['number']}").json()
    assert stored["details"] == "" and stored["kind"] == "删除" and stored["channel"] == "在线"
    assert stored["contact_mobile"] == r["_mobile"][:3] + "****" + r["_mobile"][-4:]
    assert stored["handler"] is None and stored["escalation_level"] == 0
    assert [t["name"] for t in stored["sla"]] == ["resolution"] and stored["sla"][0]["state"] == "running"


def test_bot_cannot_backdate_a_request(bot):
    r = bot.post(
        BASE,
        json={
            "kind": "查询",
            "contact_name": "吴女士",
            "contact_mobile": unique_mobile(),
            "received_at": "2026-11-20T10:00:00+08:00",
        },
    )
    assert r.status_code == 403 and r.json()["detail"]["field"] == "received_at"


def test_unknown_kind_and_future_receipt_are_refused_in_both_languages(agent):
    base = {"contact_name": "吴女士", "contact_mobile": unique_mobile()}
    r = agent.post(BASE, json=base | {"kind": "转让"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["field"] == "kind" and "申请类型应为：查询、更正、删除" in detail["message"] and detail["message_en"]
    r = agent.post(BASE, json=base | {"kind": "查询", "received_at": "2099-01-01T09:00:00+08:00"})
    assert r.status_code == 422 and r.json()["detail"]["field"] == "received_at"
    assert agent.get("/api/v1/customers/lookup", params={"mobile": base["contact_mobile"]}).status_code == 404


def test_personal_numbers_in_the_details_are_not_kept_in_clear_text(agent):
    r = make_request(agent, kind="更正", details="身份证号登记错了，正确的是 11010519900101123X")
    stored = agent.get(f"{BASE}/{r['number']}").json()
    assert "11010519900101123X" not in stored["details"] and stored["details"].endswith("110105********123X")


# --- lifecycle ----------------------------------------------------------------------------------


def test_data_request_moves_one_step_at_a_time_with_history_and_audit(agent, supervisor):
    number = make_request(agent)["number"]
    assert move(agent, number, "核实身份", note="已致电客户").status_code == 200
    assert move(agent, number, "处理中").status_code == 200
    r = move(agent, number, "已完成", resolution="已通过邮件发送个人信息副本")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "已完成" and body["handler"] == "agent01" and body["closed_at"]
    assert body["resolution"] == "已通过邮件发送个人信息副本"
    assert body["sla"][0]["state"] == "met"
    assert [(h["kind"], h["from"], h["to"], h["actor"]) for h in body["history"]] == [
        ("created", None, "受理", "agent01"),
        ("status", "受理", "核实身份", "agent01"),
        ("status", "核实身份", "处理中", "agent01"),
        ("status", "处理中", "已完成", "agent01"),
    ]
    assert body["history"][1]["note"] == "已致电客户"
    actions = [e["action"] for e in supervisor.get("/api/v1/audit", params={"target_id": number}).json()]
    assert sorted(actions) == ["data_request.created"] + ["data_request.status"] * 3
    # finished: nothing further, not even a rejection
    r = move(agent, number, "已驳回", resolution="重复申请")
    assert r.status_code == 409 and "已完成" in r.json()["detail"]["message"]


def test_skipping_a_step_is_refused_with_409_and_changes_nothing(agent, supervisor):
    number = make_request(agent)["number"]
    r = move(agent, number, "处理中")
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert detail["field"] == "status" and "受理" in detail["message"] and "处理中" in detail["message"]
    assert "核实身份" in detail["message"] and detail["message_en"]
    stored = agent.get(f"{BASE}/{number}").json()
    assert stored["status"] == "受理" and [h["kind"] for h in stored["history"]] == ["created"]
    assert len(supervisor.get("/api/v1/audit", params={"target_id": number}).json()) == 1


def test_data_request_rejection_requires_a_reason(agent):
    number = make_request(agent)["number"]
    for body in ({}, {"resolution": "   "}):
        r = move(agent, number, "已驳回", **body)
        assert r.status_code == 422
        detail = r.json()["detail"]
        assert detail["field"] == "resolution" and "原因" in detail["message"] and "reason" in detail["message_en"]
    assert agent.get(f"{BASE}/{number}").json()["status"] == "受理"
    r = move(agent, number, "已驳回", resolution="客户未能通过身份核实")
    assert r.status_code == 200 and r.json()["status"] == "已驳回" and r.json()["closed_at"]


def test_completion_requires_the_outcome(agent):
    number = make_request(agent)["number"]
    move(agent, number, "核实身份")
    move(agent, number, "处理中")
    r = move(agent, number, "已完成")
    assert r.status_code == 422 and r.json()["detail"]["field"] == "resolution"
    assert agent.get(f"{BASE}/{number}").json()["status"] == "处理中"


def test_handler_must_be_a_staff_member(agent):
    number = make_request(agent)["number"]
    r = move(agent, number, "核实身份", handler="bot")
    assert r.status_code == 400 and r.json()["detail"]["field"] == "handler"
    r = move(agent, number, "核实身份", handler="agent02")
    assert r.status_code == 200 and r.json()["handler"] == "agent02"


def test_unknown_number_is_a_polite_404_for_staff(agent):
    r = agent.get(f"{BASE}/GR20000101-0001")
    assert r.status_code == 404 and "GR20000101-0001" in r.json()["detail"]["message"]
    assert move(agent, "GR20000101-0001", "核实身份").status_code == 404


def test_list_filters_by_status(agent):
    waiting = make_request(agent)["number"]
    checking = make_request(agent)["number"]
    move(agent, checking, "核实身份")
    listed = agent.get(BASE, params={"status": "核实身份", "limit": 500}).json()
    numbers = {r["number"] for r in listed}
    assert checking in numbers and waiting not in numbers
    assert {r["status"] for r in listed} == {"核实身份"}
    assert agent.get(BASE, params={"status": "随便"}).status_code == 422


# --- who may see what ---------------------------------------------------------------------------


def test_staff_only_routes_refuse_the_bot_and_anonymous(bot, http):
    number = make_request(bot)["number"]
    for client, status in ((bot, 403), (http, 401)):
        assert client.get(BASE).status_code == status
        assert client.get(f"{BASE}/{number}").status_code == status
        assert move(client, number, "核实身份").status_code == status
    assert http.post(BASE, json={"kind": "查询"}).status_code == 401


def test_progress_needs_verification(bot, agent):
    request = make_request(bot)
    number = request["number"]
    r = bot.get(f"{BASE}/{number}/progress")
    assert r.status_code == 403 and r.json()["detail"]["field"] == "X-Verification-Token"
    assert bot.get(f"{BASE}/GR20000101-0001/progress").status_code == 403  # unknown looks the same: no probing
    wrong = "0000" if request["_mobile"][-4:] != "0000" else "1111"
    assert bot.post("/api/v1/verify", json={"case_number": number, "last4": wrong}).status_code == 403
    other = make_request(bot)
    assert bot.get(f"{BASE}/{number}/progress", headers=verified(bot, other)).status_code == 403
    progress = bot.get(f"{BASE}/{number}/progress", headers=verified(bot, request)).json()
    assert progress["status"] == "受理" and "核实身份" in progress["status_text"]
    assert progress["finished"] is False and progress["overdue"] is False and progress["resolution"] is None
    assert progress["due_at"] == request["due_at"]
    assert agent.get(f"{BASE}/{number}/progress").status_code == 200  # staff need no token


def test_rejected_deletion_explains_the_retention_period_from_the_policy(bot, agent):
    request = make_request(bot, kind="删除", details="请删除我的全部投保记录")
    reason = "该保单的理赔档案仍在法定保存期内"
    assert move(agent, request["number"], "已驳回", resolution=reason).status_code == 200
    progress = bot.get(f"{BASE}/{request['number']}/progress", headers=verified(bot, request)).json()
    years = POLICY.retention_years
    assert progress["status"] == "已驳回" and progress["finished"] is True and progress["resolution"] == reason
    assert f"{years['ordinary']} 年" in progress["status_text"] and f"{years['special']} 年" in progress["status_text"]
    assert "不能删除" in progress["status_text"]
    # a rejected query says nothing about deleting
    query = make_request(bot, kind="查询")
    move(agent, query["number"], "已驳回", resolution="重复申请")
    text = bot.get(f"{BASE}/{query['number']}/progress", headers=verified(bot, query)).json()["status_text"]
    assert "删除" not in text and "原因" in text


def test_data_request_filed_in_a_conversation_shows_beside_the_chat(bot, agent):
    conversation = f"conv-{uuid.uuid4().hex}"
    request = make_request(bot, conversation_id=conversation)
    chat = bot.post(
        "/api/v1/handovers", json={"conversation_id": conversation, "channel": "web", "reason": "requested"}
    )
    assert chat.status_code == 201, chat.text
    cards = {c["number"]: c for c in agent.get(f"/api/v1/handovers/{chat.json()['id']}/cases").json()}
    card = cards[request["number"]]
    assert card["case_type"] == "data_request" and card["state"] == "受理" and card["detail"] == "查询"
    assert [t["name"] for t in card["sla"]] == ["resolution"]


# --- the escalation sweep -----------------------------------------------------------------------


@pytest.fixture
def sweep_db(database_url, tmp_path):
    """A separate database on the same backend, so the sweep touches none of the other tests' cases."""
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with fresh_database(kind, tmp_path) as url:
        yield url


def _login(url: str, username: str, password: str) -> httpx.Client:
    token = httpx.post(url + "/api/v1/auth/token", data={"username": username, "password": password})
    return as_user(url, token.json()["access_token"])


def test_overdue_data_request_is_escalated_by_the_sweep(sweep_db, tmp_path):
    with running_api(sweep_db, tmp_path / "api.log") as url:
        agent, supervisor = _login(url, "agent01", "agent01-demo"), _login(url, "super01", "super01-demo")
        long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=60)).isoformat()
        overdue = make_request(agent, received_at=long_ago)["number"]
        answered = make_request(agent, received_at=long_ago)["number"]
        for status in ("核实身份", "处理中"):
            move(agent, answered, status)
        move(agent, answered, "已完成", resolution="已答复客户")

        cmd = [API_PYTHON, "-m", "api.escalation.worker", "--once"]
        run = subprocess.run(cmd, cwd=ROOT, env=backend_env(sweep_db), capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr

        body = agent.get(f"{BASE}/{overdue}").json()
        # due some 40 days ago: supervisor at breach, manager 24 h later, each once
        assert [h["to"] for h in body["history"] if h["kind"] == "escalation"] == ["L1", "L2"]
        assert body["escalation_level"] == 2 and body["sla"][0]["state"] == "breached"
        assert agent.get(f"{BASE}/{answered}").json()["escalation_level"] == 0
        audit = supervisor.get("/api/v1/audit", params={"target_id": overdue}).json()
        assert [e["action"] for e in audit].count("data_request.escalation") == 2
        queue = supervisor.get("/api/v1/queue/supervisor").json()
        row = next(q for q in queue if q["number"] == overdue)
        assert row["case_type"] == "data_request" and row["state"] == "受理" and row["escalation_level"] == 2
        assert all(q["number"] != answered for q in queue)

        again = subprocess.run(cmd, cwd=ROOT, env=backend_env(sweep_db), capture_output=True, text=True, timeout=120)
        assert "escalations=0" in again.stdout + again.stderr
        agent.close()
        supervisor.close()
