"""How a message says it is a rating (1–5), wherever it is said."""

from __future__ import annotations

import re

# "一分都不能少", "一分钱", "三分之一", "两分钟", "分期": 分 in an amount, a share or a time, not a score
_POINTS = r"[1-5一二两三四五]\s*(?:分(?![钱都也不没之钟期红险半])|星|颗星|stars?\b)|[⭐★🌟]"
# A rating nobody asked for counts only when it says it is one ("5分", "五星好评", "挺满意的"); a bare "4"
# outside the question is more likely a digit meant for something else.
# …or a digit after a word that grades: "评分？4啦", "一般般吧 3" (a bare "3" is no rating unasked)
SAYS_RATING = re.compile(_POINTS + r"|好评|差评|满意|满分"
                         r"|(?:评分|打分|评价|给你?|一般|还行|还可以|凑合|不错)\D{0,4}[1-5](?!\d)", re.IGNORECASE)
# …and a score said outright ("5分", "给四星"): what a customer says who thinks the task is done
SCORE_SAID = re.compile(_POINTS, re.IGNORECASE)
