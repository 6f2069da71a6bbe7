"""The customer's verdict on a complaint's result: satisfied closes it, not satisfied sends it back
to the handler (the backend applies the rule; the bot asks and passes the answer on)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common.api import ApiError, backend
from actions.common.closing import score_buttons
from actions.common.forms import BaseFormValidator, latest_entity, values_before_this_turn
from actions.common.rating import SCORE_SAID, score_of
from actions.common.reply import choice, say
from bot.script import to_simplified

# "什么意思 等我反馈？我要干嘛": what the verdict question asks of the customer
WHAT_TO_DO = re.compile(r"什么意思|啥意思|(?:我|要我)(?:要|该)?(?:干嘛|干什么|做什么|怎么做|怎么弄)"
                        r"|反馈什么|等我反馈")
VERDICT_EXPLAINED = ("意思是：处理人员已经把处理结果反馈给您了（就是上面的处理结果），现在请您告诉我们是否满意。"
                     "满意的话，这件投诉就结案；不满意的话，会退回处理人员重新处理，并再联系您。")
REASON_CHARS = 6  # longer than "嗯 还行吧": words that explain the verdict
# A person asked for instead of a score; the verdict then goes without one
PERSON_WANTED = re.compile(r"人工|真人|主管|领导|经理|负责人|(?:给|打)我(?:打)?(?:个)?电话|打(?:个)?电话(?:给|俾)我"
                           r"|客服(?:来|跟)")
UNSCORED = "无"

# The verdict said in words: a refusal wins over the words it negates ("不满意" holds "满意").
REJECTS = re.compile(r"不(?:认可|接受|同意|满意|满|合理|行|公平|服)|没(?:解决|处理好)|怎么行|有意见|唔(?:满意|接受|得)")
# …and a yes said by closing the case, or lukewarmly ("ok de 关了吧 不想再折腾了", "还行吧"): the score says how much
ACCEPTS = re.compile(r"满意|认可|接受|同意|没问题|可以结案|解决了|(?:关|结|结案)(?:了|掉)?吧|可以关|就这样吧|还行|凑合"
                     r"|(?:觉得|感觉|方案|结果)(?:还|挺|也)?(?:可以|行|不错|挺好|合理)|可以的|挺好的?$|行吧")


class ValidateComplaintVerdictForm(BaseFormValidator):
    def name(self) -> str:
        return "validate_complaint_verdict_form"

    async def extract_resolution_satisfied(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # "他们给的那个方案我不认可，只赔一半怎么行" is a no in words (the slot maps only affirm / deny)
        if tracker.get_slot("requested_slot") != "resolution_satisfied":
            return {}
        text = to_simplified(tracker.latest_message.get("text") or "")
        if REJECTS.search(text):
            return {"resolution_satisfied": False}
        return {"resolution_satisfied": True} if ACCEPTS.search(text) else {}

    async def extract_resolution_score(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # A bare digit or 很满意 is a score here even when the NLU did not tag it — and a score said outright with
        # the verdict ("满意 给4分") is not asked for again.
        asked, text = tracker.get_slot("requested_slot"), to_simplified(tracker.latest_message.get("text") or "")
        if asked == "resolution_satisfied" and SCORE_SAID.search(text):
            score = score_of(tracker)
            return {"resolution_score": str(score)} if score else {}
        if asked != "resolution_score":
            return {}
        score = score_of(tracker)
        return {"resolution_score": str(score)} if score else {}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = to_simplified(tracker.latest_message.get("text") or "")
        if tracker.get_slot("requested_slot") == "resolution_satisfied" and WHAT_TO_DO.search(text):
            say(dispatcher, tracker, VERDICT_EXPLAINED)  # "什么意思 等我反馈？我要干嘛": then the question again
            return [SlotSet("resolution_satisfied", None)]
        judged = values_before_this_turn(tracker).get("complaint_number")
        if (other := latest_entity(tracker, "complaint_number")) and judged and other.get("value") != judged:
            # "还有一个TS20261121-9005 那个呢": the verdict on the first can wait; the other one is looked up
            say(dispatcher, tracker, f"好的，投诉 {judged} 的评价可以稍后再给。先为您查询 {other.get('value')}：")
            # (a slot of the form set too: a reply that sets only the requested slot is rejected by Rasa)
            return [SlotSet("requested_slot", None), SlotSet("resolution_satisfied", None)]
        if tracker.get_slot("requested_slot") == "resolution_score" and PERSON_WANTED.search(text) and not score_of(
                tracker):
            # "让你们主管今天下午给我打电话", "那就现在转人工" instead of a score: the verdict goes as it is, and a
            # person is brought in (ActionSubmitComplaintVerdict) — not the score question a third time
            return [SlotSet("resolution_score", UNSCORED), SlotSet("requested_slot", None)]
        if tracker.get_slot("requested_slot") == "resolution_score" and self.replying(tracker) and not score_of(
                tracker) and len(to_simplified(tracker.latest_message.get("text") or "").strip()) > REASON_CHARS:
            # "我要的是全额退保，当时业务员说随时退不亏钱的" to the score question: the why of a verdict, not a
            # failed answer. It goes to the handler with the verdict (ActionSubmitComplaintVerdict).
            noted = "您的意见我已经记下，会和您的评价一起转给处理人员。"
            said = self.reject(dispatcher, tracker, "resolution_score", noted)  # counted: the way out comes next
            return [SlotSet(name, value) for name, value in said.items()]
        return await super().run(dispatcher, tracker, domain)

    async def validate_resolution_score(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        if str(value) not in {"1", "2", "3", "4", "5"}:
            return self.reject(dispatcher, tracker, "resolution_score", "请回复 1 到 5 之间的数字打分。")
        return self.accepted("resolution_score", str(value))


class ActionAskResolutionSatisfied(Action):
    def name(self) -> str:
        return "action_ask_resolution_satisfied"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        say(
            dispatcher,
            tracker,
            "请问您对这个处理结果满意吗？确认满意后，这件投诉就会结案；如果不满意，我们会重新为您处理。",
            [choice("满意，可以结案", "affirm"), choice("不满意", "deny")],
        )
        return []


class ActionAskResolutionScore(Action):
    def name(self) -> str:
        return "action_ask_resolution_score"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        say(dispatcher, tracker, "请为这次投诉的处理打个分（1-5分，5分为非常满意）：", score_buttons())
        return []


class ActionSubmitComplaintVerdict(Action):
    def name(self) -> str:
        return "action_submit_complaint_verdict"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        number, token = tracker.get_slot("complaint_number"), tracker.get_slot("verification_token")
        satisfied = tracker.get_slot("resolution_satisfied")
        reset = [SlotSet(s, None) for s in ("resolution_satisfied", "resolution_score", "complaint_awaiting_verdict")]
        score = tracker.get_slot("resolution_score")
        if satisfied is None or not score:  # left for another case: nothing to send
            return [*reset, SlotSet("id_last4", None), FollowupAction("complaint_progress_form")]
        try:
            await backend().post(
                f"/api/v1/complaints/{number}/confirmation",
                token=token,
                json={"satisfied": satisfied, "score": None if score == UNSCORED else int(score),
                      "comment": verdict_words(tracker)},
            )
        except ApiError as exc:
            say(dispatcher, tracker, f"抱歉，暂时没能记录您的确认（{exc.message}）。您可以稍后再试，或转人工客服处理。")
            return reset
        if score == UNSCORED:
            say(dispatcher, tracker, f"好的，您的意见已经记录，投诉 {number} "
                + ("已结案。" if satisfied else "已退回处理人员重新制定方案。") + "下面为您转人工客服。")
            return [*reset, FollowupAction("action_handover")]
        if satisfied:
            say(dispatcher, tracker, f"感谢您的确认与评价，投诉 {number} 已结案。还有其他可以帮您的吗？")
        else:
            say(
                dispatcher,
                tracker,
                f"很抱歉处理结果没能让您满意。投诉 {number} 已退回处理人员重新制定方案，我们会尽快与您联系。"
                "如需当面沟通，也可以说“转人工”。",
            )
        return reset


def verdict_words(tracker: Tracker) -> str | None:
    """What the customer said while giving the verdict (since the question was asked), for the handler."""
    start = max((k for k, e in enumerate(tracker.events)
                 if e.get("event") == "active_loop" and e.get("name") == "complaint_verdict_form"), default=None)
    if start is None:
        return None
    said = [e.get("text") or "" for e in tracker.events[start:] if e.get("event") == "user"]
    said = [text.strip() for text in said if len(text.strip()) > REASON_CHARS and not text.startswith("/")]
    return "；".join(said)[:2000] or None
