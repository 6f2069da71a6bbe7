"""Written Cantonese → Mandarin words, for the NLU only: "点解仲话冇" reads as "为何还说没".

Customers from Guangdong, Hong Kong and Macau write the words they speak (冇, 睇, 咗, 点解, 几耐). The training data
has some of them, but every Cantonese word the model has never seen is a feature lost; mapped to its Mandarin
word, the message meets the features the rest of the data taught. Each replacement keeps the length, so entity
spans stay where they are (as the rest of ScriptNormaliser keeps them). Runs on Simplified text (after OpenCC,
which writes both 係 and 嗰 its own way: 系, 𠮶). Actions still read the customer's own
words; this is only what the model sees.
"""

from __future__ import annotations

import re

# Whole words first; a longer word wins over a shorter one inside it.
WORDS = {
    "系唔系": "是不是", "得唔得": "行不行", "使唔使": "要不要", "可唔可以": "可不可以", "有冇": "有无",
    "点解": "为何", "几耐": "多久", "几时": "何时", "几多": "多少", "边度": "哪里", "边个": "哪个", "边间": "哪间",
    "去到边": "去到哪", "乜嘢": "什么", "咩嘢": "什么", "搞掂": "搞定", "而家": "现在", "同埋": "以及",
    "即系": "就是", "系咪": "是否", "唔系": "不是", "都系": "都是", "就系": "就是", "系啊": "是啊", "系呀": "是呀",
    "点样": "怎样", "点算": "怎办", "点办": "怎办", "点做": "怎做", "返工": "上班", "放工": "下班", "踢波": "踢球",
    "唔该晒": "谢谢你", "多谢晒": "谢谢你", "唔该": "谢谢", "佢哋": "他们", "仲有": "还有", "仲未": "还没", "仲要": "还要",
    "仲系": "还是", "仲话": "还说", "佢话": "他说", "员话": "员说", "他话": "他说", "她话": "她说",
    # one character each: words Mandarin does not use alone
    "冇": "没", "睇": "看", "咩": "啥", "佢": "他", "哋": "们", "嘅": "的", "咗": "了", "喺": "在", "唔": "不",
    "啲": "些", "嗰": "那", "𠮶": "那", "俾": "给", "畀": "给", "嚟": "来", "揾": "找", "搵": "找", "攞": "拿",
    "咁": "那", "啱": "对", "噉": "那", "㗎": "的", "喎": "啊", "嘞": "了", "囖": "了", "啰": "了",
}

_PATTERN = re.compile("|".join(sorted(map(re.escape, WORDS), key=len, reverse=True)))
# 系 alone is 係 ("张单系港币"); Mandarin writes it only in words like 系统, 联系, 关系
_IS = re.compile(r"(?<![联关体派院直旁科水星母父维谱世嫡])系(?![统列数于着])")
# A bare 未 closing a question asks "yet?": "到咗未" → "到了没"
_NOT_YET = re.compile(r"(?<=[了咗])未(?=\s*(?:[？?。!！，,]|$))")


def to_mandarin(text: str) -> str:
    """The same text with its written-Cantonese words in Mandarin, character for character in length."""
    return _IS.sub("是", _NOT_YET.sub("没", _PATTERN.sub(lambda m: WORDS[m.group(0)], text)))
