"""Hand-overs from the bot to a human agent, agent hours and the pickup target."""

import threading
import uuid
from datetime import datetime

import pytest

from api.core import hours
from api.handovers.models import Handover
from api.handovers.service import bot_paused, pickup_status
from api.service_policy import load_policy
from api.sla.calendar import SHANGHAI, WorkCalendar
from tests.conftest import as_user

POLICY = load_policy()
CAL = WorkCalendar.from_policy(POLICY)


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def new_handover(client, **fields):
    body = {"conversation_id": f"conv-{uuid.uuid4().hex}", "channel": "web", "reason": "requested"} | fields
    r = client.post("/api/v1/handovers", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def run_together(*calls):
    """Run the calls in threads released at the same instant; results in call order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def worker(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def agent2(api_url, tokens):
    with as_user(api_url, tokens["agent02"]) as c:
        yield c


# --- agent hours (pure functions) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "available"),
    [
        (at(2026, 11, 23, 10), True),  # Monday
        (at(2026, 11, 23, 9), True),  # opening minute
        (at(2026, 11, 23, 8, 59), False),
        (at(2026, 11, 23, 18), False),  # end is exclusive
        (at(2026, 11, 28, 10), False),  # Saturday
        (at(2026, 10, 1, 10), False),  # National Day, a Thursday
        (at(2026, 2, 14, 10), True),  # 调休 Saturday before Spring Festival
    ],
)
def test_agents_work_business_hours_on_statutory_working_days(moment, available):
    assert hours.agents_available(moment, POLICY, CAL) is available


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (at(2026, 11, 23, 7, 30), at(2026, 11, 23, 9)),  # early morning: today
        (at(2026, 11, 23, 18), at(2026, 11, 24, 9)),  # after closing: tomorrow
        (at(2026, 11, 27, 19), at(2026, 11, 30, 9)),  # Friday night: Monday
        (at(2026, 9, 30, 20), at(2026, 10, 8, 9)),  # eve of the National Day week
        (at(2026, 2, 13, 19), at(2026, 2, 14, 9)),  # Friday night before a 调休 Saturday
        (at(2026, 2, 14, 18, 30), at(2026, 2, 24, 9)),  # into the Spring Festival holiday
    ],
)
def test_agent_hours_outside_hours_offers_next_opening(moment, opening):
    assert not hours.agents_available(moment, POLICY, CAL)
    assert hours.next_agent_opening(moment, POLICY, CAL) == opening


def test_next_agent_opening_is_now_while_agents_are_on_duty():
    now = at(2026, 11, 23, 10, 15)
    assert hours.next_agent_opening(now, POLICY, CAL) == now


def test_insurer_closing_days_from_the_policy_calendar_are_respected():
    closed_monday = WorkCalendar(extra_holidays=[at(2026, 11, 23).date()])
    assert not hours.agents_available(at(2026, 11, 23, 10), POLICY, closed_monday)
    assert hours.next_agent_opening(at(2026, 11, 23, 10), POLICY, closed_monday) == at(2026, 11, 24, 9)


def test_agent_hours_may_include_weekends_when_the_policy_says_so():
    agents = POLICY.service_hours.agents.model_copy(update={"working_days_only": False})
    every_day = POLICY.model_copy(update={"service_hours": POLICY.service_hours.model_copy(update={"agents": agents})})
    assert hours.agents_available(at(2026, 10, 3, 10), every_day, CAL)
    assert hours.next_agent_opening(at(2026, 10, 3, 20), every_day, CAL) == at(2026, 10, 4, 9)


def test_agent_hours_refuse_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        hours.next_agent_opening(datetime(2026, 11, 23, 10), POLICY, CAL)


def test_service_hours_description_names_the_next_opening():
    info = hours.describe(at(2026, 11, 28, 10), POLICY, CAL)
    assert info["self_service"] == "7x24" and info["agents_available_now"] is False
    assert info["agent_hours"] == {"start": "09:00", "end": "18:00", "working_days_only": True}
    assert info["next_agent_opening"] == "2026-11-30T09:00:00+08:00"


# --- pickup target (pure) ---------------------------------------------------------------------


def test_waiting_chat_is_flagged_after_the_pickup_target():
    chat = Handover(created_at=at(2026, 11, 23, 10), outside_agent_hours=False)
    assert pickup_status(chat, now=at(2026, 11, 23, 10, 2), policy=POLICY, calendar=CAL).state == "running"
    late = pickup_status(chat, now=at(2026, 11, 23, 10, 4), policy=POLICY, calendar=CAL)
    assert late.state == "breached" and late.due_at == at(2026, 11, 23, 10, 3)


def test_chat_taken_late_stays_marked_late():
    chat = Handover(created_at=at(2026, 11, 23, 10), taken_at=at(2026, 11, 23, 10, 5), outside_agent_hours=False)
    assert pickup_status(chat, now=at(2026, 11, 23, 12), policy=POLICY, calendar=CAL).state == "met_late"


def test_pickup_clock_for_an_out_of_hours_chat_starts_at_the_next_opening():
    chat = Handover(created_at=at(2026, 11, 28, 22), outside_agent_hours=True)  # Saturday night
    monday_early = pickup_status(chat, now=at(2026, 11, 30, 8, 30), policy=POLICY, calendar=CAL)
    assert monday_early.state == "running" and monday_early.due_at == at(2026, 11, 30, 9, 3)


@pytest.mark.parametrize(
    ("status", "outside_agent_hours", "paused"),
    [("waiting", False, False), ("waiting", True, False), ("active", True, True), ("active", False, True),
     ("closed", False, False)],
)
def test_bot_stays_silent_only_while_an_agent_holds_the_chat(status, outside_agent_hours, paused):
    assert bot_paused(Handover(status=status, outside_agent_hours=outside_agent_hours)) is paused


# --- creating ---------------------------------------------------------------------------------


def test_bot_handover_is_idempotent_per_conversation(bot, agent):
    conversation = f"conv-{uuid.uuid4().hex}"
    body = {
        "conversation_id": conversation,
        "channel": "wechat",
        "reason": "fallback",
        "summary": "客户询问理赔进度，机器人两次未理解",
        "customer_name": "张三",
        "case_numbers": ["lp2026110500123"],
        "transcript": [{"sender": "customer", "text": "我要转人工"}, {"sender": "bot", "text": "正在为您转接"}],
    }
    first = bot.post("/api/v1/handovers", json=body)
    again = bot.post("/api/v1/handovers", json=body)
    assert first.status_code == 201, first.text
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert first.json()["created"] is True and again.json()["created"] is False  # the bot words a repeat apart
    created = first.json()
    assert created["status"] == "waiting" and created["case_numbers"] == ["LP2026110500123"]
    detail = agent.get(f"/api/v1/handovers/{created['id']}").json()
    assert [m["text"] for m in detail["transcript"]] == ["我要转人工", "正在为您转接"]  # not appended twice
    assert [e["kind"] for e in detail["history"]] == ["created"]


def test_concurrent_handover_requests_for_one_conversation_create_one(api_url, tokens):
    body = {"conversation_id": f"conv-{uuid.uuid4().hex}", "channel": "web", "reason": "requested"}
    clients = [as_user(api_url, tokens["bot"]) for _ in range(5)]
    try:
        results = run_together(*[lambda c=c: c.post("/api/v1/handovers", json=body) for c in clients])
    finally:
        for c in clients:
            c.close()
    assert sorted(r.status_code for r in results) == [200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in results}) == 1


def test_handover_response_says_whether_an_agent_can_pick_up_now(bot):
    before = hours.agents_available(datetime.now(SHANGHAI), POLICY, CAL)
    created = new_handover(bot)
    after = hours.agents_available(datetime.now(SHANGHAI), POLICY, CAL)
    assert created["outside_agent_hours"] is (not created["agents_available"])
    assert (created["next_agent_opening"] is None) is created["agents_available"]
    if before == after:
        assert created["agents_available"] is before
    if not created["agents_available"]:
        opening = datetime.fromisoformat(created["next_agent_opening"])
        assert hours.agents_available(opening, POLICY, CAL)


def test_handover_request_is_validated_in_chinese(bot):
    r = bot.post("/api/v1/handovers", json={"conversation_id": "c-1", "channel": "web", "reason": "bored"})
    assert r.status_code == 422 and r.json()["detail"]["message"] == "请检查输入：原因取值不在允许范围内"
    r = bot.post(
        "/api/v1/handovers",
        json={"conversation_id": "c-1", "channel": "web", "reason": "other", "case_numbers": ["ABC123"]},
    )
    assert r.status_code == 422 and "格式不正确" in r.json()["detail"]["message"]


def test_transcript_is_stored_masked(bot, agent):
    created = new_handover(
        bot,
        summary="客户手机13812345678",
        transcript=[
            {"sender": "customer", "text": "我的手机13812345678，身份证110105199001011234"},
            {"sender": "customer", "text": "理赔案号LP2026110500123，卡号6222021234567890"},
        ],
    )
    assert created["summary"] == "客户手机138****5678"
    assert created["last_message"]["text"] == "理赔案号LP2026110500123，卡号6222********7890"
    agent.post(f"/api/v1/handovers/{created['id']}/take").raise_for_status()
    r = bot.post(
        f"/api/v1/handovers/{created['id']}/messages", json={"sender": "customer", "text": "再说一遍13912345678"}
    )
    assert r.status_code == 201 and r.json()["text"] == "再说一遍139****5678"
    texts = [m["text"] for m in agent.get(f"/api/v1/handovers/{created['id']}").json()["transcript"]]
    assert texts == [
        "我的手机138****5678，身份证110105********1234",
        "理赔案号LP2026110500123，卡号6222********7890",
        "再说一遍139****5678",
    ]


def test_bot_cannot_read_the_agents_queue(bot):
    assert bot.get("/api/v1/handovers").status_code == 403


# --- the queue --------------------------------------------------------------------------------


def test_queue_lists_waiting_chats_oldest_first_with_a_preview(bot, agent):
    older = new_handover(bot, transcript=[{"sender": "customer", "text": "第一位客户"}])
    newer = new_handover(bot, transcript=[{"sender": "customer", "text": "第二位客户" + "很长" * 100}])
    queue = agent.get("/api/v1/handovers", params={"status": "waiting"}).json()
    ids = [h["id"] for h in queue]
    assert ids.index(older["id"]) < ids.index(newer["id"])
    item = next(h for h in queue if h["id"] == newer["id"])
    assert item["waiting_seconds"] >= 0 and item["pickup_overdue"] is False
    assert item["last_message"]["sender"] == "customer"
    assert item["last_message"]["text"].startswith("第二位客户") and len(item["last_message"]["text"]) <= 80
    assert all(h["status"] == "waiting" for h in queue)


def test_queue_status_must_be_known(agent):
    r = agent.get("/api/v1/handovers", params={"status": "lost"})
    assert r.status_code == 422 and r.json()["detail"]["message"] == "请检查输入：状态取值不在允许范围内"


# --- taking -----------------------------------------------------------------------------------


def test_two_agents_cannot_take_the_same_chat(bot, agent, agent2):
    created = new_handover(bot)
    url = f"/api/v1/handovers/{created['id']}/take"
    first, second = run_together(lambda: agent.post(url), lambda: agent2.post(url))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner, loser = (first, second) if first.status_code == 200 else (second, first)
    assert winner.json()["status"] == "active" and winner.json()["agent"] in ("agent01", "agent02")
    assert "已被其他坐席接入" in loser.json()["detail"]["message"]
    history = agent.get(f"/api/v1/handovers/{created['id']}").json()["history"]
    assert [e["kind"] for e in history] == ["created", "taken"]


def test_taking_a_chat_twice_by_its_agent_is_harmless(bot, agent):
    created = new_handover(bot)
    agent.post(f"/api/v1/handovers/{created['id']}/take").raise_for_status()
    again = agent.post(f"/api/v1/handovers/{created['id']}/take")
    assert again.status_code == 200 and again.json()["agent"] == "agent01"


def test_taking_an_unknown_chat_is_not_found(agent):
    assert agent.post("/api/v1/handovers/999999999/take").status_code == 404


# --- the bot's view ---------------------------------------------------------------------------


def test_bot_sees_who_holds_the_conversation_and_new_agent_lines(bot, agent):
    created = new_handover(bot, transcript=[{"sender": "customer", "text": "你好"}])
    conv = created["conversation_id"]
    seen = bot.get(f"/api/v1/handovers/by-conversation/{conv}").json()
    assert seen["status"] == "waiting" and seen["agent"] is None
    assert seen["bot_paused"] is False  # queued: the bot still answers
    last_id = seen["transcript"][-1]["id"]
    agent.post(f"/api/v1/handovers/{created['id']}/take").raise_for_status()
    agent.post(f"/api/v1/handovers/{created['id']}/messages", json={"sender": "agent", "text": "您好，我是坐席"})
    seen = bot.get(f"/api/v1/handovers/by-conversation/{conv}", params={"after": last_id}).json()
    assert seen["status"] == "active" and seen["agent"] == "agent01" and seen["bot_paused"] is True
    assert [(m["sender"], m["text"]) for m in seen["transcript"]] == [("agent", "您好，我是坐席")]


def test_conversation_without_an_open_handover_is_not_found(bot):
    r = bot.get(f"/api/v1/handovers/by-conversation/conv-{uuid.uuid4().hex}")
    assert r.status_code == 404 and r.json()["detail"]["message"].startswith("该会话当前没有转人工")


# --- messages ---------------------------------------------------------------------------------


def test_agent_replies_only_as_agent_on_a_chat_they_hold(bot, agent, agent2):
    created = new_handover(bot)
    url = f"/api/v1/handovers/{created['id']}/messages"
    r = agent.post(url, json={"sender": "agent", "text": "您好"})
    assert r.status_code == 409 and r.json()["detail"]["message"] == "请先接入该会话再回复"
    agent.post(f"/api/v1/handovers/{created['id']}/take").raise_for_status()
    assert agent.post(url, json={"sender": "customer", "text": "冒充客户"}).status_code == 403
    r = agent2.post(url, json={"sender": "agent", "text": "我来抢答"})
    assert r.status_code == 403 and "agent01" in r.json()["detail"]["message"]
    assert agent.post(url, json={"sender": "agent", "text": "您好，请讲"}).status_code == 201


def test_bot_cannot_speak_as_an_agent(bot):
    created = new_handover(bot)
    r = bot.post(f"/api/v1/handovers/{created['id']}/messages", json={"sender": "agent", "text": "我是人工"})
    assert r.status_code == 403 and r.json()["detail"]["message"] == "机器人不能以坐席身份发送消息"


@pytest.mark.parametrize(("text", "reason"), [("   ", "内容太短"), ("长" * 2001, "内容太长")])
def test_empty_or_oversized_message_is_rejected_in_chinese(bot, text, reason):
    created = new_handover(bot)
    r = bot.post(f"/api/v1/handovers/{created['id']}/messages", json={"sender": "customer", "text": text})
    assert r.status_code == 422
    assert r.json()["detail"]["field"] == "text" and reason in r.json()["detail"]["message"]


def test_a_message_of_exactly_2000_characters_is_accepted(bot):
    created = new_handover(bot)
    r = bot.post(f"/api/v1/handovers/{created['id']}/messages", json={"sender": "customer", "text": "长" * 2000})
    assert r.status_code == 201


# --- releasing and closing --------------------------------------------------------------------


def test_release_hands_the_chat_back(bot, agent):
    created = new_handover(bot)
    agent.post(f"/api/v1/handovers/{created['id']}/take").raise_for_status()
    r = agent.post(f"/api/v1/handovers/{created['id']}/release")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["outcome"] == "handed_back" and r.json()["closed_at"]
    assert bot.get(f"/api/v1/handovers/by-conversation/{created['conversation_id']}").status_code == 404
    history = agent.get(f"/api/v1/handovers/{created['id']}").json()["history"]
    assert [(e["kind"], e["from_state"], e["to_state"]) for e in history] == [
        ("created", None, "waiting"),
        ("taken", "waiting", "active"),
        ("released", "active", "closed"),
    ]
    again = bot.post(
        "/api/v1/handovers",
        json={"conversation_id": created["conversation_id"], "channel": "web", "reason": "requested"},
    )
    assert again.status_code == 201 and again.json()["id"] != created["id"]


def test_only_the_holding_agent_or_a_supervisor_may_release(bot, agent, agent2, supervisor):
    created = new_handover(bot)
    agent.post(f"/api/v1/handovers/{created['id']}/take").raise_for_status()
    r = agent2.post(f"/api/v1/handovers/{created['id']}/release")
    assert r.status_code == 403 and "agent01" in r.json()["detail"]["message"]
    r = supervisor.post(f"/api/v1/handovers/{created['id']}/release")
    assert r.status_code == 200 and r.json()["outcome"] == "handed_back"


def test_closed_chat_refuses_further_changes_saying_why(bot, agent):
    created = new_handover(bot)
    hid = created["id"]
    agent.post(f"/api/v1/handovers/{hid}/take").raise_for_status()
    r = agent.post(f"/api/v1/handovers/{hid}/close", json={"outcome": "resolved", "note": "已解答"})
    assert r.status_code == 200 and r.json()["outcome"] == "resolved"
    for call in (
        lambda: agent.post(f"/api/v1/handovers/{hid}/take"),
        lambda: agent.post(f"/api/v1/handovers/{hid}/release"),
        lambda: agent.post(f"/api/v1/handovers/{hid}/close", json={"outcome": "resolved"}),
        lambda: bot.post(f"/api/v1/handovers/{hid}/messages", json={"sender": "customer", "text": "还在吗"}),
    ):
        r = call()
        assert r.status_code == 409 and r.json()["detail"]["message"].startswith("会话已结束（已解决）")


def test_bot_may_close_a_waiting_chat_but_not_one_an_agent_holds(bot, agent):
    waiting = new_handover(bot)
    r = bot.post(f"/api/v1/handovers/{waiting['id']}/close", json={"outcome": "abandoned"})
    assert r.status_code == 200 and r.json()["outcome"] == "abandoned"
    held = new_handover(bot)
    agent.post(f"/api/v1/handovers/{held['id']}/take").raise_for_status()
    r = bot.post(f"/api/v1/handovers/{held['id']}/close", json={"outcome": "abandoned"})
    assert r.status_code == 409 and r.json()["detail"]["message"] == "坐席正在接待该会话，机器人不能结束"


def test_close_outcome_must_be_known(bot, agent):
    created = new_handover(bot)
    r = agent.post(f"/api/v1/handovers/{created['id']}/close", json={"outcome": "forgotten"})
    assert r.status_code == 422


def test_close_without_a_body_means_resolved(bot, agent):
    created = new_handover(bot)
    agent.post(f"/api/v1/handovers/{created['id']}/take").raise_for_status()
    assert agent.post(f"/api/v1/handovers/{created['id']}/close").json()["outcome"] == "resolved"


# --- public service hours ---------------------------------------------------------------------


def test_service_hours_are_public(http):
    r = http.get("/api/v1/service-hours")
    assert r.status_code == 200
    info = r.json()
    assert info["self_service"] == "7x24"
    assert info["agent_hours"] == {"start": "09:00", "end": "18:00", "working_days_only": True}
    assert (info["next_agent_opening"] is None) is info["agents_available_now"]
