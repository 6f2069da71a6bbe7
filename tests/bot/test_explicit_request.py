"""ExplicitRequest: a clause that is only a request decides the intent; questions about it do not."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.explicit_request import ExplicitRequest, explicit_request


@pytest.mark.parametrize(("text", "intent"), [
    ("我妈买了之后才知道要等半年才能赔,业务员一早没讲过,我要投诉", "file_complaint"),
    ("理赔拖了两个月还没到账!我要投诉你们", "file_complaint"),
    ("投诉", "file_complaint"),
    ("你说的我看不懂,转人工", "request_human"),
    ("算了,找人工客服吧", "request_human"),
    ("好麻烦耶,那帮我转真人好了", "request_human"),  # set 17: asked with a softener
    ("快些帮我转啦", "request_human"),  # set 17: "快啲幫我轉啦" in Mandarin words, right after a human was wished for
    ("我想找个真人倾下", "request_human"),
    ("你们投诉一般多久能处理?我要投诉", "file_complaint"),   # a question beside the request
    ("我住北京朝阳区那边……哎算了算了,上门还得在家干等,不约了", "stop"),  # giving up, with an address before it
    ("我不想约了", "stop"),
    ("先不办了", "stop"),
    ("才那么点？那还退个么子 不退了 电话也莫打了", "stop"),   # set 12: a call-back booking given up, in Hunanese
    ("不约了,我要投诉", "file_complaint"),   # giving up one task for another: the new one
    ("地址啊 要写多详细 算了算了 不弄了 我先问个别的", "stop"),  # set 14: a question announced after giving up
    ("喂 我想投诉你哋个经纪 佢呃我阿妈买咗份保险", "file_complaint"),  # Cantonese, with whom it is about
    ("冇理由都得?八千八 我交咗咁多年保费 呢单我一定要投诉", "file_complaint"),  # set 14, what it is about first
    ("我要投诉你们的理赔员", "file_complaint"),
    # set 13: a formal letter ends "…并向金融监管总局反映。特此投诉，望贵司重视。"
    ("若本周内仍无明确结论,本人将委托律师向法院起诉。特此投诉,望贵司重视。", "file_complaint"),
    ("算了算了 跟机器说不清楚 pls transfer me to a human agent ASAP", "request_human"),  # English beats 算了
    ("can I talk to a real person", "request_human"),
    ("那我先不投诉 现在能转人工吗", "request_human"),   # set 9: asked as a question, meant as a request
    ("我爸说想跟真人说两句,您帮忙转一下", "request_human"),  # set 15: read as a complaint (0.43)
    ("想跟人工聊两句", "request_human"),
    ("想了想还是投吧 不能就这么认了 刚才说到哪了", "file_complaint"),  # set 15: taken up again (stop 0.49)
    ("可以帮我转人工客服吗", "request_human"),
    ("有real person吗", "request_human"),   # set 10: English glued to Chinese
    ("有没有真人客服", "request_human"),
    ("现在没人吗", "request_human"),         # set 11, out of hours mid-booking: are agents on duty?
    ("现在有人能处理吗", "request_human"),    # set 11, after registering a complaint at 19:10
])
def test_a_clause_that_is_only_a_request_names_the_intent(text, intent):
    assert explicit_request(text) == intent


@pytest.mark.parametrize("text", [
    "我要投诉的话要准备什么?",        # a question about complaining
    "投诉一般多久有结果",            # a question without a question mark
    "人工客服几点上班",
    "人工客服能帮我查保单吗",
    "转人工要等多久",
    "有人工服务时间吗",
    "humanity",
    "我上次投诉的进度",              # not a clause of its own
    "业务员说可以投诉到监管部门",
    "不用转人工",
    "帮我转账",
    "帮我转",  # alone and not urged: could be anything
    "算了,改成明天吧",               # a lone 算了 goes on with something else
    "不用了",                          # no to an offer: deny, not stop
    "不约了吗?",
    "我上次投诉你们客服的进度",        # the complaint mentioned, not asked for
    "your agent told me it was a deposit",  # an insurance agent, not a human agent
    "有人吗",                          # a chat's greeting, not yet a request
    "在吗",
    "没人告诉我要带身份证",            # nobody told me: a story, not a request
    "我今天凌晨投诉的 说客服电话打不通 TS20261120-9001 有人管吗",  # set 11: about that complaint's handling
    "投诉了也没人管",
    "算了算了 下午三点给我回个电话 交费想从月交改成年交",   # set 12: giving up the queue for a call-back
    "我想跟真人说说我的情况,是不是要排队",   # a question about talking to one
    "还是投保吧",
])
def test_questions_and_mentions_are_left_to_the_classifiers(text):
    assert explicit_request(text) is None


def test_the_requested_intent_goes_first_and_the_ranking_follows():
    message = Message({TEXT: "业务员一早没讲过等待期,我要投诉"})
    ranking = [{"name": "faq", "confidence": 0.7}, {"name": "file_complaint", "confidence": 0.2},
               {"name": "inform", "confidence": 0.1}]
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    [message] = ExplicitRequest().process([message])
    assert message.get(INTENT) == {"name": "file_complaint", "confidence": 0.95}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["file_complaint", "faq", "inform"]


def test_an_unsure_first_place_is_made_sure():
    # "我要投诉，<a long story>" once came first at 0.40 and FallbackClassifier made it nlu_fallback.
    message = Message({TEXT: "我要投诉,你们业务员卖保险的时候说保证返利,结果根本没有"})
    ranking = [{"name": "file_complaint", "confidence": 0.4}, {"name": "faq", "confidence": 0.35}]
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    [message] = ExplicitRequest().process([message])
    assert message.get(INTENT) == {"name": "file_complaint", "confidence": 0.95}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["file_complaint", "faq"]


def test_a_classifier_sure_of_something_else_does_not_tie_with_the_request():
    """Set 13: "能不能转人工？我想问清楚受益人是怎么算的" — faq at 0.93 beside the request made it ambiguous."""
    message = Message({TEXT: "能不能转人工?我想问清楚受益人是怎么算的"})
    ranking = [{"name": "faq", "confidence": 0.93}, {"name": "request_human", "confidence": 0.05},
               {"name": "inform", "confidence": 0.02}]
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    [message] = ExplicitRequest().process([message])
    ranked = message.get(INTENT_RANKING_KEY)
    assert [r["name"] for r in ranked] == ["request_human", "faq", "inform"]
    assert ranked[0]["confidence"] - ranked[1]["confidence"] > 0.5 and sum(r["confidence"] for r in ranked) <= 1.0001


def test_a_button_payload_is_not_read():
    message = Message({TEXT: "/request_human"})
    message.set(INTENT, {"name": "request_human", "confidence": 1.0}, add_to_output=True)
    assert ExplicitRequest().process([message])[0].get(INTENT_RANKING_KEY) is None
