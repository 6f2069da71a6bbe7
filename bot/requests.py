"""Requests said outright as a clause of their own ("…，我要投诉", "转人工"): one definition for the NLU component
that lets them decide the intent (bot/components/explicit_request.py) and for the actions that tell a complaint's
story from the request itself (actions/complaints.py). Plain Python: the action server does not load Rasa."""

from __future__ import annotations

import re

# Whom a complaint is about, when the request names them: "我要投诉你们业务员", "我想投诉你哋个经纪" (Cantonese).
PARTY = (r"(?:你们|你哋|你们公司|贵公司|他|她|佢|那个|这个|嗰个)?(?:的|个|嘅)?"
         r"(?:业务员|经纪|经纪人|代理人|代理|客服|理赔员|定损员|销售|工作人员)?")
# Whole clauses only (the text is already Simplified and half-width: ScriptNormaliser runs first).
REQUESTS = {
    "file_complaint": re.compile(
        # (what it is about may come first: "呢單我一定要投訴", "这件事我必须投诉")
        rf"(?:这单|呢单|这笔|呢笔|这件事|呢件事|这事|这个事)?(?:我|我们|本人)?(?:现在)?(?:特此|在此|郑重|正式)?"
        rf"(?:就|一定|必须|坚决)?(?:要|想|想要)?(?:正式)?投诉(?:一下)?"
        rf"{PARTY}(?:到底)?"
        # …or taken up again after giving it up: "想了想还是投吧", "还是要投诉"
        r"|(?:想了想|想想|考虑了一下|我)?(?:还是|仲系)(?:要|得|想)?投(?:诉)?(?:吧|啊|啦)?"
    ),
    # (…and asked of us with a softener: "那帮我转真人好了", "麻烦给我接个人工")
    "request_human": re.compile(r"(?:那|那就)?(?:我)?(?:要|想)?(?:帮我|给我|麻烦(?:你)?(?:帮我|给我)?)?"
                                r"(?:转|找|换|接)?(?:个|一下)?(?:人工|人工客服|真人|真人客服)(?:客服)?"
                                r"(?:吧|啊|好了|就好|得了)?"),
    # giving up the task at hand: "…哎算了算了，上门还得在家干等，不约了" (a lone 算了 may go on "，改成明天吧")
    "stop": re.compile(
        r"(?:哎|唉|那|那就|那我)?(?:算了)*(?:我)?(?:还是|先|就|暂时)?"
        r"(?:不想|不打算|不用|不|莫|甭)(?:再)?(?:约|预约|办|弄|投诉|查|改|改约|填|登记|提交|退|退保)了(?:吧|啊|哈|呀)?"
        r"|(?:哎|唉)?算了算了(?:吧)?"
        # the call-back being booked called off: "电话也莫打了", "那电话就不用打了"
        r"|(?:那)?电话(?:也|就)?(?:不用|别|莫|甭|不要)(?:再)?打了(?:吧|啊)?"),
}
QUESTION = re.compile(r"[?？]|吗|呢$|怎么|怎样|如何|什么|几点|几时|多久|多少|哪|是否|能不能|可不可以|有没有")
CLAUSE = re.compile(r"[^,，.。!！;；?？~～\s]+")
# Asked in English, often beside Chinese: "算了 跟机器说不清楚 pls transfer me to a human agent ASAP".
# (Latin words are bounded by letters, not \b: Han characters are word characters too — "有real person吗")
HUMAN_IN_ENGLISH = re.compile(r"(?<![a-z])(?:human|real person|live agent)(?![a-z])|(?<![a-z])(?:transfer|talk|speak"
                              r"|connect)(?![a-z])[^.?!]*(?<![a-z])(?:agent|person|someone|staff)(?![a-z])",
                              re.IGNORECASE)


# …and the one request customers put as a question: "现在能转人工吗", "有真人吗" ask for a human.
HUMAN_ASKED_FOR = re.compile(r"(?:那|那我|我)?(?:现在)?(?:(?:能|可以|能不能|可不可以|可否)(?:帮我|给我)?"
                             r"(?:转|找|接|换)(?:个|一下)?|有没有|有)(?:人工|真人)(?:客服)?(?:吗|么|不|嘛|吧)?")


# …and asking whether anyone is there to deal with it ("现在没人吗", "现在有人能处理吗"): the human asked
# for, so the customer hears whether agents are on duty. Not "有人吗" / "在吗" alone: a chat's greeting.
# ("有人管吗" / "没人理" beside a case are grievances about its handling: rhetorical, not asking for anyone)
SOMEONE_ASKED_FOR = re.compile(r"(?:那|那你们|你们)?(?:现在|这会儿?|这个点)?(?:就|都)?(?:没|没有)(?:个)?(?:真)?人"
                               r"(?:在|回我?|回复|处理|接)?(?:吗|么|嘛|啊|呀|呢)?"
                               r"|(?:那|那你们|你们)?(?:现在|这会儿?|这个点)?(?:有没有|有)(?:个)?(?:真)?人"
                               r"(?:能|可以|会)?(?:帮我)?(?:处理|跟进|回复|解决|接手)(?:一下)?(?:吗|么|嘛|不)?")
CASE_NUMBER = re.compile(r"(?i)(?:lp|ts|yy|gr|p)\s*\d{6,}")
# …and a human wished for in so many words, then "转一下": "我爸说想跟真人说两句，您帮忙转一下"
HUMAN_WISHED = re.compile(r"(?:.*(?:说|讲))?(?:我|我们)?(?:想|要)(?:跟|和|同|找)(?:个)?(?:真人|人工)(?:客服)?"
                          r"(?:说|聊|谈|讲|沟通|倾)(?:两句|几句|一下|下)?")
TRANSFER = re.compile(r"(?:您|你)?(?:帮忙|帮我|麻烦|给我)?转(?:一下|下|过去)?(?:吧|啊|呗)?")
# …or asked alone, urged: "快啲幫我轉啦" (快些帮我转啦 once read in Mandarin words) — in a service chat, to a person
URGED_TRANSFER = re.compile(r"(?:快些|快点|快|赶紧|赶快)(?:您|你)?(?:帮忙|帮我|麻烦|给我)?转(?:接)?(?:一下|下|过去)?"
                            r"(?:啦|吧|啊|呗|嘛|呀)?|(?:您|你)?(?:帮忙|帮我|麻烦)(?:转接|转)(?:一下|下|过去)?(?:啦|吧|呗|嘛|呀)")


def explicit_request(text: str) -> str | None:
    """The task a clause of `text` asks for outright. A question about it is never such a clause; a question
    beside it is allowed: "你们投诉一般多久能处理？我要投诉" still asks to complain."""
    asked_for = (HUMAN_ASKED_FOR,) + (() if CASE_NUMBER.search(text) else (SOMEONE_ASKED_FOR,))
    if HUMAN_IN_ENGLISH.search(text) or any(p.fullmatch(clause) for clause in CLAUSE.findall(text) for p in asked_for):
        return "request_human"
    every = CLAUSE.findall(text)
    if any(HUMAN_WISHED.fullmatch(c) for c in every) and (len(every) == 1 or any(TRANSFER.fullmatch(c) for c in every)):
        return "request_human"
    if len(every) == 1 and URGED_TRANSFER.fullmatch(every[0]):
        return "request_human"
    clauses = [clause for clause in every if not QUESTION.search(clause)]
    for intent, pattern in REQUESTS.items():
        said = [i for i, clause in enumerate(every) if clause in clauses and pattern.fullmatch(clause)]
        if intent == "stop" and said and any(len(clause) > AFTERWORD and not ANOTHER_QUESTION.fullmatch(clause)
                                             for clause in every[said[-1] + 1:]):
            continue  # "算了算了 下午三点给我回个电话…": giving up the wait, for what follows
        if said:
            return intent
    return None


AFTERWORD = 4  # what may follow giving up a task without starting another: "谢谢", "拜拜啦"
# …or a question announced, not yet asked: "算了算了 不弄了 我先问个别的"
ANOTHER_QUESTION = re.compile(r"(?:我)?(?:先|想)?(?:问|咨询)(?:个|点|一下|下)?(?:别的|其他的?|别嘅|另一个)"
                              r"(?:问题|事)?(?:吧|啊)?|换个问题|另外问(?:个|一下)?")
