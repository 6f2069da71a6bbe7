"""A message read against the FAQ answer just given (actions/follow_ups.py), from set 9's transcripts."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import follow_ups
from actions.follow_ups import leaning_answer
from actions.routing import ActionAnswerFaq, ActionHandleFallback, ActionOutOfScope

HESITATION = "犹豫期是签收保单后给您的“冷静期”……过了犹豫期再退保，只能退还保单的现金价值，可能有损失。"


def after_answer(text: str, ranking: list[tuple[str, float]], intent: str = "faq", entities: list | None = None,
                 answered: str = "hesitation_period", bot_said: str = HESITATION) -> Tracker:
    """`text` (read as `intent`, FAQ topics ranked as given) right after the bot answered `answered`."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.5}, "entities": entities or [],
              "intent_ranking": [{"name": intent, "confidence": 0.5}],
              "response_selector": {"faq": {
                  "response": {"utter_action": f"utter_faq/{ranking[0][0]}" if ranking else None,
                               "intent_response_key": f"faq/{ranking[0][0]}" if ranking else None,
                               "confidence": ranking[0][1] if ranking else 0.0},
                  "ranking": [{"intent_response_key": f"faq/{t}", "confidence": c} for t, c in ranking]}}}
    events = [{"event": "user", "text": "后悔了能退不", "parse_data": {"intent": {"name": "faq"}}},
              {"event": "action", "name": "action_answer_faq"},
              {"event": "bot", "text": bot_said, "metadata": {"utter_action": f"utter_faq/{answered}"}},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "parse_data": latest}]
    return Tracker(sender_id="follow-up", slots={}, latest_message=latest, events=events, paused=False,
                   followup_action=None, active_loop={}, latest_action_name="action_listen")


@pytest.mark.parametrize(("text", "answered"), [
    ("呃 买了两年了 不是刚买hhh", "hesitation_period"),   # a fact about one's own policy, no question
    ("我份寿险买咗三年喇", "surrender"),
    ("P2026000000103 福寿终身寿险", "cash_value"),
])
def test_a_fact_told_right_after_an_answer_gets_that_answer_again(text, answered):
    t = after_answer(text, [("buy_insurance", 0.31), ("claim_time_limit", 0.15)], answered=answered)
    assert leaning_answer(t) == (f"utter_faq/{answered}", True)


def test_a_leaning_question_with_no_clear_topic_of_its_own_gets_the_last_answer_again():
    """"那我自己那个寿险呢也是两年吗" after the time limit to claim: the menu had offered exclusions first."""
    t = after_answer("那我自己那个寿险呢也是两年吗", [("coverage_exclusions", 0.12), ("claim_time_limit", 0.10)],
                     answered="claim_time_limit")
    assert leaning_answer(t) == ("utter_faq/claim_time_limit", True)


def test_a_leaning_question_whose_last_topic_is_out_of_the_running_gets_its_own_topic():
    """Set 9: "了解，那我現在補繳要去哪裡繳？" after the grace-period answer: premium payment 0.13, the grace period
    not even ranked."""
    t = after_answer("了解，那我現在補繳要去哪裡繳？", [("premium_payment", 0.13), ("claim_missing_documents", 0.06)],
                     answered="grace_period", bot_said="分期缴费的保单……有60天宽限期。")
    assert leaning_answer(t) == ("utter_faq/premium_payment", False)


def test_a_leaning_question_about_a_neighbouring_topic_gets_that_topic():
    """"那会亏多少啊" after the hesitation period asks about surrender, the likelier topic by a margin."""
    t = after_answer("那会亏多少啊 心态崩了",
                     [("surrender", 0.16), ("claim_duration", 0.05), ("hesitation_period", 0.04)])
    assert leaning_answer(t) == ("utter_faq/surrender", False)


@pytest.mark.parametrize("text", ["那要带什么去办？", "要多久？"])
def test_a_short_question_naming_no_topic_gets_the_last_answer_again(text):
    """"那要带什么去办" after an answer names no topic of its own (NLU: out of scope)."""
    t = after_answer(text, [("lost_policy", 0.1)], intent="out_of_scope")
    assert leaning_answer(t) == ("utter_faq/hesitation_period", True)


def test_out_of_scope_with_the_last_answers_topic_gets_that_answer():
    """Set 8: "怎么退" after the surrender answer (NLU: out of scope, surrender 0.70) got the out-of-scope reply."""
    t = after_answer("怎么退", [("surrender", 0.7)], intent="out_of_scope", answered="surrender")
    assert leaning_answer(t) == ("utter_faq/surrender", True)
    assert leaning_answer(after_answer("怎么退", [("surrender", 0.7)], answered="surrender")) is None  # faq: as asked


def test_out_of_scope_after_an_answer_is_read_against_it():
    dispatcher = CollectingDispatcher()
    t = after_answer("那要带什么去办？", [("lost_policy", 0.1)], intent="out_of_scope")
    assert asyncio.run(ActionOutOfScope().run(dispatcher, t, {})) == []
    assert dispatcher.messages[0]["response"] == "utter_faq/hesitation_period"


@pytest.mark.parametrize(("text", "ranking", "entities", "bot_said"), [
    ("月球上能种西瓜吗", [("buy_insurance", 0.05)], [], HESITATION),         # a thing of its own
    ("股票会涨吗", [("buy_insurance", 0.05)], [], HESITATION),
    ("火星上适合种土豆吗，我想试试", [("buy_insurance", 0.05)], [], HESITATION),
    ("那好吧", [("lost_policy", 0.1)], [], HESITATION),                        # no question, no fact
    ("还有个事受益人想改成我女儿要怎么办", [("beneficiary", 0.2)], [], HESITATION),   # a new question
    ("那如果我想把受益人从前妻改成女儿的话，要她本人过来吗", [("beneficiary", 0.2)], [], HESITATION),  # its own story
    ("退保要带什么材料", [("surrender", 0.8)], [], HESITATION),               # a question NLU is sure of
    ("好的 知道了", [("hesitation_period", 0.1)], [], HESITATION),            # an acknowledgement
    ("理赔LP2026110290101", [("claim_steps", 0.1)], [{"entity": "claim_number"}], HESITATION),  # a task of its own
    ("买了两年了", [("hesitation_period", 0.2)], [], "我不太确定您想了解的是哪一项，请选择最接近的问题："),  # a menu
    ("我家里人都说我是冲动消费，当时销售说得天花乱坠，我也没多想就签了", [("surrender", 0.2)], [], HESITATION),
])
def test_other_messages_do_not_lean_on_the_last_answer(text, ranking, entities, bot_said):
    assert leaning_answer(after_answer(text, ranking, entities=entities, bot_said=bot_said)) is None


def test_not_understood_after_an_answer_is_read_against_it():
    """Set 9: "呃 买了两年了" after the hesitation-period answer got "not understood" and the main menu."""
    dispatcher = CollectingDispatcher()
    t = after_answer("呃 买了两年了 不是刚买hhh", [("hesitation_period", 0.29)], intent="nlu_fallback")
    assert asyncio.run(ActionHandleFallback().run(dispatcher, t, {})) == []
    assert dispatcher.messages[0]["response"] == "utter_faq/hesitation_period"
    assert dispatcher.messages[0]["in_context"] == "follow_up"


def test_an_answer_already_told_again_is_not_told_a_third_time():
    t = after_answer("呃 买了两年了", [("hesitation_period", 0.2)])
    t.events[2]["metadata"]["in_context"] = "follow_up"
    assert leaning_answer(t) is None


def test_the_customers_own_policy_is_no_subject_of_its_own():
    """Set 9: "我那个是分红险 能贷多少" after the policy-loan answer got "not understood"."""
    loans = "保单贷款（保单借款）是用有现金价值的保单申请的借款。能不能贷、最多能贷多少，以条款为准。"
    t = after_answer("我那个是分红险 能贷多少", [("policy_loan", 0.08), ("claim_steps", 0.06)], intent="nlu_fallback",
                     answered="policy_loan", bot_said=loans)
    assert leaning_answer(t) == ("utter_faq/policy_loan", True)


def test_a_short_question_in_the_insurers_own_words_leans_on_the_answer():
    """Set 8: "网上能改吗 还是必须去柜台" after the answer on changing a policy's details got a menu led by claims."""
    changes = "联系电话、地址等信息都可以申请变更：在官方APP在线提交，或到网点柜面办理。"
    t = after_answer("网上能改吗 还是必须去柜台", [("claim_channels", 0.22), ("change_policy_info", 0.17)],
                     answered="change_policy_info", bot_said=changes)
    assert leaning_answer(t) == ("utter_faq/change_policy_info", True)


def test_a_kind_of_policy_named_after_an_answer_is_no_wish_to_buy_one():
    """"那意外险呢" after the claim documents answer got the buy-insurance answer (topic 0.5)."""
    docs = "申请理赔一般需要准备这些材料：保单、身份证件、事故证明、医疗记录。"
    t = after_answer("那意外险呢", [("buy_insurance", 0.5), ("claim_documents", 0.1)], answered="claim_documents",
                     bot_said=docs)
    assert leaning_answer(t) == ("utter_faq/claim_documents", True)
    t = after_answer("那意外险怎么买", [("buy_insurance", 0.5), ("claim_documents", 0.1)], answered="claim_documents",
                     bot_said=docs)
    assert leaning_answer(t) is None  # buying said: answered as asked


@pytest.mark.parametrize("text", ["你连这个都不知道？", "问了也白问", "听不懂人话吗"])
def test_a_customer_fed_up_with_the_bot_gets_an_apology_and_a_human_offered(text):
    """Set 10: "你连这个都不知道？" after "we don't quote prices here" got "please rephrase"."""
    for action, intent in ((ActionHandleFallback(), "nlu_fallback"), (ActionOutOfScope(), "out_of_scope")):
        t = after_answer(text, [("buy_insurance", 0.2)], intent=intent, answered="buy_insurance",
                         bot_said="…需要我现在帮您转人工吗？")
        dispatcher = CollectingDispatcher()
        assert asyncio.run(action.run(dispatcher, t, {})) == []
        assert "抱歉没能帮上您" in dispatcher.messages[0]["text"]
        assert any("request_human" in b["payload"] for b in dispatcher.messages[0]["buttons"])


def test_the_same_answer_is_not_read_out_a_third_time():
    """Set 10: "是不是骗子啊" got the scam-call answer a third time in a row."""
    scam = {"utter_action": "utter_faq/scam_calls"}
    latest = {"text": "是不是骗子啊", "intent": {"name": "faq", "confidence": 0.9}, "entities": [],
              "response_selector": {"faq": {"response": {**scam, "confidence": 0.8}}}}
    events = []
    answer = "请您提高警惕，这很可能是诈骗：理赔不收手续费。\n遇到这类电话请挂断。"
    for said in ("刚才有个电话说是你们理赔部的", "说要先交500块手续费"):
        events += [{"event": "user", "text": said}, {"event": "bot", "metadata": scam, "text": answer}]
    events.append({"event": "user", "text": "是不是骗子啊", "parse_data": latest})
    t = Tracker(sender_id="third", slots={}, latest_message=latest, events=events, paused=False, followup_action=None,
                active_loop={}, latest_action_name="action_listen")
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionAnswerFaq().run(dispatcher, t, {})) == []
    said = dispatcher.messages[0]["text"]
    assert said.startswith("简单说：请您提高警惕") and "转人工" in said and said.count("。") <= 3
    t.events = t.events[2:]  # told once before: told again
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerFaq().run(dispatcher, t, {}))
    assert dispatcher.messages[0]["response"] == "utter_faq/scam_calls"


def test_a_question_nlu_cannot_place_after_the_same_answer_twice_gets_its_gist():
    """Set 8: "那亏得多吗？我都交了六万多了" after the surrender answer (told, then told again as a follow-up) got
    "not understood"; its gist, and a human for the figure, serve better."""
    surrender = {"utter_action": "utter_faq/surrender"}
    answer = "犹豫期内退保，会退还已交保费；过了犹豫期退保，退还的是现金价值。\n办理时一般需要保单。"
    events = []
    for said, again in (("我想退保 能退多少钱", False), ("买了三年了 年金险", True)):
        told = ("关于刚才的「怎么退保」：\n" if again else "") + answer
        metadata = surrender | ({"in_context": "follow_up"} if again else {})
        events += [{"event": "user", "text": said}, {"event": "bot", "metadata": metadata, "text": told}]
    latest = {"text": "那亏得多吗？我都交了六万多了", "intent": {"name": "nlu_fallback", "confidence": 0.4},
              "entities": [], "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4},
                                                 {"name": "check_claim_progress", "confidence": 0.3}]}
    events.append({"event": "user", "text": latest["text"], "parse_data": latest})
    t = Tracker(sender_id="gist", slots={}, latest_message=latest, events=events, paused=False, followup_action=None,
                active_loop={}, latest_action_name="action_listen")
    dispatcher = CollectingDispatcher()
    assert asyncio.run(ActionHandleFallback().run(dispatcher, t, {})) == []
    assert dispatcher.messages[0]["text"].startswith("简单说：犹豫期内退保")


def test_a_date_told_as_what_happened_leans_on_the_answer_given():
    """Set 11: "保单是11月26号寄到我手上的 当天就签收了" after the hesitation-period answer got the grace period."""
    date = [{"entity": "time", "value": "2027-11-26T00:00:00+08:00", "start": 3, "end": 9}]
    t = after_answer("保单是11月26号寄到我手上的 当天就签收了", [("grace_period", 0.48)], entities=date)
    assert leaning_answer(t) == ("utter_faq/hesitation_period", True)
    # a time proposed is a booking's, not a follow-up
    proposed = after_answer("那约11月26号可以吗", [("grace_period", 0.48)], entities=date)
    assert leaning_answer(proposed) is None


def test_a_third_asking_gets_the_line_of_the_answer_it_asks_about():
    """Set 11: "那普通的住院报销呢 也要这么久吗" after the claim-duration answer twice got no gist at all."""
    answer = ("处理时长和案件类型有关：\n• 普通案件：一般10至30个工作日；"
              "\n• 复杂案件（如重大疾病、自然灾害）：一般60至90个工作日；"
              "\n材料齐全后，审核和赔付原则上在30个工作日内完成。")
    assert follow_ups.line_asked_about(answer, "那普通的住院报销呢 也要这么久吗") == "普通案件：一般10至30个工作日。"
    assert follow_ups.line_asked_about(answer, "是不是骗子啊") is None
