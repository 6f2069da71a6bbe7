"""Complaint registration (form → confirmation → backend) and complaint progress."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointment_places import service_in_words
from actions.appointment_times import the_time_wanted
from actions.asks import high_risk, times_asked
from actions.case_context import about_the_case_told, case_just_told, other_case_offered
from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.contact import REPLY_WORDS, ContactFormValidator, shown_name, shown_phone
from actions.common.format import deadline, slot_time
from actions.common.forms import (
    CASE_FORMATS,
    NONE_ANYWHERE,
    QUESTION,
    declined_optional,
    free_text,
    latest_entity,
    says_none,
)
from actions.common.policy import get_policy
from actions.common.rating import SCORE_SAID, score_of, store_rating
from actions.common.reply import choice, say
from actions.common.verification import VerifyingForm, booking_next, case_taken, digits_beside, handed_on, verify
from actions.deadlines import COMPLAINT_TIMELINE, counting_explained, dated_timeline
from actions.handover import FORM_SLOTS
from bot import topic_confidence
from bot.questions import PRESSES, WH
from bot.requests import REQUESTS
from bot.script import to_simplified

COMPLAINT_RE = CASE_FORMATS["complaint_number"]
POLICY_RE = CASE_FORMATS["policy_number"]

WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")  # characters that carry meaning (not emoji or punctuation)
# Shorter than this once "我要投诉" is taken off, an opening message ("我要投诉你们业务员") tells no story
# yet: the form asks what happened.
ACCOUNT_MIN_CHARS = 12
TYPE_QUESTION = "请问您的投诉属于哪一类？"
OTHER_TYPE = "其他"  # the policy's catch-all type, corrected at the read-back if need be
# Longer than this, an answer to the type question tells more of the story rather than naming a type.
TYPE_ANSWER_CHARS = 20
OPENER = re.compile(r"^\s*(?:我|我们)?(?:要|想|想要)?投诉(?:一下)?[，,。.!！:：\s]+")
# A demand begins a clause: "…，我希望退还全部保费" / "…。要求道歉" — but "，要求我补交材料" is the story.
DEMAND = re.compile(
    r"[，,。.;；!！\s]+(?=(?:我|我们)?(?:希望|请求)|(?:我|我们)要求|要求(?!我)|(?:我的)?诉求(?:是|[:：]))"
)
# …or opens the answer: "诉求就是重新核赔" said when asked what happened.
DEMAND_FIRST = re.compile(r"^\s*(?:(?:我|我们)?(?:希望|请求)|(?:我|我们|我的)?要求(?!我)|(?:我的)?诉求"
                          r"|(?:我|我们)?(?:就|只)有?(?:一个|一条|这一?个)(?:要求|诉求|请求))")
# After a demand said first, what makes the rest a story ("当初业务员拍胸脯说随时能取") rather than more of the
# demand ("6万块一分都不能少").
STORY_MARKS = re.compile(r"当初|当时|之前|那时|去年|上个月|结果|说是|说好|业务员|代理人|经纪|客服|理赔员|定损员")
STORY_CHARS = 8
# "先给我登记", "你赶紧记下来": register it — said to the demand question, it is no demand
JUST_REGISTER = re.compile(r"^[\s,，]*(?:你们?)?(?:先|赶紧|快点?|马上|直接)?(?:给我|帮我)?"
                           r"(?:登记|记下来?|记录下来?|记上|立案|受理)(?:上|下来|一下)?")
# A demand asking for nothing in particular ("反正你们得给我个说法", "你们看着办吧"), or the default given for it…
DEFAULT_DEMAND = "希望公司调查核实并给予答复"  # what is registered when no particular demand is made
VAGUE_DEMAND = re.compile(r"说法|看着办|随便|你们定|看情况|不知道|反正|" + DEFAULT_DEMAND)
# The questions of a message, each up to its question mark
QUESTIONS = re.compile(r"[^。！!；;？?]+[？?]")
# Words that only put a slip right: "唔係，打錯咗", "不对 写错了"
CORRECTION_ONLY = re.compile(r"(?:[\s,，.。!！]*(?:不是|唔系|不对|错了|打错[了咗]?|写错[了咗]?|说错了?|是|系))+"
                             r"[\s,，.。!！]*")
# A sentence of its own, for a demand said after something else
SENTENCES = re.compile(r"[^。！!；;？?]+")
# Which policy it is, said where the demand is asked: "是个分红型的寿险", "就是那份重疾险"
PRODUCT_ONLY = re.compile(r"(?:是|就是)?(?:个|一份|一个|那份|那个|这份)?[\u4e00-\u9fff]{0,8}(?:险|保单|保险)")
# …and the words around it that are no part of it: "那就 全额退保 把钱都退给我 对 就这个"
SAID_AROUND = re.compile(r"^\s*(?:那就|那|就|嗯)\s+|(?:[\s,，]+(?:对|是的|嗯))?(?:[\s,，]*(?:就这个|就这样|就这些))?"
                         r"[\s,，。!！]*$")
# …and what makes a later message the demand, said at last: "那就 全额退保 把钱都退给我", "让那个人给我道个歉"
CONCRETE_DEMAND = re.compile(r"退(?:保|钱|款|还|回|给我|费)|全额|赔(?:偿|付|钱|款|给我|我)|道(?:个)?歉|录音|处分|处罚"
                             r"|开除|换人|换个人|撤销|注销|恢复|补偿|兑现")
# What a demand says (退/赔/道歉/说法…); an answer to the demand question with none of it tells more story.
DEMANDS = re.compile(r"要|希望|求|退(?:钱|款|还|回|给|保费|费)|赔|补|道歉|说法|交代|解释|处理|解决|负责|撤销|注销|取消"
                     r"|恢复|还我|给我|换人|改|查|回电|打给我"
                     r"|没有|无|不用|算了|攞返|俾返|(?<![a-z])(?:call|ring|refund|appeal|review|apologi[sz]e)(?![a-z])",
                     re.IGNORECASE)


# "你们投诉一般多久能处理？我要投诉": a question about complaining and the request itself tell no story.
REQUEST_CLAUSE = REQUESTS["file_complaint"]
CLAUSES = re.compile(r"([,，.。!！;；?？~～\s]+)")


def story_of(text: str) -> str:
    """`text` without its clauses that only ask to complain or ask about complaining (punctuation kept)."""
    parts = CLAUSES.split((text or "").strip())
    kept = []
    for clause, sep in zip(parts[::2], [*parts[1::2], ""], strict=True):
        if "投诉" in clause and QUESTION.search(clause + sep):
            continue
        if REQUEST_CLAUSE.fullmatch(clause):  # "我要投诉你们业务员": whom it is about stays in the story
            clause = clause.split("投诉", 1)[1].removeprefix("一下")
            if len(clause) < 2:
                continue
        kept.append(clause + sep)
    return "".join(kept).strip(" ，,")


def is_account(text: str) -> bool:
    """Does the message tell what happened, beyond just asking to complain?"""
    return len(OPENER.sub("", story_of(text)).strip()) >= ACCOUNT_MIN_CHARS


def complaint_slots(text: str) -> dict[str, str]:
    """One message may hold the whole complaint: what happened, then what the customer wants — or the demand
    first ("我要求退还全部保费 当初业务员拍胸脯说随时能取"), then what happened, or the demand alone."""
    text = story_of(text) or text.strip()
    text = OPENER.sub("", text.strip()) or text.strip()
    if DEMAND_FIRST.match(text):
        demand, _, story = (CLAUSES.split(text, maxsplit=1) + ["", ""])[:3]  # the first clause, the rest
        story = story.strip(" ，,。.")
        told = len(WORDS.findall(story)) >= STORY_CHARS and (GRIEVANCE.search(story) or STORY_MARKS.search(story))
        return {"complaint_demand": demand, "complaint_description": story} if told else {"complaint_demand": text}
    parts = DEMAND.split(text, maxsplit=1)
    if len(parts) == 2 and len(parts[0].strip()) >= 4 and len(parts[1].strip()) >= 4:
        return {"complaint_description": parts[0].strip(), "complaint_demand": parts[1].strip()}
    return {"complaint_description": text}


ANSWER_ENTITIES = {"person_name", "phone", "policy_number", "complaint_type"}
DETAILS = {"person_name", "phone", "policy_number"}
# A name spelled out character by character after it is given: "木子李", "桂花的桂", "弓长张"
SPELLS = re.compile(r"[\u4e00-\u9fff]{1,3}的?([\u4e00-\u9fff])")


def without_details(text: str, tracker: Tracker) -> str:
    """`text` without the clauses that only give a name, mobile or policy number: "诉求：重新审核，按合同赔付。
    我是刘芳，手机136…" demands a re-review; the rest fills the contact questions."""
    raw = tracker.latest_message.get("text") or ""
    entities = tracker.latest_message.get("entities", [])
    spans = [(e["start"], e["end"]) for e in entities
             if e.get("entity") in DETAILS and isinstance(e.get("start"), int) and e.get("end", 0) > e["start"]]
    name = "".join(str(e.get("value") or "") for e in entities if e.get("entity") == "person_name")
    at = raw.find(text)
    if not spans or at < 0:
        return text
    parts = CLAUSES.split(text)
    kept = []
    for clause, sep in zip(parts[::2], [*parts[1::2], ""], strict=True):
        covered = sum(1 for k in range(at, at + len(clause)) if any(a <= k < b for a, b in spans))
        spelled = (m := SPELLS.fullmatch(clause)) and m.group(1) in name
        if not clause or covered * 2 < len(clause) and not spelled:
            kept.append(clause + sep)
        at += len(clause) + len(sep)
    return "".join(kept).strip(" ，,。.")  # "" when the message only gave details


def told_more(tracker: Tracker, description: str | None) -> str | None:
    """More of the story told while another question is asked ("今天不给个说法我就打12378，再不行请律师起诉你们"
    when the type is asked): it belongs to the description, where the backend's risk rules read it, rather than
    being refused as a failed answer."""
    intent = tracker.latest_message.get("intent", {}).get("name")
    text = tracker.latest_message.get("text", "")
    entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
    if (not description or tracker.get_slot("requested_slot") in (None, "complaint_description", "complaint_demand")
            or intent not in ("file_complaint", "urge") or entities & ANSWER_ENTITIES or not is_account(text)):
        return None
    more = story_of(text)
    return more if more and more not in description else None


# A promise broken or the company sworn at: "说好今天上午给我回电话，到现在鬼影都没一个", "什么破公司", "真他妈不靠谱"
BROKEN = (r"说好(?:了)?(?:今天|明天|昨天|上午|下午|晚上|要|会|给|回)|鬼影|言而无信|放鸽子"
          r"|不靠谱|靠不住|破公司|什么破|他妈|妈的|tmd|尼玛")
# Words of a grievance: a message without any is no complaint, however NLU leans ("六十天。是从哪天算。").
GRIEVANCE = re.compile(
    r"投诉|不满|骗|忽悠|误导|态度|拖|推诿|踢皮球|凭什么|坑|说法|不合理|欺诈|冒用|伪造|挂.{0,2}电话|电话.{0,3}挂"
    r"|没人(?:管|理|接|联系|回)|不耐烦|太慢|太差|差劲|垃圾|退还|退钱|赔偿|道歉|曝光|起诉|律师|12378|监管|报警"
    r"|拒赔|不赔|不给(?:赔|报|退)|乱扣|乱收|离谱|过分|气死|恶心|呃人|呃我|只(?:能)?(?:拿回|退)|亏了|蚀"
    r"|亏(?:掉|一大半|大半|一半|很多|好多|惨)|才(?:拿回|退)"
    r"|拍胸脯|说好的|全额退|烦死|骚扰|天天(?:打|发)|老是打|一直打|到现在(?:都|也|还)?没|" + BROKEN, re.IGNORECASE)


# …and the ones that make a story a complaint even when NLU leaned elsewhere (not a claim refused: "…说是既往症不赔"
# may ask what can be done)
FIRM_GRIEVANCE = re.compile(r"投诉|骗|忽悠|误导|坑|凭什么|态度|说法|退还|退钱|道歉|曝光|起诉|律师|12378|监管|报警"
                            r"|只(?:能)?(?:拿回|退)|亏了|蚀|呃(?:人|我|钱|咗|晒)|冒用|伪造|拍胸脯|全额退"
                            r"|亏(?:了?一大半|了?大半|了?一半)|才(?:拿回|退)|" + BROKEN, re.IGNORECASE)


def grievance_before(tracker: Tracker) -> str | None:
    """The grievance told in the message just before the one that asked to complain, which a bare request ("我要
    投诉她") refers to — not a question the bot answered (faq), unless it was a firm grievance ("凭什么拒赔啊…")."""
    parse = turns.message(tracker, 1)
    text = parse.get("text") or ""
    story = story_of(text)  # without asking about complaints ("你们投诉一般多久处理完？")
    asked = turns.intent(parse) == "faq"
    if not is_account(text) or not GRIEVANCE.search(story) or asked and not FIRM_GRIEVANCE.search(story):
        text = burst_before(tracker)
    if not text:
        return None
    claim = tracker.get_slot("claim_number")
    return f"（理赔案件 {claim}）{text}" if claim and claim not in text else text


# A grievance typed in bursts, as in WeChat ("我打了好几次电话" / "都没人接" / "你们怎么回事啊"): messages NLU
# could not place one by one, none of them answered as a question of its own
BURST_TURNS = 3
BURST_INTENTS = {"nlu_fallback", "out_of_scope", "inform", "faq", "file_complaint"}


def burst_before(tracker: Tracker) -> str | None:
    """The grievance the last few short messages before the request tell together, or None."""
    texts: list[str] = []
    for back in range(1, BURST_TURNS + 1):
        parse = turns.message(tracker, back)
        sure = (turns.topic(parse).get("confidence") or 0.0) >= topic_confidence.SURE
        answered = turns.intent(parse) == "faq" and sure
        if not parse.get("text") or turns.intent(parse) not in BURST_INTENTS or answered:
            break
        texts.insert(0, parse["text"].strip())
    told = "，".join(texts)
    return told if len(texts) > 1 and is_account(told) and GRIEVANCE.search(story_of(told)) else None


# "还是要投诉" / "继续投诉吧": a complaint given up earlier in the chat, taken up again
RESUMED = re.compile(r"还是(?:要|得|想)?投诉|继续投诉|接着投诉|还是投|重新投诉")
STORY_TURNS = 6


def story_told(tracker: Tracker) -> str | None:
    """The grievance the customer told earlier in this chat (the latest one), within STORY_TURNS messages."""
    for back in range(1, STORY_TURNS + 1):
        text = turns.message(tracker, back).get("text") or ""
        if is_account(text) and GRIEVANCE.search(story_of(text)):
            return text
    return None


def more_story(answer: str) -> bool:
    """Does an answer to the demand question tell more of what happened rather than what the customer wants?"""
    return is_account(answer) and not DEMANDS.search(answer)


def opening_story(tracker: Tracker) -> str | None:
    """What the message that asked to complain told, though too short to count as the description at the time
    ("拒赔理由你们也没说清楚 我要投诉"), with the claim it is about when one was verified in this chat."""
    for back in range(1, 4):
        parse = turns.message(tracker, back)
        if turns.intent(parse) != "file_complaint":
            continue
        story = OPENER.sub("", story_of(parse.get("text") or "")).strip(" ，,。.!！")
        if len(WORDS.findall(story)) < 4:
            return None
        claim = tracker.get_slot("claim_number")
        return f"（理赔案件 {claim}）{story}" if claim and tracker.get_slot("verified_case") == claim else story
    return None


def demand_first(dispatcher: CollectingDispatcher, tracker: Tracker, demand: str) -> dict[str, Any]:
    """"诉求就是重新核赔，该赔多少赔多少" answered to "what happened": the demand. What happened is then what the
    customer said when asking to complain, or is asked again."""
    if story := opening_story(tracker):
        return {"complaint_demand": demand, "complaint_description": story}
    say(dispatcher, tracker, "好的，您的诉求我记下了。")
    return {"complaint_demand": demand}


async def type_in_words(text: str, longest: int | None = TYPE_ANSWER_CHARS) -> str | None:
    """The type a short answer names in its own words, as the backend reads a description ("理赔的问题" → 理赔纠纷);
    `longest=None`: the type a whole story points to."""
    if not WORDS.search(text) or (longest is not None and len(text) > longest):
        return None
    try:
        return (await backend().get("/api/v1/complaints/suggest-type", params={"text": text}))["type"]
    except ApiError:
        return None


# "另外还要投诉…" / "再投诉一个": a new complaint, even right after another one's progress
ANOTHER_COMPLAINT = re.compile(r"另外|另一|再投诉|还要投诉|新的投诉|再登记|也要投诉|还有一件|还有个事")
# "投诉了也没人理", "今天下午投诉过 到现在没人回电话": a grievance about a complaint already filed
# …or how it stands, asked: "我投诉那个咋样了 都没人给我回电话", "我的投诉有结果了吗"
FILED_BEFORE = re.compile(r"投诉(?:过|了)(?:[^，,。！!？?]{0,6})?(?:没|不|还|都|也)|(?:已经|之前|上次|上回|早就)投诉"
                          r"|投诉(?:的)?(?:那个|那件|那单|那件事|的事|的那个)?(?:现在)?(?:咋样了?|怎么样了|如何了|进度|到哪"
                          r"|处理得|处理到|有结果|有回复|有消息|有进展|有下文|有人管)")


def about_a_filed_complaint(tracker: Tracker) -> bool:
    """Does the message that opens a complaint speak of one already filed, and ask for no new one?"""
    text = to_simplified(tracker.latest_message.get("text") or "")
    return bool(FILED_BEFORE.search(text)) and not ANOTHER_COMPLAINT.search(text)


COMPLAINS = re.compile(r"投诉|举报|申诉|不满|意见")
# A complaint supposed, and when it would be settled asked: "如果我2月3號投訴，最晚幾號會給我結果？"
IF_I_COMPLAINED = re.compile(r"(?:如果|要是|假如|假设|万一|若)[^，,。？?]{0,8}投诉")
WHEN_ASKED = re.compile(r"几号|哪天|哪一天|多久|多长时间|什么时候|啥时候|几时|最晚|最迟|几天")


def request_of_a_question(tracker: Tracker) -> str | None:
    """The FAQ answer for a message read as a complaint that tells no grievance and names no complaint, when NLU's
    next reading is the FAQ and its topic is sure; None otherwise."""
    message = tracker.latest_message
    text = to_simplified(message.get("text") or "")
    ranking = [i.get("name") for i in message.get("intent_ranking") or []]
    if ranking[1:2] != ["faq"] or COMPLAINS.search(text) or GRIEVANCE.search(text) or is_account(story_of(text)) and (
            FIRM_GRIEVANCE.search(text)):
        return None
    return turns.topic_at(message, topic_confidence.SURE)


# "保单号回头再发", "单号一时找不到": the policy number, not given now
POLICY_DEFERRED = re.compile(r"(?:保单|报单|单号).{0,8}(?:" + NONE_ANYWHERE.pattern + ")")
# …and said beside the demand: "…要求一周内给我明确的赔付结果 理赔号我现在手上没有"
NUMBER_ASIDE = re.compile(r"(?:(?:保单|报单|理赔|案件|投诉)(?:号码?|单号|编号)|号码|单号|编号|案号).{0,10}"
                          r"(?:没有|没带|找不到|不记得|忘了|回头|晚点|以后)[^，,。；;\s]*")
# "对 我要投诉 要求…": agreement and the request itself, before the demand
DEMAND_PREAMBLE = re.compile(r"^(?:(?:对|是的?|嗯|好)[\s,，]*)?(?:我)?(?:要|想)?投诉(?:你们)?[\s,，]*")


def demand_words(answer: str) -> str:
    """The demand without the preamble and the asides about numbers said with it."""
    return NUMBER_ASIDE.sub("", DEMAND_PREAMBLE.sub("", answer)).strip(" ，,。") or answer
AGREES = re.compile(r"^(?:对|是的?|没错|嗯|好|行|可以|就是)")
# …a yes as a clause of its own, whatever follows it
AGREES_FIRST = re.compile(r"^(?:对|是的|没错|嗯|好的?|行|可以)+(?:[\s,，。!！]|$)")


CALL_AT = re.compile(r"打(?:吧|啊|呗|过来)?\s*$")
CALL_WANTED = re.compile(r"回(?:个)?电话|回电|打(?:个)?电话|联系我")


def call_back_wished(tracker: Tracker) -> str | None:
    """When the customer wants to be called back, said with the call ("明天一早9点就给我打"), as the reply shows it."""
    time, text = latest_entity(tracker, "time"), to_simplified(tracker.latest_message.get("text") or "")
    # "明儿上午十点打吧" after a demand to be called back ("让她领导给俺回个电话")
    called = CALL_AT.search(text) and CALL_WANTED.search(tracker.get_slot("complaint_demand") or "")
    if not time or not (service_in_words(text) == "电话回访" or called):
        return None
    try:
        said = slot_time(str(the_time_wanted(tracker) or time.get("value")))
    except ValueError:
        return None
    if not said.endswith("00:00"):
        return said
    # "明天一上班就让领导给我打电话": a day, no hour — not midnight
    return said.removesuffix("00:00") + ("上班后" if re.search(r"上班|一早", text) else "")


# No particular demand: "没有", "不用了", "没什么要求"
NO_DEMAND = re.compile(r"(?:没有|没|无|不用|不需要|没什么|没啥)(?:特别的?)?(?:要求)?(?:了|的|啊|吧)?")


async def case_proved(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """"LP2026110490104 7003" to one of the complaint's questions: the case it is about, with its proof. Checked
    (then the records' name and mobile are offered as the contact), and noted in the description; the question is
    asked again. None when the message proves no case."""
    asked = tracker.get_slot("requested_slot")
    found = latest_entity(tracker, "claim_number") or latest_entity(tracker, "policy_number")
    if not found or asked in (None, "complaint_policy_number") or not (digits := digits_beside(tracker)):
        return None
    number = str(found.get("value") or "").upper()
    result = await verify(tracker, number, digits)
    if not result.ok:
        say(dispatcher, tracker, result.message)
        return []
    note = f"涉及{'理赔案件' if number.startswith('LP') else '保单'} {number}"
    before = tracker.get_slot("complaint_description")
    say(dispatcher, tracker, f"已核实，{note}，我记到投诉里了。")
    return [SlotSet("verification_token", result.token), SlotSet("verified_case", number),
            *([SlotSet("complaint_description", f"{before}（{note}）")] if before and number not in before else []),
            *([SlotSet("complaint_policy_number", number)] if number.startswith("P") else [])]


# "…这不是骗人吗", "难道…", "有你们这样做生意的吗": a question that asks nothing, said in anger
RHETORICAL = re.compile(r"(?:这|那|还|岂)不(?:是|就是).{0,8}吗\s*[?？!！]*$|难道|有(?:你们)?这样.{0,8}吗"
                        r"|还有没有天理|讲不讲理")


def demand_said(text: str) -> str | None:
    """The words that state a demand: all of them when they start with one ("我要求…"), else the first sentence that
    does ("哎，电话写错了，…。我的要求就一条，…"); None when none does."""
    if DEMAND_FIRST.match(text):
        return text
    return next((part.strip() for part in SENTENCES.findall(text) if DEMAND_FIRST.match(part.strip())), None)


def question_beside_the_complaint(tracker: Tracker) -> str | None:
    """The FAQ answer for a question asked beside the complaint that starts ("申请理赔一般都要准备哪些东西？另外…我要
    投诉他", "…投訴一般要幾耐先有回覆？"), when the topic is sure and not how to complain (that is being done);
    None otherwise."""
    answer = turns.topic_at(tracker.latest_message, topic_confidence.SURE)
    text = to_simplified(tracker.latest_message.get("text") or "")
    # (a question of its own, asking what or how — not "这不是骗人吗？" said in anger)
    asked = [q for q in QUESTIONS.findall(text) if WH.search(q) and not PRESSES.search(q) and not RHETORICAL.search(q)]
    if not (answer and asked) or answer.startswith("utter_faq/complaint") and answer != COMPLAINT_TIMELINE:
        return None
    return answer


def not_begun() -> list:
    """The form ended before it began (a rating, a question, a complaint already filed): nothing of it is kept."""
    return [SlotSet("requested_slot", None), *(SlotSet(name, None) for name in FORM_SLOTS["complaint_form"])]


class ValidateComplaintForm(ContactFormValidator):
    def name(self) -> str:
        return "validate_complaint_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        case = case_just_told(tracker)
        text = to_simplified(tracker.latest_message.get("text") or "")
        if not tracker.get_slot("requested_slot") and SCORE_SAID.search(text) and not GRIEVANCE.search(text):
            # "甚好，不胜感激。此次服务，本人评五分。" (file_complaint 0.46): a rating, no grievance to register
            return [*await store_rating(dispatcher, tracker, score_of(tracker)), *not_begun()]
        if not tracker.get_slot("requested_slot") and IF_I_COMPLAINED.search(text) and WHEN_ASKED.search(text) and (
                dated := await dated_timeline(tracker, COMPLAINT_TIMELINE, from_now=True)):
            # "如果我2月3號投訴，最晚幾號會給我結果？" (read as file_complaint): how long one would take, not one filed
            say(dispatcher, tracker, dated + "需要的话，我现在就可以帮您登记投诉。",
                [choice("我要投诉", "file_complaint")])
            return not_begun()
        if not tracker.get_slot("requested_slot") and (answer := request_of_a_question(tracker)):
            # "我要求你们把我的个人信息全部删掉": a demand, but one the FAQ answers (how, and who does it) — no
            # grievance to register
            dispatcher.utter_message(response=answer)
            return not_begun()
        if not tracker.get_slot("requested_slot") and case and case[0] == "投诉" and not case[2] and not (
                ANOTHER_COMPLAINT.search(text)):
            # "你们就是拖 这都三天了还在分析" right after that complaint's stage: a grievance about its handling, for
            # which it is urged or a human takes over — not a second complaint about the same thing
            say(dispatcher, tracker, "非常抱歉让您久等了，您的心情我们理解。")
            await about_the_case_told(dispatcher, tracker, case)
            return not_begun()
        if not tracker.get_slot("requested_slot") and not latest_entity(tracker, "complaint_number") and (
                about_a_filed_complaint(tracker)):
            # "你们到底还管不管！…投诉了也没人理！": the complaint already filed is looked up (its progress form asks
            # for the number), not a second one opened about it
            say(dispatcher, tracker, "非常抱歉让您久等了。我先帮您查一下之前那件投诉的处理进度。")
            return not_begun()
        if self.replying(tracker) and (proved := await case_proved(dispatcher, tracker)) is not None:
            return proved
        if (existing := latest_entity(tracker, "complaint_number")) and self.replying(tracker) and not (
                ANOTHER_COMPLAINT.search(text)):
            # "TS20261120-9001 尾号8001" to "what do you want": the grievance is about a complaint already filed
            # ("今天下午投诉过 到现在也没人回我电话") — its progress is looked up, no second complaint opened
            say(dispatcher, tracker, f"好的，您说的是已登记的投诉 {existing.get('value')}，这就为您查询处理进度。")
            return [*not_begun(),
                    SlotSet("complaint_number", existing.get("value"))]
        if not tracker.get_slot("requested_slot") and (asked := question_beside_the_complaint(tracker)):
            # "申请理赔要准备哪些东西？另外…我要投诉他": the question answered, then the complaint taken; how long
            # this one takes, counted from now
            dated = await dated_timeline(tracker, COMPLAINT_TIMELINE, from_now=True) if (
                asked == COMPLAINT_TIMELINE) else None
            if dated:
                say(dispatcher, tracker, dated)
            else:
                dispatcher.utter_message(response=asked)
        return await super().run(dispatcher, tracker, domain)

    async def extract_complaint_description(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        text = tracker.latest_message.get("text", "")
        intent = tracker.latest_message.get("intent", {}).get("name")
        # "我要投诉业务员误导我…": the opening message already describes the problem.
        before = tracker.get_slot("complaint_description")
        if before is None and intent == "file_complaint" and RESUMED.search(text) and (told := story_told(tracker)):
            return complaint_slots(told)  # "算了 不投了" … "不行 越想越气 还是要投诉": what was told the first time
        if before is None and intent == "file_complaint" and is_account(text):
            return complaint_slots(text)
        if before is None and intent == "file_complaint" and (story := grievance_before(tracker)):
            # "你们客服什么态度…把我电话挂了" then "我要投诉她" — or "我要投诉 要求你们重新核赔", the demand with it
            demand = complaint_slots(text).get("complaint_demand") if DEMAND_FIRST.match(
                OPENER.sub("", text.strip())) else None
            return complaint_slots(story) | ({"complaint_demand": demand} if demand else {})
        if more := told_more(tracker, before):
            return {"complaint_description": f"{before}；{more}"}
        answer = without_details(free_text(tracker, "complaint_description") or "", tracker)
        if answer and DEMAND_FIRST.match(answer):
            return demand_first(dispatcher, tracker, answer)
        return complaint_slots(answer) if answer else {}

    async def extract_complaint_demand(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        answer = free_text(tracker, "complaint_demand")
        asked = tracker.get_slot("requested_slot")
        text = (tracker.latest_message.get("text") or "").strip()
        named = [t for t in (await get_policy())["complaint"]["types"] if t in text]
        if asked == "complaint_demand" and named and len(text) <= TYPE_ANSWER_CHARS:
            # "对 就是理赔纠纷" to "what do you want": the type, said ahead of its question — no demand
            return {"complaint_type": named[0]}
        if not answer and asked not in (None, "complaint_description", "complaint_demand"):
            # "要求马上注销这份保单，把扣的钱全退回来" to another question, or to the read-back ("需要修改可以直接
            # 告诉我"): the demand, (re)stated — the latest statement of it stands
            text = (tracker.latest_message.get("text") or "").strip()
            # (…or said after a correction: "哎，电话写错了，…是135…87。我的要求就一条，把我交的钱全部退给我")
            answer = demand_said(text)
            if not answer and not named and VAGUE_DEMAND.search(tracker.get_slot("complaint_demand") or "") and (
                    CONCRETE_DEMAND.search(to_simplified(text))):
                # "反正你们得给我个说法", then "那就 全额退保 把钱都退给我" to the type question: the demand, now said
                demand = demand_words(SAID_AROUND.sub("", text)) or text
                say(dispatcher, tracker, f"好的，您的诉求我更新为：{demand}。")
                return {"complaint_demand": demand}
        if asked not in (None, "complaint_description", "complaint_demand") and (when := call_back_wished(tracker)):
            # "明天一早9点就给我打" while the type is confirmed: when to be called back is part of what is wanted
            before = tracker.get_slot("complaint_demand")
            say(dispatcher, tracker, f"好的，希望{when}回电，已写进您的诉求，处理人员会按这个时间联系您。")
            return {"complaint_demand": f"{before}；希望{when}回电" if before else f"希望{when}回电"}
        answer = without_details(answer or "", tracker)
        answer = demand_said(answer) or answer  # "哎，电话写错了，…。我的要求就一条，…": the sentence saying it
        if answer and asked == "complaint_demand" and POLICY_DEFERRED.search(answer) and not DEMANDS.search(answer):
            # "黄志刚 13522223333 保单号回头再发" to "what do you want": contact details and no policy number yet,
            # no demand (the name and mobile are taken by their own extractors)
            return {"complaint_policy_number": "无"}
        if answer and asked == "complaint_demand" and (PRODUCT_ONLY.fullmatch(answer.strip(" ，,。")) or (
                CORRECTION_ONLY.fullmatch(to_simplified(answer)))) and not CONCRETE_DEMAND.search(answer):
            # "我叫吴德厚，电话135…，保单号是P…，是个分红型的寿险": which policy, not what is wanted — asked again
            # ("黃美玲，電話137…16，唔係，打錯咗，係137…61": the mobile put right, no demand either)
            return {}
        if answer and asked == "complaint_demand" and JUST_REGISTER.match(answer) and not DEMANDS.search(
                JUST_REGISTER.sub("", answer)):
            # "先给我登记 别推给别人": the complaint is being registered; what the customer wants is still to say
            say(dispatcher, tracker, "好的，这就为您登记，由我们直接受理，不会推给别人。")
            return {}
        if answer and asked == "complaint_demand" and not DEMAND_FIRST.match(answer) and not CONCRETE_DEMAND.search(
                answer) and await high_risk(answer):
            # "不给我弄好我就去12315 再找个记者发小红书曝光你们" to "what do you want": a threat, which belongs
            # with what happened (the backend reads its risk there); what is wanted is still to say
            before = tracker.get_slot("complaint_description")
            say(dispatcher, tracker, "明白了，您说的这些我补充到问题描述里，会一并转给处理人员。")
            return {"complaint_description": f"{before}；{answer}" if before else answer}
        if answer and asked == "complaint_demand" and more_story(answer):
            # "每个月从我卡里扣800 已经扣了半年了" to "what do you want": more of what happened, no demand yet
            before = tracker.get_slot("complaint_description")
            say(dispatcher, tracker, "明白了，这些情况我补充到问题描述里。")
            return {"complaint_description": f"{before}；{answer}" if before else answer}
        return {"complaint_demand": demand_words(answer)} if answer else {}

    async def validate_complaint_description(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        text = str(value or "").strip()
        if len(WORDS.findall(text)) < 4:
            return self.reject(
                dispatcher, tracker, "complaint_description", "请再具体描述一下发生了什么，方便我们调查处理。"
            )
        return self.accepted("complaint_description", text[:2000])

    async def validate_complaint_demand(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        text = str(value or "").strip()
        bare = text.strip("，,。.!！~～ ")
        again = tracker.get_slot("retry_slot") == "complaint_demand" and REPLY_WORDS.fullmatch(bare)
        if tracker.latest_message.get("intent", {}).get("name") == "deny" or NO_DEMAND.fullmatch(bare) or again:
            # (a bare yes a second time: nothing in particular is asked for — set 13, "对" then "好")
            text = DEFAULT_DEMAND
        elif not WORDS.search(text) or REPLY_WORDS.fullmatch(bare):
            # "👍", "。。。": nothing to act on; "对" (set 13: to "what do you want", after "我要再投诉一次！"): a yes
            return self.reject(
                dispatcher,
                tracker,
                "complaint_demand",
                "请用文字说说您希望我们怎么处理，例如退还保费、尽快赔付、赔礼道歉；没有特别要求的话回复“没有”。",
            )
        return self.accepted("complaint_demand", text[:2000])

    async def extract_complaint_type(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # "是的" to the proposed type confirms the suggestion.
        intent = tracker.latest_message.get("intent", {}).get("name")
        if (chosen := await type_left_to_us(tracker)) is not None:
            return chosen
        if (named := await type_named_early(tracker)) is not None:
            return named
        if tracker.get_slot("requested_slot") != "complaint_type":
            return {}
        # The customer typed a type instead of tapping it (the entity may be missed on a bare answer); "对，就是
        # 服务质量问题" names it in an agreement, so the name counts before the agreement does.
        text = tracker.latest_message.get("text") or ""
        named = [t for t in (await get_policy())["complaint"]["types"] if t in text]
        if len(named) == 1:
            return {"complaint_type": named[0]}
        if inferred := await type_in_words(text):  # "对 就是理赔的问题", "服务态度的问题": named in other words
            return {"complaint_type": inferred}
        suggested = tracker.get_slot("complaint_type_suggestion")
        if suggested and (intent == "affirm" or AGREES_FIRST.match(to_simplified(text))):
            return {"complaint_type": suggested}  # "对 家财险那张保单 电话就是尾号6004那个": yes, and more
        # Name, mobile or policy number given instead ("张伟，13512346798"): the customer goes on without objecting,
        # so the proposal stands for now. The read-back before submitting shows it, where it can be changed.
        beside = {"person_name", "phone", "complaint_policy_number"} & {
            name for name, value in tracker.slots_to_validate().items() if value}
        # nothing to propose, and the question passed over twice: no third asking
        if beside and not suggested and times_asked(tracker, TYPE_QUESTION) >= 2:
            return {"complaint_type": OTHER_TYPE, "complaint_type_suggestion": OTHER_TYPE}
        return {"complaint_type": suggested} if suggested and beside else {}

    async def validate_complaint_type(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        types = (await get_policy())["complaint"]["types"]
        intent = tracker.latest_message.get("intent", {}).get("name")
        text = to_simplified(tracker.latest_message.get("text") or "").strip()
        # ("对 就是合同条款的问题" agrees, in words: no note that the type was only assumed)
        agreed = intent == "affirm" or value in text or value[:4] in text or AGREES.match(text)
        if value == tracker.get_slot("complaint_type_suggestion") and not agreed:
            say(dispatcher, tracker, f"投诉类型先按「{value}」登记，提交前的确认信息里可以修改。")
        if value not in types:
            return self.reject(
                dispatcher,
                tracker,
                "complaint_type",
                "抱歉，我没能对应到投诉类型，请从下面选一个最接近的。",
            )
        return self.accepted("complaint_type", value)

    async def extract_complaint_policy_number(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        # a bare 不是/没有 is the `deny` mapping in domain.yml; this takes the worded ones ("没有保单号"), also when
        # said with other answers before the question comes ("丁晓东，135…，保单号不记得了")
        if latest_entity(tracker, "policy_number"):
            return {}
        declined = says_none(tracker) or declined_optional(tracker, ["complaint_policy_number"])
        return {"complaint_policy_number": "无"} if declined else {}

    async def validate_complaint_policy_number(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        number = str(value or "").strip().upper()
        if number == "无" or POLICY_RE.match(number):
            return self.accepted("complaint_policy_number", number)
        return self.reject(
            dispatcher, tracker, "complaint_policy_number", "保单号是 P 开头加13位数字；不涉及保单请回复“没有”。"
        )

    async def validate_complaint_confirmed(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        if counted := await counting_explained(tracker):
            say(dispatcher, tracker, counted)  # "唔系啊 7日咪即系下礼拜一14号啰 你计错咗啩": no "no", a count disputed
            return {"complaint_confirmed": None}
        return self.accepted("complaint_confirmed", value)


CLAIM_DISPUTE = "理赔纠纷"

# The type named before it is asked: "系 就系服务态度问题 我叫…", "我要投诉的是销售误导" (not "不是条款的问题")
TYPE_CALLED = re.compile(r"(?<![不别])(?:就是|就系|是|系|属于|算是?|类型是?)\s*([^\s，。,！!？?]{2,8}?)的?问题")
NOT_THIS = re.compile(r"(?:不是|不系|不算|别|唔系)\S{0,3}$")


async def type_named_early(tracker: Tracker) -> dict[str, Any] | None:
    """A type the customer names while another question is asked (at the type question the form's own reading
    applies): a type of the policy's list said outright, or "X问题" as the backend reads X."""
    if tracker.get_slot("complaint_type") or tracker.get_slot("requested_slot") in (None, "complaint_type"):
        return None
    text = to_simplified(tracker.latest_message.get("text") or "")
    types = (await get_policy())["complaint"]["types"]
    named = [t for t in types if t in text and not NOT_THIS.search(text[: text.index(t)])]
    if len(named) == 1:
        return {"complaint_type": named[0], "complaint_type_suggestion": named[0]}
    if (called := TYPE_CALLED.search(text)) and (kind := await type_in_words(called.group(1) + "问题")):
        return {"complaint_type": kind, "complaint_type_suggestion": kind}
    return None


# The type left to us: "类型你看着办", "就按你说的那个类型", "什么类型都行"
LEFT_TO_US = re.compile(r"看着办|你(?:们)?(?:来)?定|你(?:们)?(?:帮我)?选|随便|都行|都可以|无所谓|按你(?:们)?说的"
                        r"|你(?:们)?说的那个|你(?:们)?说了算|听你(?:们)?的|按你(?:们)?的(?:来|意思)?")
TYPE_WORD = re.compile(r"类型|类别|分类|哪一?类|什么类|啥类")


async def type_left_to_us(tracker: Tracker) -> dict[str, Any] | None:
    """The type the customer leaves to us, chosen: the one proposed, else the one the description points to, else
    the catch-all. At the type question any such words count; before it, only said of the type ("…类型你看着办")."""
    if tracker.get_slot("complaint_type"):
        return None
    text = to_simplified(tracker.latest_message.get("text") or "")
    asked = tracker.get_slot("requested_slot") == "complaint_type"
    if not LEFT_TO_US.search(text) or not (asked or TYPE_WORD.search(text)):
        return None
    story = " ".join(str(tracker.get_slot(name) or "") for name in ("complaint_description", "complaint_demand"))
    chosen = (tracker.get_slot("complaint_type_suggestion") or await type_in_words(f"{story} {text}", longest=None)
              or OTHER_TYPE)
    return {"complaint_type": chosen, "complaint_type_suggestion": chosen}


def claim_in_dispute(tracker: Tracker) -> bool:
    """Is the complaint about a claim verified in this chat (its description names no type the backend knows)?"""
    verified = str(tracker.get_slot("verified_case") or "")
    return verified.startswith("LP") or verified.startswith("P") and bool(tracker.get_slot("claim_number"))


class ActionAskComplaintType(Action):
    """Propose the type the backend infers from the description; the customer confirms or picks."""

    def name(self) -> str:
        return "action_ask_complaint_type"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        try:
            out = await backend().get(
                "/api/v1/complaints/suggest-type", params={"text": tracker.get_slot("complaint_description") or ""}
            )
        except ApiError:
            out = {"type": None, "types": (await get_policy())["complaint"]["types"]}
        buttons = [choice(t, "inform", complaint_type=t) for t in out["types"]]
        if not out["type"] and CLAIM_DISPUTE in out["types"] and claim_in_dispute(tracker):
            out["type"] = CLAIM_DISPUTE  # "冇理由都得㗎？…呢單我一定要投訴" right after a claim was told refused
        if out["type"]:
            say(
                dispatcher,
                tracker,
                f"根据您的描述，这个问题属于「{out['type']}」，对吗？不对的话请选择其他类型：",
                [choice(f"是的，{out['type']}", "inform", complaint_type=out["type"])]
                + [b for b in buttons if out["type"] not in b["payload"]],
            )
            return [SlotSet("complaint_type_suggestion", out["type"])]
        say(dispatcher, tracker, TYPE_QUESTION, buttons)
        return []


class ActionAskComplaintConfirmed(Action):
    def name(self) -> str:
        return "action_ask_complaint_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        s = tracker.get_slot
        policy = s("complaint_policy_number")
        say(
            dispatcher,
            tracker,
            "\n".join(
                [
                    "请确认投诉信息：",
                    f"· 问题描述：{s('complaint_description')}",
                    f"· 您的诉求：{s('complaint_demand')}",
                    f"· 投诉类型：{s('complaint_type')}",
                    f"· 联系人：{shown_name(tracker, s('person_name'))}，电话：{shown_phone(tracker, s('phone'))}",
                    f"· 涉及保单：{policy if policy and policy != '无' else '无'}",
                    "信息无误请回复“确认”；需要修改可以直接告诉我，例如“电话是138……”。",
                ]
            ),
            [choice("确认提交", "affirm"), choice("先不提交", "deny")],
        )
        return []


class ActionSubmitComplaint(Action):
    """Register the complaint; reply with its number and the policy's promises; high risk → offer a human."""

    def name(self) -> str:
        return "action_submit_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        s = tracker.get_slot
        resets = [
            SlotSet(k, None)
            for k in (
                "complaint_description",
                "complaint_demand",
                "complaint_type",
                "complaint_policy_number",
                "complaint_confirmed",
                "complaint_type_suggestion",
            )
        ]
        if not s("complaint_confirmed") and not s("complaint_description") and any(
                e.get("event") == "bot" for e in turns.reply(tracker)):
            # never begun: the form ended as it started, and said why (ValidateComplaintForm.run) — or it was
            # about a complaint already filed, whose progress comes next
            filed = s("complaint_number") and latest_entity(tracker, "complaint_number") or about_a_filed_complaint(
                tracker)
            return resets + ([FollowupAction("complaint_progress_form")] if filed else [])
        if not s("complaint_confirmed"):
            say(dispatcher, tracker, "好的，本次投诉未提交。如需帮助随时告诉我。")
            return resets + claim_left_aside(dispatcher, tracker)
        policy = s("complaint_policy_number")
        complaint = {
            "description": s("complaint_description"),
            "demand": s("complaint_demand"),
            "type": s("complaint_type"),
            "channel": "微信" if tracker.get_latest_input_channel() == "wechat" else "在线",
            "contact_name": s("person_name"),
            "contact_mobile": s("phone"),
            "policy_number": policy if policy and policy != "无" else None,
            "conversation_id": tracker.sender_id,
        }
        try:
            try:
                out = await backend().post("/api/v1/complaints", json=complaint)
            except ApiError as exc:
                if exc.detail.get("field") != "policy_number" or not complaint["policy_number"]:
                    raise
                # A policy number the records do not know (mistyped, or another insurer's) must not lose the
                # complaint: filed without the link, the number kept in its words for the handler to check
                complaint["description"] += f"（客户提供的保单号 {policy}，系统中未找到）"
                out = await backend().post("/api/v1/complaints", json=complaint | {"policy_number": None})
                say(dispatcher, tracker, f"您提供的保单号 {policy} 在系统里没有找到，我先不关联保单提交投诉，"
                    "保单号已写进投诉内容，工作人员核实时会跟您确认。")
        except ApiError as exc:
            say(dispatcher, tracker, f"抱歉，投诉提交失败：{exc.message}")
            return resets
        promises = out["promises"]
        say(
            dispatcher,
            tracker,
            f"您的投诉已受理，投诉编号：{out['number']}。\n"
            f"我们承诺在 {int(promises['feedback']['hours'])} 小时内（{deadline(out['feedback_due'])}前）"
            "与您联系反馈进展，"
            f"并在 {promises['resolution']['working_days']} 个工作日内（{deadline(out['resolution_due'])}前）"
            "给出处理结果。"
            "请保存好投诉编号，方便查询进度。",
        )
        events = resets + [SlotSet("complaint_number", out["number"])]
        if out["high_risk"]:
            say(
                dispatcher,
                tracker,
                "您反映的情况我们非常重视，已为您加急并提交主管优先处理。现在为您转接人工客服吗？",
                [choice("转人工客服", "request_human"), choice("暂时不用", "deny")],
            )
            events.append(SlotSet("handover_reason", "high_risk"))
            return events  # a human is offered now: the claim is theirs to look up with the customer
        return events + claim_left_aside(dispatcher, tracker)


LOOKS_UP = re.compile(r"查|进度|进展|到哪|怎么样了|结果")


def claim_left_aside(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
    """"查理赔LP2026110490104 顺便我要投诉你们定损员…": two requests in one message; the complaint came first, the
    claim is next — looked up at once when it was asked about, offered otherwise. Only a claim never looked up
    in this chat: one verified or refused (locked out) since is not brought up again."""
    claim = tracker.get_slot("claim_number")
    looked_up = any(e.get("event") == "action" and e.get("name") == "claim_progress_form" for e in tracker.events)
    if not claim or looked_up or tracker.get_slot("verified_case") == claim:
        return []
    said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user" and any(
        x.get("entity") == "claim_number" for x in (e.get("parse_data") or {}).get("entities", []))]
    if any(LOOKS_UP.search(text) for text in said):
        say(dispatcher, tracker, f"接下来为您查询理赔案件 {claim} 的进度。")
        return [FollowupAction("claim_progress_form")]
    say(dispatcher, tracker, f"需要的话，我也可以帮您查询理赔案件 {claim} 的进度。",
        [choice("查询理赔进度", "check_claim_progress", claim_number=claim), choice("不用了", "deny")])
    return []


class ValidateComplaintProgressForm(VerifyingForm):
    case_slot = "complaint_number"

    def name(self) -> str:
        return "validate_complaint_progress_form"

    async def validate_complaint_number(self, value, dispatcher, tracker, domain: DomainDict) -> dict[str, Any]:
        number = str(value or "").strip().upper()
        if not COMPLAINT_RE.match(number):
            return self.reject(
                dispatcher,
                tracker,
                "complaint_number",
                "投诉编号格式是 TS + 8位日期 + - + 4位数字（例如 TS20261122-0001），请核对。",
            )
        return await case_taken(self, tracker, "complaint_number", number)


class ActionComplaintProgress(Action):
    def name(self) -> str:
        return "action_complaint_progress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        number, token = tracker.get_slot("complaint_number"), tracker.get_slot("verification_token")
        # (no verdict pending in every outcome: the rules end the turn on it; without it the policies found no next
        # action, and "那我九点再来吧", which ends the look-up, got "再见" eight times over)
        no_verdict = SlotSet("complaint_awaiting_verdict", False)
        if (elsewhere := handed_on(tracker, "complaint_progress_form")) is not None:
            return [no_verdict, *elsewhere]  # the look-up gave way: to a booking, a data request's, or another case
        if not (number and token):
            return [no_verdict, FollowupAction("appointment_form")] if await booking_next(tracker) else [no_verdict]
        try:
            p = await backend().get(f"/api/v1/complaints/{number}/progress", token=token)
        except ApiError as exc:
            say(dispatcher, tracker, exc.message)
            return [SlotSet("id_last4", None), no_verdict]
        lines = [f"您的投诉 {number}（{p['type']}）当前处于【{p['stage']}】阶段：{p['stage_text']}"]
        if p.get("resolution"):
            lines.append(f"处理结果：{p['resolution']}")
        elif not p.get("finished"):
            lines.append(f"我们会在 {deadline(p['resolution_due'])} 前给出处理结果。")
        if p["overdue"]:
            # the result may still be days away while the promised first contact was missed: say which
            missed = "与您联系反馈进展" if p.get("breached") == ["feedback"] else "给出处理结果"
            lines.append(f"非常抱歉，我们没能在承诺的时限内{missed}。您可以回复“催办”，我会立即为您催办。")
        other = None if p.get("awaiting_confirmation") else other_case_offered(tracker, number)
        say(dispatcher, tracker, "\n".join([*lines, *(other[:1] if other else [])]), other[1] if other else None)
        # The case closes only on the customer's own verdict (RULES §4); the rules ask for it next.
        return [SlotSet("id_last4", None), SlotSet("complaint_awaiting_verdict", bool(p.get("awaiting_confirmation")))]
