"""The web widget in a real browser, on the demo page the backend serves, talking to the real Rasa
server over socket.io: keyboard use, replies, quick replies, reload, dropped connection, phone size."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import ARTIFACTS, RASA_TOKEN

REPLY_TIMEOUT = 30_000  # ms: one Rasa turn on a busy 2-core machine, with custom actions



@pytest.fixture
def context(browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def demo(stack) -> str:
    """The demo page, its widget pointed at this run's Rasa server."""
    return f"{stack['api']}/demo/?server={quote(stack['rasa'], safe='')}"


def open_widget(page: Page) -> None:
    page.get_by_role("button", name="在线客服").click()
    expect(page.get_by_role("textbox", name="输入消息")).to_be_focused()
    expect(page.locator(".cs-root")).to_have_attribute("data-state", "online", timeout=REPLY_TIMEOUT)


def say(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="输入消息").fill(text)
    page.keyboard.press("Enter")


def bot_messages(page: Page):
    return page.locator(".cs-msg[data-from=bot]")


def tracker(stack, session_id: str) -> dict:
    r = httpx.get(f"{stack['rasa']}/conversations/{session_id}/tracker", params={"token": RASA_TOKEN}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def user_texts(tracker_json: dict) -> list[str]:
    return [e.get("text") for e in tracker_json["events"] if e["event"] == "user"]


def wait_until_bot_listens(page: Page, stack, turns: int) -> None:
    """Poll Rasa until it has taken `turns` customer messages and finished answering the last one,
    so that every reply of that turn has reached the page too (a turn can send several)."""
    session_id = page.evaluate("CSWidget.sessionId()")
    deadline = time.monotonic() + REPLY_TIMEOUT / 1000
    while time.monotonic() < deadline:
        state = tracker(stack, session_id)
        if len(user_texts(state)) == turns and state["latest_action_name"] == "action_listen":
            expect(bot_messages(page)).to_have_count(widget_messages(state))
            return
        time.sleep(0.3)
    pytest.fail(f"Rasa did not finish turn {turns} of {session_id}")


def widget_messages(tracker_json: dict) -> int:
    """How many bubbles the bot's utterances make: Rasa's socket.io output splits texts at blank lines."""
    texts = [(e.get("text") or "").strip() for e in tracker_json["events"] if e["event"] == "bot"]
    return sum(len(t.split("\n\n")) if t else 1 for t in texts)


def test_widget_opens_and_closes_by_keyboard_on_the_demo_page(context, demo):
    page = context.new_page()
    page.goto(demo)
    expect(page).to_have_title("安和保险 · 客户服务")
    launcher = page.get_by_role("button", name="在线客服")
    for _ in range(30):  # the launcher is in the page's tab order
        page.keyboard.press("Tab")
        if launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="在线客服")
    expect(dialog).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("textbox", name="输入消息")).to_be_focused()
    expect(page.get_by_role("log", name="对话记录")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()


def test_greeting_is_answered_with_typing_shown_meanwhile(context, demo, stack):
    page = context.new_page()
    page.goto(demo)
    open_widget(page)
    # Records whether the typing indicator came on at all; the reply may be quick.
    page.evaluate("""() => {
        const typing = document.querySelector('#cs-widget').shadowRoot.querySelector('.cs-typing');
        new MutationObserver(() => { if (typing.classList.contains('cs-on')) window.sawTyping = true; })
            .observe(typing, {attributes: true});
    }""")
    say(page, "你好")
    expect(page.locator(".cs-msg[data-from=user]")).to_have_text(["我说：你好"])
    expect(bot_messages(page).first).to_contain_text("您好", timeout=REPLY_TIMEOUT)
    assert page.evaluate("window.sawTyping === true")
    expect(page.locator(".cs-typing.cs-on")).to_have_count(0)
    session_id = page.evaluate("CSWidget.sessionId()")
    events = tracker(stack, session_id)
    assert user_texts(events) == ["你好"]
    assert events["latest_input_channel"] == "socketio"
    page.screenshot(path=ARTIFACTS / "widget-greeting.png")


def test_quick_reply_sends_its_payload_and_shows_its_title(context, demo, stack):
    page = context.new_page()
    page.goto(demo)
    open_widget(page)
    say(page, "我要预约")
    choices = page.get_by_role("group", name="快捷回复")
    expect(choices.get_by_role("button", name="柜面办理")).to_be_visible(timeout=REPLY_TIMEOUT)
    replies_before = bot_messages(page).count()
    page.screenshot(path=ARTIFACTS / "widget-quick-replies.png")
    choices.get_by_role("button", name="柜面办理").click()
    expect(page.locator(".cs-msg[data-from=user]").last).to_have_text("我说：柜面办理")
    expect(bot_messages(page)).not_to_have_count(replies_before, timeout=REPLY_TIMEOUT)
    session_id = page.evaluate("CSWidget.sessionId()")
    assert tracker(stack, session_id)["slots"]["service_type"] == "柜面办理"


def test_reload_keeps_the_transcript_and_continues_the_same_conversation(context, demo, stack):
    page = context.new_page()
    page.goto(demo)
    open_widget(page)
    say(page, "你好")
    wait_until_bot_listens(page, stack, turns=1)
    session_id = page.evaluate("CSWidget.sessionId()")
    transcript = page.locator(".cs-msg").all_text_contents()

    page.reload()
    expect(page.get_by_role("dialog", name="在线客服")).to_be_visible()  # it was open: it stays open
    expect(page.locator(".cs-msg")).to_have_text(transcript)
    expect(page.locator(".cs-root")).to_have_attribute("data-state", "online", timeout=REPLY_TIMEOUT)
    assert page.evaluate("CSWidget.sessionId()") == session_id
    say(page, "谢谢")
    wait_until_bot_listens(page, stack, turns=2)  # one conversation: the bot answered both turns
    assert user_texts(tracker(stack, session_id)) == ["你好", "谢谢"]


def test_offline_banner_while_disconnected_and_queued_message_sent_after_recovery(context, demo, stack):
    page = context.new_page()
    page.goto(demo)
    open_widget(page)
    context.set_offline(True)
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("网络连接已断开")
    say(page, "你好")  # typed while offline: kept, marked, sent later
    expect(page.locator(".cs-msg[data-from=user] .cs-pending")).to_have_text("待发送")
    expect(page.get_by_role("textbox", name="输入消息")).to_be_enabled()
    page.screenshot(path=ARTIFACTS / "widget-offline.png")

    context.set_offline(False)
    expect(banner).to_be_hidden(timeout=REPLY_TIMEOUT)
    expect(page.locator(".cs-pending")).to_have_count(0)
    expect(bot_messages(page).first).to_contain_text("您好", timeout=REPLY_TIMEOUT)
    assert user_texts(tracker(stack, page.evaluate("CSWidget.sessionId()"))) == ["你好"]


def test_phone_sized_screen_gets_a_full_screen_chat(browser, demo):
    phone = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True,
                                device_scale_factor=2, locale="zh-CN")
    try:
        page = phone.new_page()
        page.goto(demo)
        page.get_by_role("button", name="在线客服").tap()
        panel = page.get_by_role("dialog", name="在线客服")
        box = panel.bounding_box()
        assert box == {"x": 0, "y": 0, "width": 375, "height": 667}
        for control in (page.get_by_role("textbox", name="输入消息"), page.get_by_role("button", name="发送消息"),
                        page.get_by_role("button", name="关闭客服窗口")):
            expect(control).to_be_in_viewport(ratio=1)
            assert control.bounding_box()["height"] >= 44  # a finger-sized target
        say(page, "你好")
        expect(bot_messages(page).first).to_contain_text("您好", timeout=REPLY_TIMEOUT)
        page.screenshot(path=ARTIFACTS / "widget-phone.png")
        page.get_by_role("button", name="关闭客服窗口").tap()
        expect(page.get_by_role("button", name="在线客服")).to_be_visible()
    finally:
        phone.close()
