"""The case just told in this chat: what the customer says next is most likely about it ("到底还缺什么",
"那大概还要多久", "24小时内真的会有人联系我？"). Read from the tracker's turns; the outlook asked of the backend."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment_places import BOOKING_WORDS, service_in_words
from actions.asks import high_risk
from actions.common import turns
from actions.common.api import ApiError, backend
from actions.common.closing import OWN_PLAN
from actions.common.format import day, deadline
from actions.common.reply import choice, say
from actions.common.verification import CORRECTS
from bot.script import to_simplified

PROGRESS_TOLD = {"action_claim_progress": ("理赔案件", "claim_number"),
                 "action_complaint_progress": ("投诉", "complaint_number"),
                 "action_submit_complaint": ("投诉", "complaint_number"),
                 "action_data_request_progress": ("个人信息申请", "data_request_number")}
DATA_REQUEST = "个人信息申请"  # kept apart: nothing to urge, and a human or a call-back is the way on
REGISTERED = "action_submit_complaint"
# Turns that keep the case told before them in view: a message not understood, or a question about the case
# ("审核中是啥意思" then "那大概还要多久", or "？？？"), or the urge it was given, up to CASE_TURNS messages back.
STILL_ON_THE_CASE = ("action_handle_fallback", "action_answer_faq", "action_out_of_scope", "action_greet",
                     "action_urge")
CASE_TURNS = 3
OUTLOOK_OFFER = "如果对进度有疑问或觉得太慢"
REJECTED = "已拒赔"  # the backend's status of a rejected claim


def case_just_told(tracker: Tracker) -> tuple[str, str, bool] | None:
    """The case in view (case_in_view), unless its outlook was just given: said again, it would answer nothing
    new."""
    if any(OUTLOOK_OFFER in text for text in turns.said(turns.reply(tracker, 1))):
        return None
    case = case_in_view(tracker)
    named = {e.get("value") for e in tracker.latest_message.get("entities", [])
             if e.get("entity") in ("claim_number", "complaint_number", "data_request_number")}
    # "我仲投訴咗㗎，TS…，而家點呀" right after a claim's outlook: the customer has moved on to the case named
    return None if case and named - {case[1]} else case


def case_in_view(tracker: Tracker) -> tuple[str, str, bool] | None:
    """(kind, number, just registered) of the case the bot's last reply told about (its progress, or that it
    was registered), if it did — or a reply before, when the messages between were not understood or asked
    about it: "查了又说不清楚" then "24小时内反馈？？都过去好几天了" is still about that case."""
    for back in range(1, CASE_TURNS + 1):
        told = [e.get("name") for e in turns.reply(tracker, back)
                if e.get("event") == "action" and e.get("name") in PROGRESS_TOLD]
        if told:
            kind, slot = PROGRESS_TOLD[told[-1]]
            number, registered = tracker.get_slot(slot), told[-1] == REGISTERED
            verified = tracker.get_slot("verified_case")
            proven = bool(verified) and verified in (number, tracker.get_slot("policy_number"))  # or its policy
            return (kind, number, registered) if number and (registered or proven) else None
        if not turns.ran(turns.reply(tracker, back), *STILL_ON_THE_CASE):
            return None
    return None


async def about_the_case_told(dispatcher: CollectingDispatcher, tracker: Tracker,
                              case: tuple[str, str, bool]) -> list:
    """"幾時先有結果？已經一個星期啦" / "到底还缺什么" right after a case's progress: NLU cannot place it, or finds
    it out of scope, but it is about that case — what is still missing, when it should be done, and the ways to
    speed it up. Right after a complaint was registered ("24小时内真的会有人联系我？"): that the promise holds,
    and what if not."""
    kind, number, registered = case
    if OWN_PLAN.search(to_simplified(tracker.latest_message.get("text") or "")):
        # "行吧我这礼拜就去弄": the customer will see to it — no third telling of what is missing
        say(dispatcher, tracker, f"好的。办好以后，随时把编号 {number} 发给我，我帮您查最新进度。"
            "还有什么可以帮您的吗？")
        return []
    if kind == DATA_REQUEST:
        return await about_the_request_told(dispatcher, tracker, number)
    if not registered and await high_risk(tracker.latest_message.get("text") or ""):
        # "明天再没人理我我就打12378 再发微博" after the case's outlook: his right, said plainly, and the complaint
        # that is taken at once and escalated — not the outlook again, nor a menu
        say(dispatcher, tracker, f"理解您的着急，您完全有权投诉，也可以向监管部门反映。如果您愿意，我现在就为您登记"
            f"投诉（关于{kind} {number}），这类投诉会作为重点投诉优先处理、立即升级给主管跟进；也可以先为您催办，"
            "或者转人工客服。", [choice("我要投诉", "file_complaint"), choice("帮我催办", "urge"),
                            choice("转人工客服", "request_human")])
        return []
    if registered:
        say(dispatcher, tracker, f"会的。您的投诉 {number} 已经受理，处理人员会在承诺的时限内主动联系您；超过时限"
            "系统会自动升级给主管跟进。到时还没人联系的话，随时告诉我投诉编号，我帮您催办，也可以转人工客服。",
            [choice("转人工客服", "request_human")])
        return []
    if DATE_PRESSED.search(to_simplified(tracker.latest_message.get("text") or "")) and urged_in_chat(tracker):
        # "别跟我打官腔，我就问今天钱能不能到账" after the overdue claim was urged: honestly, no date can be promised
        say(dispatcher, tracker, f"理解您着急。{kind} {number} 已经为您催办过，主管正在优先跟进。{NO_DATE_PROMISED}",
            [choice("转人工客服", "request_human")])
        return []
    p = await progress(tracker, number)
    if p.get("status") == REJECTED:
        # "凭什么拒陪？？…保险不赔买来干嘛": nothing left to urge on a rejected claim — a review or a complaint
        say(dispatcher, tracker, f"理解您的心情。您的{kind} {number} 的结论是拒赔。如果对结论有异议，可以申请复核，"
            "也可以登记投诉（理赔纠纷），会有专人重新核查，并在承诺时限内答复您；也可以转人工客服跟您沟通。",
            [choice("我要投诉", "file_complaint"), choice("转人工客服", "request_human")])
        return []
    if p.get("finished") and p.get("stage"):
        # "能不能给我重新打开" after a closed complaint: it cannot be urged or reopened — a new complaint can be filed
        say(dispatcher, tracker, f"投诉 {number} 已经办结关闭，无法重新打开或催办。如果您对处理结果仍有异议，"
            "我可以马上为您登记一条新的投诉，由专人重新处理；也可以转人工客服跟您沟通。",
            [choice("我要投诉", "file_complaint"), choice("转人工客服", "request_human")])
        return []
    if p.get("finished") and p.get("status_text"):
        # "即系啲钱已经俾咗我啦？" after a closed claim: what that status means, not an offer to speed it up
        say(dispatcher, tracker, f"关于您的{kind} {number}（{p['status']}）：{p['status_text']}如有疑问，可以转人工客服"
            "为您核实。", [choice("转人工客服", "request_human")])
        return []
    facts = "".join(case_outlook(number, p))
    say(dispatcher, tracker, f"关于您的{kind} {number}：{facts}{OUTLOOK_OFFER}，我可以马上为您催办，"
        "案件会提交主管优先跟进；也可以为您转人工客服，由专人跟您沟通。",
        [choice("帮我催办", "urge"), choice("转人工客服", "request_human")])
    return []


async def about_the_request_told(dispatcher: CollectingDispatcher, tracker: Tracker, number: str) -> list:
    """"都四天了还在核验身份？", "那最晚哪天必须给我办好" after a personal-data request's status: why the step is there,
    the date it is answered by, and the ways to a person. Nothing to urge (the backend's escalation watches its
    deadline); the chat cannot see why it is still at that step, so it gives no reason."""
    p = await progress(tracker, number)
    if not p:  # the proof lapsed or the backend is away: nothing to say about the request itself
        say(dispatcher, tracker, f"抱歉，个人信息申请 {number} 的最新情况我这里暂时查不到。想尽快问清楚的话，可以预约"
            "电话回访，或者转人工客服。", [choice("预约电话回访", "book_appointment", service_type="电话回访"),
                                  choice("转人工客服", "request_human")])
        return []
    if p.get("finished"):
        result = f"处理结果：{p['resolution']}。" if p.get("resolution") else ""
        say(dispatcher, tracker, f"您的个人信息申请 {number} 已经办结。{result}如有疑问，可以转人工客服为您核实。",
            [choice("转人工客服", "request_human")])
        return []
    # (the identity check, whatever the backend calls it — 核实身份 — is the step customers ask about)
    step = (f"目前在【{p['status']}】这一步：修改或查阅个人信息之前必须先核实是您本人，这是为了保护您的信息安全。"
            if "身份" in p["status"] else f"目前在【{p['status']}】这一步。")
    due = f"按规定，个人信息申请最晚在 {deadline(p['due_at'])} 前答复您"
    due += "，现在已经超过了这个时限，非常抱歉，建议转人工客服马上跟进。" if p.get("overdue") else "，目前仍在时限内。"
    say(dispatcher, tracker, f"理解您的心情。您的个人信息申请 {number}{step}具体为什么还停在这一步，我这里看不到，"
        f"没法给您准确的原因。{due}想尽快问清楚的话，可以预约电话回访，或者转人工客服。",
        [choice("预约电话回访", "book_appointment", service_type="电话回访"), choice("转人工客服", "request_human")])
    return []


async def progress(tracker: Tracker, number: str) -> dict[str, Any]:
    """The told case's progress, asked again of the backend ({} if it cannot be had)."""
    kind = "claims" if number.startswith("LP") else "data-requests" if number.startswith("GR") else "complaints"
    try:
        return await backend().get(f"/api/v1/{kind}/{number}/progress", token=tracker.get_slot("verification_token"))
    except ApiError:
        return {}


def case_outlook(number: str, p: dict[str, Any]) -> list[str]:
    """The told case's outlook (what is missing, when it should be done)."""
    if not p:
        return []
    if number.startswith("LP"):
        return outlook(p)
    return [] if p.get("finished") else [f"我们会在 {deadline(p['resolution_due'])} 前给出处理结果。"]


def outlook(p: dict[str, Any]) -> list[str]:
    """What the customer still has to do and when the claim should be done, from the backend's progress."""
    lines = []
    if p["missing_documents"]:
        lines.append("还需要您补充：" + "、".join(p["missing_documents"]) + "。材料齐全后我们会继续处理。")
    if not p["finished"]:
        lines.append(
            f"预计 {day(p['expected_completion_date'])} 前完成"
            + ("（补充材料期间时限暂停，收到材料后顺延）。" if p["paused"] else "。")
        )
    return lines


OTHER_KINDS = {"claim_number": ("理赔", "check_claim_progress"),
               "complaint_number": ("投诉", "check_complaint_progress")}


def other_case_offered(tracker: Tracker, told: str) -> tuple[str, list[dict]] | None:
    """"投诉TS…处理到哪了 还有理赔LP… 也一起看下": once the first case is told, the other one named in the
    messages that led to it is offered next (a line and its button), unless it was told already."""
    said = " ".join(turns.said(tracker.events))
    mistyped: set[str] = set()  # kinds whose number a later message put right ("哦哦打错了 最后是104 LP…")
    for back in range(CASE_TURNS + 1):
        message = turns.message(tracker, back)
        entities = message.get("entities", [])
        for entity in entities:
            number = str(entity.get("value") or "")
            if entity.get("entity") in OTHER_KINDS and number and number != told and number not in said and (
                    entity["entity"] not in mistyped):
                kind, intent = OTHER_KINDS[entity["entity"]]
                return (f"您刚才还提到{kind} {number}，需要现在为您查询吗？",
                        [choice(f"查询{kind} {number}", intent, **{entity["entity"]: number})])
        if CORRECTS.search(to_simplified(message.get("text") or "")):
            mistyped |= {e.get("entity") for e in entities}
    return also_asked(tracker, told)


def also_asked(tracker: Tracker, told: str) -> tuple[str, list[dict]] | None:
    """"查一下我的理赔LP…，顺便我要投诉…，再约个人上门…": once the case is told, the other errands of the message
    that named it are offered (a line and their buttons), unless the chat has moved on to them since."""
    for back in range(CASE_TURNS + 1):
        message = turns.message(tracker, back)
        if not any(str(e.get("value")) == told for e in message.get("entities", [])):
            continue
        text = to_simplified(message.get("text") or "")
        errands, buttons = [], []
        if "投诉" in text and told.startswith("LP"):
            errands.append("投诉")
            buttons.append(choice("我要投诉", "file_complaint"))
        service = service_in_words(text)
        if service or BOOKING_WORDS.search(text):
            errands.append(f"预约{service or ''}")
            # (with the branch and the time said for it: "约个时间去你们浦东那边…下周一上午10点")
            said = {e["entity"]: str(e["value"]) for e in message.get("entities", [])
                    if e.get("entity") in ("branch", "time") and e.get("value")}
            buttons.append(choice(f"预约{service or '服务'}", "book_appointment",
                                  **said, **({"service_type": service} if service else {})))
        # (replies to the later messages: the booking that gave way to the look-up ran in reply to this one)
        moved_on = any(turns.ran(turns.reply(tracker, b), "complaint_form", "appointment_form") for b in range(back))
        if not errands or moved_on:
            return None
        return f"您刚才还提到要{'、'.join(errands)}，需要现在为您办理吗？", buttons
    return None


# "今天能不能给个准话", "我就问今天钱能不能到账": a date or a promise pressed for, which nobody can honestly give
DATE_PRESSED = re.compile(r"准话|准信|给个(?:准|确切|具体)|(?:今天|今晚|明天|哪天|什么时候|啥时候|几时|到底)"
                          r"[^，。？?]{0,6}(?:能不能|能否|可不可以|能|会|可以)?(?:到账|到帐|赔下来|有结果|办好|处理完|给钱)")
NO_DATE_PROMISED = ("具体哪天能有结果、哪天到账，要看审核的进展，我没法向您承诺确切的日期；有进展会第一时间通知您，"
                    "需要的话也可以转人工客服跟您沟通。")


def urged_in_chat(tracker: Tracker) -> bool:
    """Was a case urged in this chat already (by the customer, or automatically when it was told overdue)?"""
    return any(e.get("event") == "bot" and re.search(r"已(?:为您)?(?:自动)?催办|已为您催办", e.get("text") or "")
               for e in tracker.events)


# Why a case is slow, where it is stuck, who handles it: "为什么超时？具体卡在哪个环节？谁在审？" after its outlook
INSIDE_ASKED = re.compile(r"为什么|为何|点解|凭什么|怎么会|卡在|卡住|哪个环节|哪一步|谁在(?:审|办|处理|跟)|谁负责|谁审"
                          r"|经办人|负责人|审核员|哪个部门")


def inside_of_the_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """A question about the inside of the case in view that the chat cannot see (the reason for a delay, who reviews
    it): said so, with the ways to an answer — an urge and a human who can open the file. None otherwise."""
    case = case_in_view(tracker)
    if not case or not INSIDE_ASKED.search(to_simplified(tracker.latest_message.get("text") or "")):
        return None
    kind, number, _ = case
    if kind == DATA_REQUEST:
        return None  # about_the_request_told owns up to it, with the request's own ways on
    say(dispatcher, tracker, f"抱歉，{kind} {number} 具体卡在哪里、由哪位同事经办，我这里看不到，没法给您准确的原因。"
        "可以为您催办，案件会提交主管优先跟进；想马上问清楚的话，我可以为您转人工客服，由专人查看案件后答复您。",
        [choice("帮我催办", "urge"), choice("转人工客服", "request_human")])
    return []
