"""The agent console in a real browser against the real Rasa server: a REST customer asks for a
human, an agent takes the chat in the console and replies; while the agent holds it the bot stays
silent and the customer's words appear in the console; handed back, the bot answers again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS

POLL_TIMEOUT = 15_000  # ms: the console polls an open chat every 2 s; a busy 2-core machine is slow



@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def log_in(page: Page, api_url: str, username: str, password: str) -> None:
    page.goto(api_url + "/console/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="等待与接待中的会话")).to_be_visible()


def events_after(tracker: dict, text: str) -> list[dict]:
    """The tracker's events after the customer's last message with this text."""
    events = tracker["events"]
    last = max(i for i, e in enumerate(events) if e["event"] == "user" and e.get("text") == text)
    return events[last + 1:]


def test_agent_takes_over_replies_and_hands_back_while_the_bot_stays_silent(stack, customer, page):
    customer.say("转人工")
    log_in(page, stack["api"], "agent01", "agent01-demo")

    row = page.locator(f"#queue-body tr[data-conversation='{customer.id}']")
    expect(row).to_contain_text("客户要求转人工", timeout=POLL_TIMEOUT)
    row.click()
    expect(page.locator("#transcript li[data-sender=customer]").first).to_contain_text("转人工")

    page.get_by_role("button", name="接入会话").click()
    expect(page.get_by_label("回复客户")).to_be_enabled()
    assert customer.tracker()["paused"] is True  # taken: the bot must not answer any more

    reply = "您好，我是人工客服，请问有什么可以帮您？"
    page.get_by_label("回复客户").fill(reply)
    page.keyboard.press("Enter")
    expect(page.locator("#transcript li[data-sender=agent]", has_text=reply)).to_be_visible()
    expect(page.get_by_label("回复客户")).to_have_value("")
    assert any(e["event"] == "bot" and e.get("text") == reply for e in customer.tracker()["events"])

    question = "我的理赔什么时候到账？回访电话13812345678"
    assert customer.say(question) == []  # no bot answer while the agent holds the chat
    assert not [e for e in events_after(customer.tracker(), question) if e["event"] == "bot"]
    expect(page.locator("#transcript li[data-sender=customer]", has_text="回访电话138****5678")).to_be_visible(
        timeout=POLL_TIMEOUT
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "console-chat.png"))

    page.get_by_role("button", name="交还机器人").click()
    expect(page.locator("#chat-meta")).to_contain_text("已交还机器人")
    tracker = customer.tracker()
    assert tracker["paused"] is False
    assert any(e["event"] == "bot" and "智能助手继续为您服务" in (e.get("text") or "") for e in tracker["events"])
    assert customer.say("你好"), "handed back, the bot answers again"
    page.screenshot(path=str(ARTIFACTS / "console-handed-back.png"))


def test_supervisor_sees_kpis_and_cases_needing_attention(stack, page):
    log_in(page, stack["api"], "super01", "super01-demo")
    page.get_by_role("button", name="主管视图").click()
    expect(page.locator("#kpis dt").first).to_have_text("SLA 达成率")
    expect(page.locator("#escalations-body tr").first).to_be_visible()  # the demo data has overdue cases
    page.screenshot(path=str(ARTIFACTS / "console-supervisor.png"), full_page=True)
