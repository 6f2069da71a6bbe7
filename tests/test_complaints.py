"""Complaints: registration fields, promises, high-risk escalation, lifecycle, confirmation before closing."""

import re

import pytest

from tests.conftest import make_complaint, unique_mobile


def test_registration_returns_number_and_the_policy_promises(bot, agent):
    c = make_complaint(bot)
    assert re.fullmatch(r"TS\d{8}-\d{4}", c["number"])
    assert c["promises"] == {"feedback": {"hours": 24.0}, "resolution": {"working_days": 7}}
    assert c["stage"] == "受理" and c["high_risk"] is False
    stored = agent.get(f"/api/v1/complaints/{c['number']}").json()
    assert stored["type"] == "理赔纠纷" and stored["channel"] == "在线"
    assert stored["contact_mobile"] == c["_mobile"][:3] + "****" + c["_mobile"][-4:]
    assert stored["demand"] == "尽快赔付并说明原因"


def test_regulator_or_media_words_make_a_complaint_high_risk_and_escalated(bot, agent):
    c = make_complaint(bot, description="再拖下去我就打12378投诉，还要找媒体曝光你们！")
    assert c["high_risk"] is True and c["priority"] == "高" and c["escalation_level"] == 1
    assert any("12378" in r for r in c["high_risk_reasons"])
    history = agent.get(f"/api/v1/complaints/{c['number']}").json()["history"]
    assert [h["kind"] for h in history] == ["created", "escalation"]


@pytest.mark.parametrize(
    "said, reason",
    [
        ("再不给说法我就打12315，让消协来评评理", "监管:12315"),
        ("我要把你们这操作发小红书，让大家都看看", "媒体:小红书"),
        ("协商不成，我们只能走法律途径了", "法律:法律途径"),
    ],
)
def test_the_consumer_hotline_social_platforms_and_legal_steps_are_high_risk_too(bot, said, reason):
    c = make_complaint(bot, description=said)
    assert c["high_risk"] is True and reason in c["high_risk_reasons"]


def test_an_ordinary_grievance_is_not_high_risk(bot):
    c = make_complaint(bot, description="柜台的工作人员态度很差，让我等了一个多小时")
    assert c["high_risk"] is False and c["high_risk_reasons"] == [] and c["escalation_level"] == 0


def test_traditional_script_legal_threat_is_recognised(bot):
    c = make_complaint(bot, description="你們再不處理，我就請律師起訴你們。")
    assert c["high_risk"] is True and any("律师" in r for r in c["high_risk_reasons"])


def test_second_complaint_within_30_days_is_a_repeat_and_escalated(bot):
    mobile = unique_mobile()
    first = make_complaint(bot, contact_mobile=mobile)
    second = make_complaint(bot, contact_mobile=mobile)
    assert first["high_risk"] is False
    assert second["high_risk"] is True and any("重复投诉" in r for r in second["high_risk_reasons"])


def test_lifecycle_is_enforced_one_step_at_a_time(agent, bot):
    number = make_complaint(bot)["number"]
    r = agent.post(f"/api/v1/complaints/{number}/stage", json={"stage": "方案"})
    assert r.status_code == 409 and "受理" in r.json()["detail"]["message"]
    r = agent.post(f"/api/v1/complaints/{number}/stage", json={"stage": "登记", "handler": "nobody"})
    assert r.status_code == 400 and r.json()["detail"]["field"] == "handler"
    r = agent.post(f"/api/v1/complaints/{number}/stage", json={"stage": "登记", "handler": "agent02"})
    assert r.status_code == 200
    body = r.json()
    assert body["handler"] == "agent02" and body["handler_staff_no"] == "K1002"
    feedback = next(t for t in body["sla"] if t["name"] == "feedback")
    assert feedback["state"] == "met"  # the registration notice reached the customer


def _to_feedback(agent, number):
    agent.post(f"/api/v1/complaints/{number}/stage", json={"stage": "登记"})
    for stage in ("分析", "方案", "执行"):
        assert agent.post(f"/api/v1/complaints/{number}/stage", json={"stage": stage}).status_code == 200
    r = agent.post(f"/api/v1/complaints/{number}/stage", json={"stage": "反馈"})
    assert r.status_code == 400 and r.json()["detail"]["field"] == "resolution"
    r = agent.post(f"/api/v1/complaints/{number}/stage", json={"stage": "反馈", "resolution": "已补发赔款并致歉"})
    assert r.status_code == 200


def test_complaint_cannot_close_without_customer_confirmation(agent, bot):
    complaint = make_complaint(bot)
    number = complaint["number"]
    _to_feedback(agent, number)
    r = agent.post(f"/api/v1/complaints/{number}/stage", json={"stage": "关闭"})
    assert r.status_code == 409 and "确认" in r.json()["detail"]["message"]
    r = agent.post(f"/api/v1/complaints/{number}/confirmation", json={"satisfied": True, "score": 5})
    assert r.status_code == 200 and r.json()["stage"] == "关闭"
    token = bot.post("/api/v1/verify", json={"case_number": number, "last4": complaint["_mobile"][-4:]}).json()["token"]
    progress = bot.get(f"/api/v1/complaints/{number}/progress", headers={"X-Verification-Token": token}).json()
    assert progress["finished"] is True and progress["awaiting_confirmation"] is False
    stored = agent.get(f"/api/v1/complaints/{number}").json()
    assert stored["satisfaction"] == 5 and stored["customer_confirmed"] is True
    # closed, it has nothing left to hurry: a new complaint is the way, and no urge is recorded
    r = bot.post(f"/api/v1/complaints/{number}/urge", json={}, headers={"X-Verification-Token": token})
    assert r.status_code == 409 and "新的投诉" in r.json()["detail"]["message"]
    assert agent.get(f"/api/v1/complaints/{number}").json()["urge_count"] == 0


def test_unsatisfied_customer_sends_the_complaint_back_to_solution(agent, bot):
    c = make_complaint(bot)
    _to_feedback(agent, c["number"])
    token = bot.post("/api/v1/verify", json={"case_number": c["number"], "last4": c["_mobile"][-4:]}).json()["token"]
    r = bot.post(
        f"/api/v1/complaints/{c['number']}/confirmation",
        json={"satisfied": False, "score": 2},
        headers={"X-Verification-Token": token},
    )
    assert r.status_code == 200 and r.json()["stage"] == "方案"


def test_a_verdict_without_a_score_is_recorded_and_a_score_out_of_range_refused(agent, bot):
    # a dissatisfied customer who asks for a person rather than scoring still gives the verdict
    c = make_complaint(bot)
    _to_feedback(agent, c["number"])
    token = bot.post("/api/v1/verify", json={"case_number": c["number"], "last4": c["_mobile"][-4:]}).json()["token"]
    headers = {"X-Verification-Token": token}
    url = f"/api/v1/complaints/{c['number']}/confirmation"
    assert bot.post(url, json={"satisfied": False, "score": 6}, headers=headers).status_code == 422
    r = bot.post(url, json={"satisfied": False, "comment": "赠送的保养一次都没兑现"}, headers=headers)
    assert r.status_code == 200 and r.json()["stage"] == "方案"
    stored = agent.get(f"/api/v1/complaints/{c['number']}").json()
    assert stored["satisfaction"] is None
    assert any("未评分" in (h.get("note") or "") for h in stored["history"])


def test_complaint_progress_after_verification_and_urge(bot, supervisor):
    c = make_complaint(bot)
    assert bot.get(f"/api/v1/complaints/{c['number']}/progress").status_code == 403
    token = bot.post("/api/v1/verify", json={"case_number": c["number"], "last4": c["_mobile"][-4:]}).json()["token"]
    headers = {"X-Verification-Token": token}
    progress = bot.get(f"/api/v1/complaints/{c['number']}/progress", headers=headers).json()
    assert progress["stage"] == "受理" and progress["overdue"] is False and progress["finished"] is False
    assert progress["breached"] == []
    assert progress["resolution_due"].endswith("T00:00:00+08:00")  # 24:00 of the 7th working day
    bot.post(f"/api/v1/complaints/{c['number']}/urge", json={}, headers=headers)
    queue = supervisor.get("/api/v1/queue/supervisor").json()
    assert any(q["number"] == c["number"] and q["urge_count"] == 1 for q in queue)


def test_unknown_complaint_type_is_rejected_in_both_languages(bot):
    r = bot.post(
        "/api/v1/complaints",
        json={
            "description": "态度差",
            "demand": "道歉",
            "type": "随便",
            "contact_name": "钱先生",
            "contact_mobile": unique_mobile(),
        },
    )
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["field"] == "type" and "投诉类型应为" in detail["message"] and detail["message_en"]


def test_type_is_suggested_from_the_description_in_either_script(bot):
    r = bot.get("/api/v1/complaints/suggest-type", params={"text": "業務員當初說能返利，完全是誤導"}).json()
    assert r["type"] == "销售误导" and "误导" in r["matched"]
    r = bot.get("/api/v1/complaints/suggest-type", params={"text": "今天天气不错"}).json()
    assert r["type"] is None and "理赔纠纷" in r["types"]


@pytest.mark.parametrize(("text", "kind"), [
    ("住院花了三万，现在说不给赔", "理赔纠纷"),
    ("买的时候没人提醒我有等待期，业务员根本没说明", "销售误导"),
    ("業務員一早冇講過要等半年先可以賠", "销售误导"),  # Cantonese, Traditional script
    ("那个代理人就是个骗子，说好的稳赚不赔，保本还有收益，结果亏了一大截", "销售误导"),
    ("個經紀呃我阿媽買咗份唔啱佢嘅保險", "销售误导"),  # Cantonese 呃 = to cheat
    ("呃 就是那个 住院的钱到现在还没到账", None),  # …but a Mandarin 呃 is a filler, no sign of mis-selling
])
def test_type_is_suggested_from_everyday_wording(bot, text, kind):
    assert bot.get("/api/v1/complaints/suggest-type", params={"text": text}).json()["type"] == kind
