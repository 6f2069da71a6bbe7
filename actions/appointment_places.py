"""Which service and place the customer means: a service named or described in words, an address told in a
sentence, a part of it put right."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.common import turns
from actions.common.forms import latest_entity
from actions.common.policy import get_policy
from bot import topic_confidence
from bot.pinyin import syllables
from bot.questions import ASKS, domain_words
from bot.script import to_simplified

# "上门服务，地址广州市天河区天河北路5栋1203，下周四上午9点半，联系人张秀兰，电话137…" to the address
# question: the address is the clause that looks like one, not the whole message.
ADDRESS_CUE = re.compile(r"^(?:我的|我家|家里|上门)?(?:详细)?(?:地址|住址)(?:是|在|为)?[:：]?\s*")


ADDRESS_MARK = re.compile(r"省|市|区|县|镇|乡|村|路|街|道|巷|弄|号|栋|幢|楼|单元|室|小区|花园|大厦|公寓|苑")
CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]+")
# …and an address given, cue first, among the answers that start a booking
ADDRESS_SAID = re.compile(r"(?:地址|住址)(?:是|在|为)?[:：]?\s*([^，,。；;！!？?\s]{4,60})")


def address_part(text: str, entities: list[dict]) -> str:
    """The clauses of `text` that read as an address, without the clauses that are other answers given with it
    (mostly a time, name, phone or service); the whole text when no clause looks like an address. Clauses, not
    characters, are dropped: "望京西园三区312号楼" may hold a misread "12号", and must stay whole."""
    other = [(e["start"], e["end"]) for e in entities if e.get("entity") in OTHER_ANSWERS
             and isinstance(e.get("start"), int) and e.get("end", 0) > e["start"]]
    kept, start = [], 0
    for piece in CLAUSE_BREAK.split(text):
        at = text.find(piece, start)
        start = at + len(piece)
        covered = sum(1 for k in range(at, start) if any(a <= k < b for a, b in other))
        # "我腿不好 出不了门 住北京朝阳区… 5号楼2单元301": words between spaces that are a sentence, not a place
        # ("上海 浦东 张杨路…" keeps its short place names); "那就28号下午两点 地址…": a word that is mostly
        # another answer is that answer
        words, offset = [], at
        for word in piece.split():
            offset = text.find(word, offset)
            mostly_other = sum(1 for k in range(offset, offset + len(word)) if any(a <= k < b for a, b in other))
            if (len(word) < 3 or ADDRESS_MARK.search(word)) and mostly_other * 2 < len(word):
                words.append(word)
            offset += len(word)
        clause = ADDRESS_CUE.sub("", " ".join(words))
        if len(clause) >= 4 and covered * 2 < len(piece) and ADDRESS_MARK.search(clause):
            kept.append(clause)
    return "，".join(kept) or text


OTHER_ANSWERS = {"time", "person_name", "phone", "service_type"}


def address_words_beside_answers(tracker: Tracker) -> bool:
    """Does the latest message have an address word outside the other answers in it?"""
    text = to_simplified(tracker.latest_message.get("text") or "")
    spans = [(e["start"], e["end"]) for e in tracker.latest_message.get("entities", [])
             if e.get("entity") in OTHER_ANSWERS and isinstance(e.get("start"), int)]
    return bool(ADDRESS_MARK.search("".join(c for k, c in enumerate(text) if not any(a <= k < b for a, b in spans))))


# "是5单元502 不是3单元" / "不是3单元，是5单元": a part of the address put right
CORRECTION = re.compile(r"(?:是|改成|应该是)\s*(?P<new>[^，,。\s]+?)\s*[，,]?\s*不是\s*(?P<old>[^，,。\s]+)"
                        r"|不是\s*(?P<old2>[^，,。\s]+?)\s*[，,]?\s*(?:而)?是\s*(?P<new2>[^，,。\s]+)")


def corrected_address(address: str, text: str) -> str | None:
    """`address` with the part the customer says was wrong replaced, if that part is in it. Only as much of the
    new part as stands for the old ("5单元502" for "3单元": "5单元") replaces it."""
    match = CORRECTION.search(to_simplified(text))
    if not match:
        return None
    old, new = match.group("old") or match.group("old2"), match.group("new") or match.group("new2")
    if not old or not new or old not in address or not ADDRESS_MARK.search(old):
        return None
    mark = ADDRESS_MARK.findall(old)[-1]
    if old.endswith(mark) and mark in new:
        new = new[: new.index(mark) + len(mark)]
    return address.replace(old, new, 1)


# How customers describe a service without naming it: "让你们的人周六晚上打给我", "想约人当面倾下理赔嘅嘢".
# Names and close synonyms are entities (data/nlu/synonyms.yml); these are the descriptions around them.
SERVICE_WORDS = {
    "电话回访": re.compile(
        r"回访|打给我|给我打(?:个)?电话|打(?:个)?电话(?:给我|过来)|回(?:个)?电话|回电|来电|致电|电话联系|打过来"
        r"|打(?:个)?电话返|打返(?:个)?电话|打俾我|打畀我"  # Cantonese: "打电话返嚟", "打返电话俾我"
        r"|打(?:个)?电话(?:跟|和)我|(?:找|叫|派|安排)(?:个)?人[^，。,.？?]{0,6}打(?:个)?电话|打我(?:的)?(?:电话|手机)"
        r"|(?:来|约|预约)(?:一)?(?:个|通)电话|电话(?:里)?(?:沟通|聊|讲|说)(?:一下|下)?"  # "明早能给我来个电话不"
        r"|给我打(?=\s*(?:吧|啊|呗|过来|哈)?\s*$)"  # "明天一早9点就给我打"
        r"|(?<![a-z])call\s*(?:me|我)|(?<![a-z])(?:ring|phone)\s*me\b", re.IGNORECASE),
    "上门服务": re.compile(r"上门|(?:到|来)我家|家里来|来家里|出不了门|行动不便|腿脚?不(?:好|便|方便)|走不了路|走不动"
                       r"|派(?:个)?人(?:过)?来(?!电)|(?:来|到)(?:我们?|家里)?(?:看看)?现场"),  # "能派人来看看现场吗"
    "理赔面谈": re.compile(r"(?:当面|面对面|见面).{0,8}理赔|理赔.{0,8}(?:当面|面对面|见面)|面谈"),
    "柜面办理": re.compile(r"柜台|柜面|窗口办|临柜|网点办|(?:去|到)(?:你们)?.{0,6}网点(?:补?办|弄|去办)"
                       # "明天下午四点半去天河那边办吧", "去浦东那间办": going to a branch to get something done
                       r"|(?:去|到)(?:你们)?[^，。,.？?]{0,6}(?:那边|那里|那儿|那间|那家|支公司|分公司)(?:去)?(?:补?办|弄)(?!理赔)"),
}
# Told, not named: a home address down to the flat is where a home visit goes; meeting in person, in a chat
# about a claim, is the claim interview ("不如我直接上去当面倾啦" after the claim's progress).
HOME_ADDRESS = re.compile(r"\d+\s*(?:号楼|栋|幢|单元)|\d+号\d+室?")
IN_PERSON = re.compile(r"当面|见面|面谈|面对面")
# the words that change a service already chosen: "那算了 你们能上门吗", "还是改成电话回访吧"
# "带我去你们朝阳那个营业厅", "到网点去": coming to a branch (said with a branch, a home visit is given up for it)
GOES_TO = re.compile(r"去|到|过来|过去|来你们")
# "拿去你们广州的网点交": handing in papers at a branch, which about a claim is the claim interview's errand
# (or bringing them: "我听日拎埋啲嘢去天河", "带上材料过去")
HAND_IN = re.compile(r"(?:递|补|上)交|交(?:材料|资料|过去|上去)|(?:拿|送)(?:过)?去.{0,8}交"
                     r"|(?:拎|带|拿|攞)(?:埋|上|齐|好|晒)?(?:啲|些|点|那些|这些)?(?:嘢|材料|资料|单据|票据|发票|病历|东西|原件|文件)")
SWITCH = re.compile(r"算了|改成|换成|改为|还是|能不能|可不可以|能.{0,4}吗|行不行|不如")
COUNTER_ERRAND = re.compile(r"办(?:理|个|点|下|一下)?(?:业务|手续|事|嘢|变更)|改(?:一)?下|变更|改受益人|改地址|改电话"
                            r"|退保|补发|补办|签(?:个)?字")
OFFERED = re.compile(r"[帮为]您预约([^，。；！？,.]{2,10})")


def service_in_context(tracker: Tracker) -> str | None:
    return service_described(tracker) or service_offered(tracker)


def service_described(tracker: Tracker) -> str | None:
    """The service the latest message describes, in words or by what it gives (a flat's address)."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if service := service_in_words(text):
        return service
    if HOME_ADDRESS.search(text):
        return "上门服务"
    if IN_PERSON.search(text) and tracker.get_slot("claim_number"):
        return "理赔面谈"
    if (latest_entity(tracker, "branch") or tracker.get_slot("branch")) and COUNTER_ERRAND.search(text):
        # "去你哋天河嗰度办嘢 改下受益人": an errand at a named branch is done at its counter — also when the branch
        # was named a message before ("想约天河嗰间去办啲嘢" / "改受益人 呢个礼拜五下昼三点得唔得")
        return "柜面办理"
    return service_of_errand_told(tracker)


# FAQ topics of errands done at a branch's counter, and of claims (where meeting in person is the claim interview)
COUNTER_TOPICS = {"surrender", "change_policy_info", "beneficiary", "lost_policy", "policy_loan", "cash_value",
                  "electronic_policy_invoice", "premium_payment"}
CLAIM_TOPICS = re.compile(r"^(?:claim_|report_accident)")
CLAIM_WORDS = re.compile(r"理赔|报案|出险|住院|看病|医药费|车祸|意外|\bclaims?\b", re.IGNORECASE)
CONSULTING = re.compile(r"当面|见面|面谈|面对面|咨询|问问|问清楚|聊聊|谈谈|倾下|傾下|\bmeet(?:ing)?\b", re.IGNORECASE)
ERRAND_TURNS = 6


def service_of_errand_told(tracker: Tracker) -> str | None:
    """The service the errand talked about in the last few messages calls for, once the customer asks to come to a
    branch or meet in person: "那帮我约广州天河 下周二下午两点" after asking about surrender is a counter visit;
    "我想约时间当面咨询，深圳福田" after asking about claim documents is the claim interview."""
    text = to_simplified(tracker.latest_message.get("text") or "")
    if not (latest_entity(tracker, "branch") or CONSULTING.search(text)):
        return None
    topics, texts = set(), []
    for back in range(ERRAND_TURNS):
        parse = turns.message(tracker, back)
        # (the selector ranks topics for every message: only a question's clear topic counts)
        answer = turns.topic(parse)
        if turns.intent(parse) == "faq" and (answer.get("confidence") or 0) >= topic_confidence.ANSWERED:
            topics.add((answer.get("intent_response_key") or "").removeprefix("faq/"))
        texts.append(to_simplified(parse.get("text") or ""))
    counter = bool(topics & COUNTER_TOPICS) or any(COUNTER_ERRAND.search(t) for t in texts)
    claim = any(CLAIM_TOPICS.match(t) for t in topics) or any(CLAIM_WORDS.search(t) for t in texts)
    # (the wish to meet may have come a message before the branch: "can I book a meeting…" then "上海浦东")
    consulting = CONSULTING.search(text) or latest_entity(tracker, "branch") and any(
        CONSULTING.search(t) for t in texts)
    if claim and (consulting or HAND_IN.search(text)):
        return "理赔面谈"  # meeting in person about a claim (or bringing its papers), whatever else was asked
    return "柜面办理" if counter and not claim else None


async def booking_asked(tracker: Tracker) -> list | None:
    """A branch or service named ("当面问问 广州天河那个"), or a visit described, whatever NLU made of the
    message: the booking starts. (A span that names no branch, "北京下雪" of "今天北京下雪没", starts nothing.)"""
    offered = (await get_policy())["appointment"]
    named = [e for e in tracker.latest_message.get("entities", []) if e.get("value") in {
        "branch": offered["branches"], "service_type": offered["service_types"]}.get(e.get("entity"), ())]
    described = service_described(tracker)
    if not named and not described:
        return None
    return [*([SlotSet("service_type", described)] if described else []), FollowupAction("appointment_form")]


def service_offered(tracker: Tracker) -> str | None:
    """The one service the bot's last reply offered to book: "行吧，那约明天早上9点朝阳那个" right after the
    surrender answer's "我可以帮您预约柜面办理" books that counter visit."""
    offers = OFFERED.findall(turns.last_bot_text(tracker))
    named = {service for service in SERVICE_WORDS for offer in offers if service in offer}
    return named.pop() if len(named) == 1 else None


def branch_in_words(said: str, branches: list[str]) -> str | None:
    """The one branch that `said` names by part of its place ("朝阳那个", "天河那边", "去浦东"): a span NLU tagged
    beside the synonym it knows, or a branch described rather than named. None when no branch or several match."""
    said = to_simplified(said)
    found = [b for b in branches if any(b[k:k + 2] in said for k in range(len(b.removesuffix("支公司")) - 1))]
    return found[0] if len(found) == 1 else None


# A service's name typed with the right sound and the wrong characters ("电话回方", "上们服务", "柜面半理"): the
# pinyin slip NLU's synonyms cannot know. Two-syllable names are too common a sound to count (回放 = 回访).
SERVICE_SOUNDS = {name: " ".join(syllables(name)) for name in ("电话回访", "上门服务", "理赔面谈", "柜面办理")}


def service_in_words(text: str) -> str | None:
    """The one service a message describes, or names by its sound; None (none, or more than one)."""
    found = [name for name, words in SERVICE_WORDS.items() if words.search(to_simplified(text))]
    if not found:
        sound = f" {' '.join(syllables(to_simplified(text)))} "
        found = [name for name, heard in SERVICE_SOUNDS.items() if f" {heard} " in sound]
    return found[0] if len(found) == 1 else None


# 约 that books: not 约 of 大约 / 节约 / 约为 ("材料交齐之后大约多久可以审核完毕")
BOOK = r"(?<![大节])约(?![为合莫])"
BOOKING_WORDS = re.compile(rf"{BOOK}|安排|改到|改成|改做|改为|换到|什么时候方便|有空")

# Said as a booking starts from a message that also asks something else ("明天北京会下雪吗？我明天要去你们朝阳那边办事")
OWNED_UP = "抱歉，这个问题我回答不了。您要来网点办事的话，我帮您先约好时间。"
# "在吗，查个理赔…": a greeting asks nothing
GREETING = re.compile(r"(?:你好|您好|喂|哈喽)?[，,\s]*(?:在吗|在不在|有人吗|在么|在嘛)[?？]?")
QUESTION_PIECE = re.compile(r"[^,，.。!！;；?？~～]+[?？]?")
# What a question about the visit itself, or about insurance, speaks of ("周六开门吗", "要带什么证件", "停车方便吗")
# …or when ("这周六上午行吗"), or only a tag on what came before ("…派人来家里办保单变更，可以吗？")
OUR_WORDS = re.compile(r"网点|柜台|柜面|公司|营业|开门|上班|下班|几点|时间|当面|上门|办|材料|带|证件|费|钱|保|赔|退"
                       r"|排队|停车|地址|在哪|怎么走|人工|客服"
                       r"|[周礼拜期][一二三四五六日天末]|[上下]午|[0-9一二三四五六七八九十][号日点]"
                       r"|(?:可以|行|能约|方便|有空|有位)(?:吗|么|不)")


def question_beside(text: str) -> bool:
    """Does a piece of the message ask something that is neither the visit it tells of nor insurance ("明天北京会下雪
    吗？我明天要去你们朝阳那边办事")? Not "周六开门吗？想约个柜面": that one is ours to answer."""
    return any(ASKS.search(piece) and not GREETING.fullmatch(piece.strip()) and not service_in_words(piece)
               and not BOOKING_WORDS.search(piece)
               and not OUR_WORDS.search(piece) and not any(word in piece for word in domain_words())
               for piece in QUESTION_PIECE.findall(text))
