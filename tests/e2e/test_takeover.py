"""The whole human take-over, end to end in a real browser: a customer asks for a human (in the web
widget, and in WeChat against the fake WeChat servers); an agent logged into the console sees the chat,
takes it and replies; the reply reaches the customer on their own channel; the agent hands back; the
bot answers the customer's next message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, WECHAT_AES_KEY, WECHAT_TOKEN
from tests.e2e.test_console import POLL_TIMEOUT, log_in
from tests.e2e.test_wechat import WeChatChat
from tests.e2e.test_widget import REPLY_TIMEOUT, bot_messages, open_widget, say
from tests.fakes.wechat import WeChatCallbacks


@pytest.fixture
def agent(browser, stack) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log_in(page, stack["api"], "agent02", "agent02-demo")
    yield page
    context.close()


@pytest.fixture
def widget(browser, stack) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 420, "height": 800})
    page = context.new_page()
    page.goto(f"{stack['api']}/demo/?server={stack['rasa']}")
    open_widget(page)
    yield page
    context.close()


def take(agent: Page, conversation_id: str) -> None:
    row = agent.locator(f"#queue-body tr[data-conversation='{conversation_id}']")
    expect(row).to_be_visible(timeout=POLL_TIMEOUT)
    row.click()
    agent.get_by_role("button", name="接入会话").click()
    expect(agent.get_by_label("回复客户")).to_be_enabled()


def reply(agent: Page, text: str) -> None:
    agent.get_by_label("回复客户").fill(text)
    agent.keyboard.press("Enter")
    expect(agent.locator("#transcript li[data-sender=agent]", has_text=text)).to_be_visible()


def hand_back(agent: Page) -> None:
    agent.get_by_role("button", name="交还机器人").click()
    expect(agent.locator("#chat-meta")).to_contain_text("已交还机器人")


def test_web_widget_customer_is_served_by_an_agent_and_handed_back_to_the_bot(widget, agent):
    say(widget, "我要找人工客服")
    conversation = widget.evaluate("CSWidget.sessionId()")
    expect(bot_messages(widget).last).to_contain_text("人工", timeout=REPLY_TIMEOUT)

    take(agent, conversation)
    expect(bot_messages(widget).last).to_contain_text("已为您接入", timeout=REPLY_TIMEOUT)
    reply(agent, "您好，我是坐席李强，请问您遇到了什么问题？")
    expect(bot_messages(widget).last).to_contain_text("我是坐席李强", timeout=REPLY_TIMEOUT)

    say(widget, "我想问一下理赔款什么时候到账")  # while the agent holds the chat only the agent answers
    expect(agent.locator("#transcript li[data-sender=customer]", has_text="什么时候到账")).to_be_visible(
        timeout=POLL_TIMEOUT
    )
    expect(bot_messages(widget).last).to_contain_text("我是坐席李强")
    widget.screenshot(path=str(ARTIFACTS / "takeover-widget-agent.png"))
    agent.screenshot(path=str(ARTIFACTS / "takeover-console.png"))

    hand_back(agent)
    expect(bot_messages(widget).last).to_contain_text("智能助手继续为您服务", timeout=REPLY_TIMEOUT)
    say(widget, "犹豫期有多少天？")
    expect(bot_messages(widget).last).to_contain_text("犹豫期", timeout=REPLY_TIMEOUT)
    widget.screenshot(path=str(ARTIFACTS / "takeover-widget-bot-again.png"))


def test_wechat_customer_is_served_by_an_agent_and_handed_back_to_the_bot(stack, wechat_api, agent):
    callbacks = WeChatCallbacks(stack["rasa"] + "/webhooks/wechat/webhook", token=WECHAT_TOKEN,
                                app_id=wechat_api.app_id, encoding_aes_key=WECHAT_AES_KEY, api=wechat_api)
    chat = WeChatChat(callbacks.user(), wechat_api, stack["rasa"])
    try:
        assert "人工" in chat.say("转人工")
        sent = len(wechat_api.messages(chat.openid))
        take(agent, chat.openid)  # agent lines reach WeChat through its customer-service message API
        assert "已为您接入" in wechat_api.wait_for_messages(chat.openid, sent + 1, timeout=30)[-1]
        reply(agent, "您好，这里是人工客服，请讲。")
        assert "这里是人工客服" in wechat_api.wait_for_messages(chat.openid, sent + 2, timeout=30)[-1]
        agent.screenshot(path=str(ARTIFACTS / "takeover-console-wechat.png"))

        hand_back(agent)
        assert "智能助手继续为您服务" in wechat_api.wait_for_messages(chat.openid, sent + 3, timeout=30)[-1]
        assert "犹豫期" in chat.say("犹豫期有多少天？")  # the bot answers again, passively
    finally:
        chat.rasa.close()
        callbacks.close()
