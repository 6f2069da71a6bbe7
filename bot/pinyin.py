"""How a message sounds: toneless pinyin syllables, for features that survive homophone typos.

Most Chinese is typed with a pinyin input method, so a slip picks the right sound with the wrong
character (崔一下 for 催一下, 蟹蟹 for 谢谢, 护找 for 护照); some customers skip the input method and
type the pinyin itself (xiexie, yuyue, zaijian). Both read the same here: Han characters become
their syllables (pypinyin, with its phrase dictionary for polyphones), and a Latin word that splits
wholly into pinyin syllables is split (xiexie → xie xie). Anything else is kept as it is."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

# every toneless syllable pypinyin can produce (about 400), for splitting typed pinyin
SYLLABLES = frozenset(lazy_pinyin("".join(map(chr, pinyin_dict)), style=Style.NORMAL))
LONGEST = max(map(len, SYLLABLES))
PIECES = re.compile(r"[a-z]+|\d+|[^\sa-z\d]", re.I)


@lru_cache(maxsize=4096)
def split_typed(word: str) -> tuple[str, ...] | None:
    """A Latin word as pinyin syllables (fewest pieces), or None if it is not pinyin."""
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - LONGEST), end):
            head = best[start]
            if head is not None and word[start:end] in SYLLABLES:
                if best[end] is None or len(head) + 1 < len(best[end]):
                    best[end] = (*head, word[start:end])
    return best[-1]


def syllables(text: str) -> list[str]:
    """The message as syllables: Han → pinyin, typed pinyin split, other words and digits whole,
    punctuation and spaces dropped."""
    out: list[str] = []
    for piece in lazy_pinyin(text.lower(), style=Style.NORMAL):
        for part in PIECES.findall(piece):
            if part.isalpha():
                out.extend(split_typed(part) or (part,))
            elif part.isalnum():
                out.append(part)
    return out
