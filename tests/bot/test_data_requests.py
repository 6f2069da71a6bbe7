"""Personal-data requests (RULES §7) from chat: which messages start one, and what the backend records."""

from __future__ import annotations

import httpx
import pytest
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.claims import ActionClaimProgress
from actions.common.verification import data_request_meant
from actions.complaints import ActionComplaintProgress, ValidateComplaintProgressForm
from actions.data_requests import (
    ActionDataRequestProgress,
    ActionSubmitDataRequest,
    ValidateDataRequestForm,
    ValidateDataRequestProgressForm,
    data_request_asked,
    data_request_started,
)
from actions.routing import ActionAnswerFaq
from tests.bot.test_actions import DOMAIN, POLICY, backend, bearer, monkeypatch_module, run, tracker  # noqa: F401 (fixtures)


def about_privacy(text: str, sure: float = 0.8, intent: str = "faq"):
    t = tracker(text=text, intent=intent)
    t.latest_message["response_selector"] = {"faq": {"response": {
        "intent_response_key": "faq/privacy", "utter_action": "utter_faq/privacy", "confidence": sure}}}
    return t


@pytest.mark.parametrize(("text", "kind"), [
    ("我要求你们把我的个人信息全部删掉", "删除"),
    ("麻烦注销我在你们这的资料", "删除"),
    ("你们存了我哪些信息 导一份给我", "查询"),
    ("把我登记的身份证号给我核对一下", "查询"),
    ("我的個人資料登記錯了 要更正", "更正"),
    ("啊？保单我还要用的。那先不删了，就帮我申请查一下你们存了哪些信息", "查询"),  # set 15: was a deletion
    ("听说可以查你们存了自己哪些个人信息，不用的还能让删掉，是真的吗？我想查一下", "查询"),  # set 17: was a deletion
])
def test_a_request_about_ones_own_data_is_recognised_with_its_kind(text, kind):
    assert data_request_asked(about_privacy(text)) == kind


@pytest.mark.parametrize("text", [
    "我的个人信息安全吗",             # a question about safety, not a request
    "帮我查查我登记的个人信息对不对",  # 对不对 is no correction … but 查查 asks to see it
    "把我的预约信息删掉",             # a booking, not personal data
    "帮我把我老公的个人信息删了",      # someone else's data needs that person
    "你们会把我的信息提供给别人吗",    # how data is shared: the privacy answer
    "你们公司内部谁能查看我的病历",    # set 12: who may see it
    "假如以后我想让你们把我的个人信息删了 大概是个什么流程",  # set 12: how it would go, one day
    "另外想问一下，贵司和我的聊天记录会保存多久？这个不用删，只是问问。",  # set 13: a second request was filed
])
def test_questions_bookings_and_other_peoples_data_start_no_request_of_the_customers_own(text):
    t = tracker(text=text, intent="cancel_appointment" if "预约" in text else "faq")
    kind = data_request_asked(t if "预约" in text else about_privacy(text))
    assert kind == ("查询" if "查查" in text else None)


def test_the_request_starts_its_form_with_the_kind_and_the_customers_words():
    dispatcher = CollectingDispatcher()
    text = "我要求你们把我的个人信息全部删掉"
    events = run(ActionAnswerFaq().run(dispatcher, about_privacy(text), DOMAIN))
    assert events == [SlotSet("data_request_kind", "删除"), SlotSet("data_request_details", text),
                      FollowupAction("data_request_form")]
    assert "删除" in dispatcher.messages[0]["text"] and "核实身份" in dispatcher.messages[0]["text"]
    # …but not in the middle of another task
    busy = about_privacy(text)
    busy.active_loop = {"name": "complaint_form"}
    assert run(data_request_started(CollectingDispatcher(), busy)) is None


@pytest.mark.parametrize("text", [
    "可以。另外刚才发的身份证和卡号 你们能删掉吗 有点后怕",  # set 15
    "我上面打的银行卡号码麻烦帮我删了",
    "聊天里的身份证号可以删掉吗",
])
def test_numbers_typed_in_the_chat_asked_to_be_deleted_get_how_they_are_kept_and_the_way_to_erase_them(backend, text):  # noqa: F811
    dispatcher = CollectingDispatcher()
    assert run(ActionAnswerFaq().run(dispatcher, about_privacy(text, sure=0.4), DOMAIN)) == []  # no form started yet
    [answer] = dispatcher.messages
    assert "自动隐去" in answer["text"] and "删除申请" in answer["text"] and "已删除" not in answer["text"]
    days = POLICY["sla"]["data_request"]["resolution"]["working_days"]
    assert f"{days}个工作日" in answer["text"]
    offered = answer["buttons"][0]["payload"]  # the offer, taken, is an ordinary deletion request
    assert data_request_asked(about_privacy(offered, sure=0.1)) == "删除"


def test_the_whole_record_asked_to_be_deleted_is_a_request_not_the_typed_numbers_answer(backend):  # noqa: F811
    events = run(ActionAnswerFaq().run(CollectingDispatcher(), about_privacy("把我的个人信息全部删掉"), DOMAIN))
    assert FollowupAction("data_request_form") in events


def test_the_kind_question_takes_a_kind_said_in_words():
    t = tracker({"requested_slot": "data_request_kind"}, text="删掉吧", form="data_request_form")
    form = ValidateDataRequestForm()
    assert run(form.extract_data_request_kind(CollectingDispatcher(), t, DOMAIN)) == {"data_request_kind": "删除"}
    dispatcher = CollectingDispatcher()
    out = run(form.validate_data_request_kind("注销", dispatcher, t, DOMAIN))
    assert out["data_request_kind"] is None and "删除" in dispatcher.messages[0]["text"]


def test_a_confirmed_request_is_registered_with_its_number_and_deadline(backend):  # noqa: F811
    slots = {"data_request_kind": "删除", "data_request_details": "把我的个人信息全部删掉", "person_name": "刘芳",
             "phone": "13600136004", "data_request_confirmed": True}
    dispatcher, t = CollectingDispatcher(), tracker(slots, text="确认", intent="affirm")
    events = run(ActionSubmitDataRequest().run(dispatcher, t, DOMAIN))
    number = next(e["value"] for e in events if e["name"] == "data_request_number")
    said = dispatcher.messages[0]["text"]
    assert number.startswith("GR") and number in said and "工作日内答复" in said and "最迟" in said
    stored = httpx.get(f"{backend}/api/v1/data-requests/{number}", headers=bearer(backend, "agent01", "agent01-demo"),
                       timeout=10).json()
    assert stored["kind"] == "删除" and stored["conversation_id"] == t.sender_id
    # not confirmed: nothing registered
    dispatcher = CollectingDispatcher()
    events = run(ActionSubmitDataRequest().run(dispatcher, tracker(slots | {"data_request_confirmed": False}), DOMAIN))
    assert not any(e["name"] == "data_request_number" for e in events) and "没有提交" in dispatcher.messages[0]["text"]


def test_a_case_number_and_its_digits_given_for_the_name_prove_who_asks(backend):  # noqa: F811
    """Set 12: "P2026000000102 手机后四位9002" to the name question was "not found"; the customer proved who she is
    the way a claim look-up does, and the records' name and mobile are the request's contact."""
    text = "P2026000000102 手机后四位9002"
    entities = [{"entity": "policy_number", "value": "P2026000000102", "start": 0, "end": 14}]
    t = tracker({"requested_slot": "person_name", "data_request_kind": "查询"}, text=text, entities=entities,
                form="data_request_form")
    out = run(ValidateDataRequestForm().extract_person_name(CollectingDispatcher(), t, DOMAIN))
    assert out["person_name"] == "林美华" and out["phone"] == "13900139002" and out["verification_token"]
    wrong = tracker({"requested_slot": "person_name"}, text="P2026000000102 手机后四位9003", entities=entities,
                    form="data_request_form")
    dispatcher = CollectingDispatcher()
    assert run(ValidateDataRequestForm().extract_person_name(dispatcher, wrong, DOMAIN)) == {}
    assert "验证信息不匹配" in dispatcher.messages[0]["text"]


def gr(number: str, text: str) -> list[dict]:
    start = text.index(number)
    return [{"entity": "data_request_number", "value": number, "start": start, "end": start + len(number)}]


def test_asking_how_a_request_stands_looks_it_up_and_files_no_new_one():
    """"我那个删除个人信息的申请 GR… 办到哪了" names a deletion, yet asks how the request filed stands."""
    text = "我那个删除个人信息的申请 GR20261130-0002 办到哪了"
    t = about_privacy(text)
    t.latest_message["entities"] = gr("GR20261130-0002", text)
    assert data_request_asked(t) is None
    assert run(data_request_started(CollectingDispatcher(), t)) == [FollowupAction("data_request_progress_form")]
    # the request filed in this chat, asked about in words
    later = about_privacy("刚才那个申请 查一下进度")
    later.slots["data_request_number"] = "GR20261207-0001"
    assert run(data_request_started(CollectingDispatcher(), later)) == [FollowupAction("data_request_progress_form")]
    # one made before, asked after without its number: the look-up asks for it
    before = about_privacy("我上周申请删除个人信息 现在办得怎么样了")
    assert data_request_asked(before) is None
    assert run(data_request_started(CollectingDispatcher(), before)) == [FollowupAction("data_request_progress_form")]
    # …but a complaint asked about is the complaint's look-up
    complaint = tracker({"data_request_number": "GR20261207-0001"}, text="刚才那个投诉申请 查下进度")
    assert not data_request_meant(complaint)


def test_a_claim_or_complaint_look_up_gives_way_to_the_request_named():
    """Read as a complaint look-up ("GR… 处理得怎么样了"), the form asks nothing; the progress action hands on."""
    text = "GR20261130-0002 处理得怎么样了"
    t = tracker(text=text, intent="check_complaint_progress", entities=gr("GR20261130-0002", text),
                form="complaint_progress_form")
    events = run(ValidateComplaintProgressForm().run(CollectingDispatcher(), t, DOMAIN))
    assert events == [SlotSet("requested_slot", None)]
    for action in (ActionComplaintProgress(), ActionClaimProgress()):
        dispatcher = CollectingDispatcher()
        events = run(action.run(dispatcher, tracker(text=text, entities=gr("GR20261130-0002", text)), DOMAIN))
        assert FollowupAction("data_request_progress_form") in events and not dispatcher.messages


def filed() -> tuple[str, list[dict]]:
    """A deletion request of 刘芳's registered through the action (the tests using it start the backend)."""
    slots = {"data_request_kind": "删除", "data_request_details": "把我的个人信息全部删掉", "person_name": "刘芳",
             "phone": "13600136004", "data_request_confirmed": True}
    t = tracker(slots, text="确认", intent="affirm")
    events = run(ActionSubmitDataRequest().run(CollectingDispatcher(), t, DOMAIN))
    number = next(e["value"] for e in events if e["name"] == "data_request_number")
    return number, [{"event": "action", "name": "action_submit_data_request"}, *events]


def test_the_request_filed_in_this_chat_is_told_without_asking_the_digits_again(backend):  # noqa: F811
    """Set 13: "刚才那个申请编号 查一下进度" — the mobile the request was filed with proves it."""
    number, history = filed()
    t = tracker({"data_request_number": number, "phone": "13600136004"}, text="刚才那个申请 查一下进度",
                form="data_request_progress_form")
    t.events = history
    out = run(ValidateDataRequestProgressForm().validate_data_request_number(number, CollectingDispatcher(), t, DOMAIN))
    assert out["id_last4"] == "6004" and out["verification_token"] and out["verified_case"] == number
    dispatcher = CollectingDispatcher()
    told = tracker({"data_request_number": number, "verification_token": out["verification_token"]}, text="")
    run(ActionDataRequestProgress().run(dispatcher, told, DOMAIN))
    said = dispatcher.messages[0]["text"]
    assert number in said and "删除" in said and "【受理】" in said and "前给您答复" in said


def test_a_request_named_in_another_chat_needs_the_digits_of_its_mobile(backend):  # noqa: F811
    number, _ = filed()
    form = ValidateDataRequestProgressForm()
    t = tracker({"phone": "13600136004"}, text=number, form="data_request_progress_form")
    assert run(form.validate_data_request_number(number, CollectingDispatcher(), t, DOMAIN))["id_last4"] is None
    asking = tracker({"data_request_number": number, "requested_slot": "id_last4"}, text="6005",
                     form="data_request_progress_form")
    dispatcher = CollectingDispatcher()
    assert run(form.validate_id_last4("6005", dispatcher, asking, DOMAIN))["id_last4"] is None
    assert "验证信息不匹配" in dispatcher.messages[0]["text"]
    right = tracker({"data_request_number": number, "requested_slot": "id_last4"}, text="6004",
                    form="data_request_progress_form")
    out = run(form.validate_id_last4("6004", CollectingDispatcher(), right, DOMAIN))
    assert out["id_last4"] == "6004" and out["verified_case"] == number
    dispatcher = CollectingDispatcher()
    assert run(form.validate_data_request_number("GR2026-12", dispatcher, t, DOMAIN))["data_request_number"] is None
    assert "GR" in dispatcher.messages[0]["text"]


def test_ones_own_contact_number_to_be_put_right_is_a_correction_request():
    """Set 13: "本人已更换手机号码，烦请将联系电话更正为139…" (inform) went to a claim look-up."""
    text = "本人林美华，保单P2026000000103，身份证后四位5678。本人已更换手机号码，烦请将联系电话更正为13911117777。"
    assert data_request_asked(tracker(text=text)) == "更正"
    assert data_request_asked(tracker(text="把我爸的联系电话更正一下")) is None  # someone else's: only they may


def test_a_proof_in_the_request_itself_makes_the_records_the_contact(backend):  # noqa: F811
    """Set 13: "本人陈晓明，保单号P2026000000101，身份证号后四位1234。…烦请贵司提供…副本" — the name and mobile on
    record are the contact, and the 1234 proving it does not become the tail of his mobile."""
    text = "本人陈晓明，保单号P2026000000101，身份证号后四位1234。烦请贵司提供所存本人全部个人信息的副本"
    start = text.index("P2026000000101")
    entities = [{"entity": "policy_number", "value": "P2026000000101", "start": start, "end": start + 14}]
    t = tracker({"data_request_kind": "查询"}, text=text, entities=entities, form="data_request_form")
    form = ValidateDataRequestForm()
    out = run(form.extract_person_name(CollectingDispatcher(), t, DOMAIN))
    assert out["person_name"] == "陈晓明" and out["phone"] == "13800138001"
    t.slots.update(out)
    assert run(form.extract_phone(CollectingDispatcher(), t, DOMAIN)) == {}


def test_a_new_number_put_right_at_the_read_back_changes_the_request_not_the_contact():
    """Set 13: "不对，我打错了，是13911117707" to the read-back of a correction to 13911117777."""
    details = "烦请将联系电话更正为13911117777。"
    t = tracker({"requested_slot": "data_request_confirmed", "data_request_kind": "更正", "phone": "13911117707",
                 "data_request_details": details}, text="不对，我打错了，是13911117707。", form="data_request_form")
    t.events = [{"event": "slot", "name": "phone", "value": "13900139002"},
                {"event": "user", "text": "不对，我打错了，是13911117707。"},
                {"event": "slot", "name": "phone", "value": "13911117707"}]
    dispatcher = CollectingDispatcher()
    out = run(ValidateDataRequestForm().validate_phone("13911117707", dispatcher, t, DOMAIN))
    assert out == {"phone": "13900139002", "data_request_details": "烦请将联系电话更正为13911117707。"}
    assert "13911117707" in dispatcher.messages[0]["text"]


def test_the_privacy_topic_counts_only_as_a_real_guess():
    """Set 15: "妈的 我就要你们领导出来说话 现在 马上" started a request to see one's data: 领导出来 holds 导出, and
    the privacy topic led a ranking where nothing scored."""
    assert data_request_asked(about_privacy("妈的 我就要你们领导出来说话 现在 马上", 0.04, "request_human")) is None
    assert data_request_asked(about_privacy("你们存了哪些资料 导出来给我看看", 0.04)) is None  # a weak guess
    assert data_request_asked(about_privacy("你们存了哪些资料 导出来给我看看", 0.6)) == "查询"


def after_request_told(number: str, token: str, text: str, topic: str, sure: float) -> object:
    """`text` (an FAQ topic at `sure`) said right after the verified request's status was told."""
    t = about_privacy(text, sure)
    t.latest_message["response_selector"]["faq"]["response"].update(
        {"intent_response_key": f"faq/{topic}", "utter_action": f"utter_faq/{topic}"})
    t.slots.update({"data_request_number": number, "verification_token": token, "verified_case": number})
    t.events = [{"event": "user", "text": "6004"}, {"event": "action", "name": "action_data_request_progress"},
                {"event": "bot", "text": f"您的个人信息删除申请 {number} 当前状态：【受理】"},
                {"event": "action", "name": "action_listen"}, {"event": "user", "text": text}]
    return t


@pytest.mark.parametrize(("text", "topic", "sure"), [
    ("受理？都四天了还在受理？我打电话的时候不是已经报过身份证号了吗", "identity_verification", 0.9),  # set 16
    ("那最晚哪天必须给我办好", "complaint_timeline", 0.4),  # set 16
])
def test_a_follow_up_on_the_request_just_told_is_about_that_request(backend, text, topic, sure):  # noqa: F811
    """Set 16: "都四天了还在核验身份？" right after a data request's status got the identity-check FAQ, and "那最晚哪天"
    the complaint deadlines: the request is in view — its step, its own due date, and a call-back or a human."""
    number, history = filed()
    t = tracker({"data_request_number": number, "phone": "13600136004"}, text="6004", form="data_request_progress_form")
    t.events = history
    token = run(ValidateDataRequestProgressForm().validate_data_request_number(
        number, CollectingDispatcher(), t, DOMAIN))["verification_token"]
    dispatcher = CollectingDispatcher()
    run(ActionAnswerFaq().run(dispatcher, after_request_told(number, token, text, topic, sure), DOMAIN))
    said = dispatcher.messages[0]
    assert number in said["text"] and "【受理】" in said["text"] and "仍在时限内" in said["text"]
    assert "15" not in said["text"] or "工作日" in said["text"]
    assert [b["payload"] for b in said["buttons"]][-1] == "/request_human" and said.get("response") is None
    # a question on another subject is still answered: the request in view does not swallow everything
    dispatcher = CollectingDispatcher()
    run(ActionAnswerFaq().run(dispatcher, after_request_told(number, token, "犹豫期是多少天", "hesitation_period", 0.9),
                              DOMAIN))
    assert dispatcher.messages[0].get("response") == "utter_faq/hesitation_period"


def test_the_identity_check_is_explained_and_a_request_that_cannot_be_seen_is_not_called_done(backend):  # noqa: F811
    """The step asked about ("都四天了还在核验身份？") is the backend's 核实身份: why it is there is said. A look-up
    that fails (the proof lapsed) had been told as "已经办结"."""
    number, history = filed()
    staff = bearer(backend, "agent01", "agent01-demo")
    moved = httpx.post(f"{backend}/api/v1/data-requests/{number}/status", json={"status": "核实身份"}, headers=staff,
                       timeout=10)
    assert moved.status_code == 200, moved.text
    t = tracker({"data_request_number": number, "phone": "13600136004"}, text="6004", form="data_request_progress_form")
    t.events = history
    token = run(ValidateDataRequestProgressForm().validate_data_request_number(
        number, CollectingDispatcher(), t, DOMAIN))["verification_token"]
    asked = "都四天了还在核实身份？"
    dispatcher = CollectingDispatcher()
    run(ActionAnswerFaq().run(dispatcher, after_request_told(number, token, asked, "identity_verification", 0.9),
                              DOMAIN))
    said = dispatcher.messages[0]["text"]
    assert "【核实身份】" in said and "必须先核实是您本人" in said
    dispatcher = CollectingDispatcher()
    run(ActionAnswerFaq().run(dispatcher, after_request_told(number, "lapsed", asked, "identity_verification", 0.9),
                              DOMAIN))
    said = dispatcher.messages[0]["text"]
    assert "暂时查不到" in said and "办结" not in said


@pytest.mark.parametrize(("text", "entities", "changed"), [
    ("好，那就先查吧，查完再说删不删", [], ("data_request_kind", "查询")),  # set 17: the deletion was submitted
    ("打错字了，是章国栋，文章的章。这个要多久能有结果？", [{"entity": "person_name", "value": "章国栋"}],
     ("person_name", "章国栋")),  # set 17: the typo was submitted, read as a yes
])
def test_a_change_said_at_the_read_back_is_read_back_not_submitted(backend, text, entities, changed):  # noqa: F811
    before = {"data_request_kind": "删除", "data_request_details": "我想查一下", "person_name": "章囯栋",
              "phone": "13810937264"}
    # as Rasa leaves it: the values before, the message, then what its mappings took from it (the name; the kind
    # is the form's own reading)
    mapped = dict([("data_request_confirmed", True)] + ([changed] if changed[0] != "data_request_kind" else []))
    t = tracker(before | {"requested_slot": "data_request_confirmed"} | mapped, text=text, intent="affirm",
                entities=entities, form="data_request_form")
    t.events = [*({"event": "slot", "name": k, "value": v} for k, v in before.items()),
                {"event": "user", "text": text}, *({"event": "slot", "name": k, "value": v} for k, v in mapped.items())]
    events = run(ValidateDataRequestForm().run(CollectingDispatcher(), t, DOMAIN))
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert values.get("data_request_confirmed", "unset") is None and values.get(changed[0], changed[1]) == changed[1]
    # a plain yes submits
    t = tracker(before | {"requested_slot": "data_request_confirmed", "data_request_confirmed": True}, text="好的 确认",
                intent="affirm", form="data_request_form")
    t.events = [*({"event": "slot", "name": k, "value": v} for k, v in before.items()),
                {"event": "user", "text": "好的"}, {"event": "slot", "name": "data_request_confirmed", "value": True}]
    events = run(ValidateDataRequestForm().run(CollectingDispatcher(), t, DOMAIN))
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}.get("data_request_confirmed") is True
