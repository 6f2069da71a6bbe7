"""Several questions in one message ("犹豫期是多少天？退保要带什么材料"): where each one is, so that each can
get its answer. The text is already Simplified and half-width (ScriptNormaliser runs first)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jieba import posseg

# A piece ends at punctuation or a space (chat clauses are often cut by spaces alone: "住院病历是去医院复印吗 补齐了
# 以后还要多久"); "对了" / "另外" / "还有" start a new one. The mark stays with its piece: "？" asks.
NEW_QUESTION = re.compile(r"对了|另外|还有就是|还有|顺便问|再问")
PIECE = re.compile(rf".+?(?:[,，.。!！;；?？\n]+|\s+|$|(?={NEW_QUESTION.pattern}))", re.S)
ASKS = re.compile(
    r"[?？]|吗|呢(?![个度啲次排间位份张])|怎么|怎样|如何|什么|啥|咋|(?<![好十这那没])几|多久|多少|多长|哪|是否|能否"
    r"|能不能|可不可以|有没有|要不要|行不行|咩|点样|得唔得"
    r"|是不是|会不会|对不对"
    # a question closed by 不 ("这么晚还能办事不", "今晚能打给我不")
    r"|(?:能|可以|行|有|会|要|在|肯)[^，。？?\s]{0,6}不\s*[?？]*\s*$"
    # (Cantonese 呢个 / 呢度 is "this" / "here", no question)
    # "北京下雪没" / "到账了没有" ask; "我没有" / "根本没有" / "还没" tell
    r"|(?<![还都也我你他她并就从本实])没有?\s*$")


def question_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each question in `text`, when it holds more than one; otherwise []. A piece that asks
    nothing ("我想问一下，", "我退保了，") belongs with the question after it, or with the last one."""
    spans: list[list[int]] = []
    pending: int | None = None  # start of pieces that asked nothing yet
    for piece in PIECE.finditer(text):
        if not piece.group().strip():
            continue
        start = piece.start() if pending is None else pending
        if ASKS.search(piece.group()) and spans and pending is None and asks_on(piece.group()):
            spans[-1][1] = piece.end()  # "听说有个什么犹豫期，我现在还来得及吗": the same question, asked on
        elif ASKS.search(piece.group()):
            spans.append([start, piece.end()])
            pending = None
        else:
            pending = start
    if pending is not None and spans:
        spans[-1][1] = len(text)
    return [(start, end) for start, end in spans] if len(spans) > 1 else []


# What a question of its own asks for: "还要多久", "要什么材料"
WH = re.compile(r"什么|啥|咋|怎么|怎样|如何|多久|多少|多长|哪|几|是否")


# A question that asks nothing of its own, only presses the one before: "都通过了咋还没到账 啥情况", "…怎么回事啊"
PRESSES = re.compile(r"(?:这|那|到底|究竟)?(?:是)?(?:啥|什么|咋|怎么)(?:个)?(?:情况|回事|意思|搞的|说)"
                     r"|(?:这|那|到底)?(?:为什么|为啥|咋办|怎么办|凭什么)")


def asks_on(piece: str) -> bool:
    """Is the piece a yes-or-no about the question before it ("听说有个什么犹豫期，我现在还来得及吗"), or one that only
    presses it ("啥情况"): no new question word, nothing named it asks about (a noun, or one of the insurer's words:
    "退保呢"), no "另外 / 还有"?"""
    if PRESSES.fullmatch(piece.strip(" ,，.。!！?？~～啊呀呢嘛哦啦")):
        return True
    named = any(word in domain_words() or len(word) >= 2 and flag.startswith("n") for word, flag in posseg.cut(piece))
    return not named and not WH.search(piece) and not NEW_QUESTION.match(piece)


DICTIONARY = Path(__file__).with_name("dictionary") / "insurance.txt"


@cache
def domain_words() -> frozenset[str]:
    """The insurer's own vocabulary (the jieba user dictionary): 柜台, 分红险, 现金价值…"""
    return frozenset(line.split()[0] for line in DICTIONARY.read_text(encoding="utf-8").splitlines() if line.strip())


def own_subject(text: str, answer: str) -> bool:
    """Does `text` name a thing (a noun of two characters or more, by jieba) that the answer it follows does not —
    one with a character the answer lacks, and not one of the insurer's own words? ("月球上能种西瓜吗" after an FAQ
    answer is about something of its own; "能贷多少", which jieba tags 能贷 a noun, after the policy-loan answer is
    not, nor is "网上能改吗 还是必须去柜台" after the one on changing a policy's details.)"""
    return any(len(word) >= 2 and (flag.startswith("n") or flag == "i") and any(c not in answer for c in word)
               and word not in domain_words() for word, flag in posseg.cut(text))
