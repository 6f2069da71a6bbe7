"""Agent take-over through the Rasa bridge: what the customer's conversation receives when an agent
takes, replies, hands back or closes, and how the customer's words reach the console.

The backend under test talks to tests/rasa_double.py, which speaks Rasa's tracker-events API;
tests/e2e/test_console.py runs the same round trip against the real Rasa server.
"""

import uuid

import pytest

from tests.conftest import as_user, make_claim, make_complaint
from tests.rasa_double import shared_fake_rasa
from tests.test_handovers import run_together

rasa = shared_fake_rasa()


@pytest.fixture
def agent2(api_url, tokens):
    with as_user(api_url, tokens["agent02"]) as c:
        yield c


def open_chat(bot, channel="socketio", **fields):
    body = {"conversation_id": f"conv-{uuid.uuid4().hex}", "channel": channel, "reason": "requested"} | fields
    r = bot.post("/api/v1/handovers", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def held_chat(bot, agent, **fields):
    chat = open_chat(bot, **fields)
    agent.post(f"/api/v1/handovers/{chat['id']}/take").raise_for_status()
    return chat


def sent_lines(conversation_id):
    """Bot lines appended to the conversation, with the channel they were sent on."""
    return [
        (e["text"], q.get("output_channel"), q.get("execute_side_effects"))
        for e, q in rasa.appended(conversation_id)
        if e["event"] == "bot"
    ]


def control_events(conversation_id):
    return [e["event"] for e, _ in rasa.appended(conversation_id) if e["event"] in ("pause", "resume")]


def sync(client, chat, after=0):
    r = client.post(f"/api/v1/handovers/{chat['id']}/sync", params={"after": after})
    assert r.status_code == 200, r.text
    return r.json()


def transcript(client, chat):
    return [(m["sender"], m["text"]) for m in client.get(f"/api/v1/handovers/{chat['id']}").json()["transcript"]]


# --- taking -----------------------------------------------------------------------------------


def test_taking_a_chat_pauses_the_bot_and_greets_the_customer_on_their_channel(bot, agent):
    chat = held_chat(bot, agent, channel="socketio")
    conv = chat["conversation_id"]
    assert control_events(conv) == ["pause"]
    assert rasa.conversation(conv).paused
    [(text, channel, side_effects)] = sent_lines(conv)
    assert text == "人工客服（工号 K1001）已为您接入，请问有什么可以帮您？"
    assert (channel, side_effects) == ("socketio", "true")


def test_second_agent_gets_409_and_the_customer_is_greeted_once(bot, agent, agent2):
    chat = open_chat(bot)
    url = f"/api/v1/handovers/{chat['id']}/take"
    first, second = run_together(lambda: agent.post(url), lambda: agent2.post(url))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = first if first.status_code == 409 else second
    assert "该会话已被其他坐席接入" in loser.json()["detail"]["message"]
    assert len(sent_lines(chat["conversation_id"])) == 1


def test_take_while_rasa_is_unreachable_leaves_the_chat_waiting(bot, agent):
    chat = open_chat(bot)
    rasa.set_unreachable(chat["conversation_id"])
    r = agent.post(f"/api/v1/handovers/{chat['id']}/take")
    assert r.status_code == 503
    detail = r.json()["detail"]
    assert detail["code"] == "rasa_unavailable" and "智能客服服务" in detail["message"] and detail["message_en"]
    assert agent.get(f"/api/v1/handovers/{chat['id']}").json()["status"] == "waiting"
    rasa.set_unreachable(chat["conversation_id"], False)
    assert agent.post(f"/api/v1/handovers/{chat['id']}/take").json()["status"] == "active"


# --- replying ---------------------------------------------------------------------------------


def test_agent_reply_reaches_the_customer_as_typed_and_is_kept_masked(bot, agent):
    chat = held_chat(bot, agent, channel="wechat")
    url = f"/api/v1/handovers/{chat['id']}/messages"
    r = agent.post(url, json={"sender": "agent", "text": "已为您登记回访号码13812345678"})
    assert r.status_code == 201 and r.json()["text"] == "已为您登记回访号码138****5678"
    assert sent_lines(chat["conversation_id"])[-1] == ("已为您登记回访号码13812345678", "wechat", "true")


def test_reply_while_rasa_is_unreachable_is_refused_and_nothing_is_stored(bot, agent):
    chat = held_chat(bot, agent)
    before = transcript(agent, chat)
    rasa.set_unreachable(chat["conversation_id"])
    r = agent.post(f"/api/v1/handovers/{chat['id']}/messages", json={"sender": "agent", "text": "请稍等"})
    assert r.status_code == 503 and r.json()["detail"]["message"].startswith("暂时无法连接智能客服服务")
    assert transcript(agent, chat) == before
    rasa.set_unreachable(chat["conversation_id"], False)
    r = agent.post(f"/api/v1/handovers/{chat['id']}/messages", json={"sender": "agent", "text": "请稍等"})
    assert r.status_code == 201
    assert transcript(agent, chat) == before + [("agent", "请稍等")]


def test_only_the_holding_agent_or_a_supervisor_may_reply(bot, agent, agent2, supervisor):
    chat = held_chat(bot, agent)
    url = f"/api/v1/handovers/{chat['id']}/messages"
    greeted = len(sent_lines(chat["conversation_id"]))
    r = agent2.post(url, json={"sender": "agent", "text": "我来回答"})
    assert r.status_code == 403 and "agent01" in r.json()["detail"]["message"]
    assert len(sent_lines(chat["conversation_id"])) == greeted  # nothing reached the customer
    assert supervisor.post(url, json={"sender": "agent", "text": "主管补充说明"}).status_code == 201


# --- the customer's words while held ----------------------------------------------------------


def test_customer_messages_while_held_reach_the_console_once_masked_without_a_bot_answer(bot, agent):
    chat = held_chat(bot, agent, transcript=[{"sender": "customer", "text": "转人工"}])
    conv = chat["conversation_id"]
    known = sync(agent, chat)["transcript"][-1]["id"]
    rasa.customer_says(conv, "我的身份证是110105199001011234")
    agent.post(f"/api/v1/handovers/{chat['id']}/messages", json={"sender": "agent", "text": "收到"})
    rasa.customer_says(conv, "谢谢")
    first, second = run_together(lambda: sync(agent, chat, known), lambda: sync(agent, chat, known))
    lines = max(first, second, key=lambda u: len(u["transcript"]))["transcript"]
    assert [(m["sender"], m["text"]) for m in lines] == [
        ("customer", "我的身份证是110105********1234"),
        ("agent", "收到"),
        ("customer", "谢谢"),
    ]
    assert sync(agent, chat, lines[-1]["id"])["transcript"] == []
    assert transcript(agent, chat).count(("customer", "谢谢")) == 1
    assert not [e for e in rasa.conversation(conv).events if e.get("text") == "（机器人自动回复）"]


def test_only_what_was_said_after_the_hand_over_is_copied(bot, agent):
    conv = f"conv-{uuid.uuid4().hex}"
    rasa.customer_says(conv, "我要转人工")  # already in the bot's transcript of the hand-over
    chat = open_chat(bot, conversation_id=conv, transcript=[{"sender": "customer", "text": "我要转人工"}])
    rasa.customer_says(conv, "有人吗")  # still waiting: the bot answers, the agent sees both
    update = sync(agent, chat)
    assert [(m["sender"], m["text"]) for m in update["transcript"]] == [
        ("customer", "我要转人工"),
        ("customer", "有人吗"),
        ("bot", "（机器人自动回复）"),
    ]
    assert update["handover"]["status"] == "waiting" and update["notice"] is None


def test_console_keeps_working_with_stored_lines_when_rasa_cannot_be_read(bot, agent):
    chat = held_chat(bot, agent, transcript=[{"sender": "customer", "text": "你好"}])
    rasa.set_unreachable(chat["conversation_id"])
    update = sync(agent, chat)
    assert update["notice"] and "聊天记录可能不是最新的" in update["notice"]
    assert [m["text"] for m in update["transcript"]] == ["你好"]
    assert update["handover"]["status"] == "active"


# --- handing back and closing -----------------------------------------------------------------


def test_hand_back_keeps_the_last_words_then_resumes_the_bot_with_a_goodbye(bot, agent):
    chat = held_chat(bot, agent)
    conv = chat["conversation_id"]
    rasa.customer_says(conv, "好的，我明白了")
    r = agent.post(f"/api/v1/handovers/{chat['id']}/release")
    assert r.status_code == 200 and r.json()["outcome"] == "handed_back"
    assert control_events(conv) == ["pause", "resume"] and not rasa.conversation(conv).paused
    # the bot listens again: the customer's next line is a new turn, not one more line after the hand-over
    assert rasa.appended(conv)[-1][0] == {"event": "action", "name": "action_listen"}
    assert sent_lines(conv)[-1] == ("人工客服已结束本次服务，接下来由智能助手继续为您服务。", "socketio", "true")
    assert transcript(agent, chat)[-1] == ("customer", "好的，我明白了")
    rasa.customer_says(conv, "还有一个问题")
    assert rasa.conversation(conv).events[-1]["text"] == "（机器人自动回复）"  # the bot answers again


def test_hand_back_while_rasa_is_unreachable_keeps_the_agent_on_the_chat(bot, agent):
    chat = held_chat(bot, agent)
    rasa.set_unreachable(chat["conversation_id"])
    assert agent.post(f"/api/v1/handovers/{chat['id']}/release").status_code == 503
    assert agent.get(f"/api/v1/handovers/{chat['id']}").json()["status"] == "active"


def test_closing_resumes_the_bot_with_a_closing_line(bot, agent):
    chat = held_chat(bot, agent)
    r = agent.post(f"/api/v1/handovers/{chat['id']}/close", json={"outcome": "resolved"})
    assert r.status_code == 200 and r.json()["outcome"] == "resolved"
    conv = chat["conversation_id"]
    assert control_events(conv) == ["pause", "resume"]
    assert sent_lines(conv)[-1][0].startswith("本次人工服务已结束")
    closed = agent.get(f"/api/v1/handovers/{chat['id']}").json()["history"][-1]
    assert closed["kind"] == "closed"


def test_bot_closing_a_waiting_chat_does_not_call_back_into_rasa(bot):
    chat = open_chat(bot)
    assert bot.post(f"/api/v1/handovers/{chat['id']}/close", json={"outcome": "abandoned"}).status_code == 200
    assert rasa.calls_for(chat["conversation_id"]) == []


# --- the customer's cases ---------------------------------------------------------------------


def test_cases_beside_the_chat_show_state_and_sla_targets(bot, agent, admin):
    claim = make_claim(admin)
    chat = open_chat(bot, case_numbers=[claim["number"], "LP2099010100001"])
    complaint = make_complaint(bot, conversation_id=chat["conversation_id"])
    r = agent.get(f"/api/v1/handovers/{chat['id']}/cases")
    assert r.status_code == 200, r.text
    cards = {c["number"]: c for c in r.json()}
    assert cards[claim["number"]]["case_type"] == "claim" and cards[claim["number"]]["state"] == "受理中"
    assert {t["state"] for t in cards[claim["number"]]["sla"]} <= {"running", "warning", "breached", "met", "paused"}
    assert all(t["due_at"] for t in cards[claim["number"]]["sla"])
    assert cards[complaint["number"]]["case_type"] == "complaint" and cards[complaint["number"]]["sla"]
    assert cards["LP2099010100001"]["found"] is False
