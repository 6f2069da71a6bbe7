"""Insurance words typed with a character of the same sound: 重急 → 重疾, 宽线期 → 宽限期, 保废 → 保费, 投述 → 投诉.

A pinyin input method offers homophones, and a hurried customer sends the first one. Words then share no
characters with the ones the assistant knows (the sound featurizer softens that, but a whole clause still reads
as something else). Restored before tokenisation, the message reads as it was meant. Only words of the insurance
dictionary are restored, and only where the characters typed are no word of their own in jieba's dictionary
("收益" stays: it is a word, not a slip for 受益)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin

from bot.names import SURNAMES

DICTIONARY = Path(__file__).resolve().parent / "dictionary" / "insurance.txt"
# The words restored: the service's own vocabulary, as customers mistype it (Simplified; the normaliser converts
# Traditional first). Two targets that sound alike would make each slip ambiguous: none here do.
TARGETS = (
    "理赔 赔付 赔款 赔偿 拒赔 报案 结案 已结案 已通过 已拒赔 受理 受理中 审核 审核中 材料 补充材料 待补充材料 "
    "保险 保费 保额 保单 保单号 投保 投保人 被保险人 受益人 免责 免责条款 条款 犹豫期 宽限期 退保 现金价值 复效 "
    "续保 缴费 重疾 重疾险 医疗险 意外险 寿险 诊断证明 病历 发票 报销 失效 时效 诉讼时效 投诉 投诉单 预约 预约号 "
    "改约 回访 电话 电话回访 柜面 上门 上门服务 催办 加急 理赔进度 网点 客服 人工客服 转人工 尾号 后四位 业务员"
).split()
# Flat and curled tongues sound alike in much of the south, and fuzzy pinyin input mixes them: 投数 → 投诉.
CURLED = re.compile(r"^([zcs])h")
HAN = re.compile(r"^[\u4e00-\u9fff]+$")
LONGEST = 5


def _sound(word: str, fuzzy: bool = False) -> tuple[str, ...]:
    sound = lazy_pinyin(word, style=Style.NORMAL)
    return tuple(CURLED.sub(r"\1", syllable) for syllable in sound) if fuzzy else tuple(sound)


@lru_cache(maxsize=2)
def _by_sound(fuzzy: bool = False) -> dict[tuple[str, ...], str]:
    found: dict[tuple[str, ...], set[str]] = {}
    for word in TARGETS:
        found.setdefault(_sound(word, fuzzy), set()).add(word)
    return {sound: words.pop() for sound, words in found.items() if len(words) == 1}


def _sounds_like(window: str) -> str | None:
    """The word `window` sounds like; by a flat/curled-tongue slip only when a character is typed right (投数, not
    the unrelated 私小 for 时效)."""
    if word := _by_sound().get(_sound(window)):
        return word
    word = _by_sound(fuzzy=True).get(_sound(window, fuzzy=True))
    return word if word and any(a == b for a, b in zip(word, window, strict=False)) else None


# Characters that mostly stand alone as grammar: two of them side by side are two words ("是小冰" → 是|小, not 时效;
# "审核中即系" → 中|即, not 重疾), so a pair that holds one is no slip.
GRAMMAR = frozenset("是的了在中即以已也都就还又和与或及把被给对向从到为而且但可会要能想说去来有没不很太这那哪什么"
                    "我你他她它们个吗呢吧啊呀哦嘛")


def _pair_of_words(tokens: list[str]) -> bool:
    """Two one-character words of which one is grammar: no slip for a two-character word."""
    return len(tokens) == 2 and all(len(t) == 1 for t in tokens) and any(t in GRAMMAR for t in tokens)


@lru_cache(maxsize=1)
def _our_words() -> frozenset[str]:
    """The user dictionary's entries, slips (理陪, 投述) included. Loaded into jieba here too: the normaliser runs
    before Rasa's tokenizer loads it, and the cuts must be the same in training and in chat."""
    jieba.load_userdict(str(DICTIONARY))
    return frozenset(line.split()[0] for line in DICTIONARY.read_text(encoding="utf-8").splitlines() if line.strip())


def _a_word(chars: str) -> bool:
    """Is `chars` a word of its own in jieba's dictionary ("收益", "可以"), not merely one of our additions?"""
    return bool(jieba.dt.FREQ.get(chars)) and chars not in _our_words()


@lru_cache(maxsize=4096)
def restore(text: str) -> str:
    """`text` with insurance words typed as homophones restored; same length, so entity offsets stay put. Only
    whole runs of jieba's words are candidates: a slip is cut into single characters or odd words (重|急, 保|废),
    while a window across real words ("服务时间" → 务时) would "restore" nonsense."""
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        return text
    _our_words()  # (loads the user dictionary into jieba)
    tokens = jieba.lcut(text, HMM=False)
    bounds = [0]
    for token in tokens:
        bounds.append(bounds[-1] + len(token))
    chars = list(text)
    for i in range(len(tokens)):
        for j in range(min(len(tokens), i + LONGEST), i, -1):
            start, end = bounds[i], bounds[j]
            window = text[start:end]
            if not 2 <= len(window) <= LONGEST or not HAN.match(window):
                continue
            if _pair_of_words(tokens[i:j]) or i and tokens[i - 1] in SURNAMES and len(window) == 2:
                continue  # (何|惠|芳: a given name after its surname, not 回访)
            word = _sounds_like(window)
            if word and word != window and not _a_word(window):
                chars[start:end] = word
                break
    return "".join(chars)
