"""bot/pinyin.py: what a message sounds like, the feature that makes homophone typos look alike."""

from __future__ import annotations

import pytest

from bot.pinyin import split_typed, syllables


@pytest.mark.parametrize(("typo", "meant"),
                         [("崔一下", "催一下"), ("蟹蟹", "谢谢"), ("护找", "护照"), ("里陪", "理赔")])
def test_a_homophone_typo_sounds_like_the_word_meant(typo, meant):
    assert syllables(typo) == syllables(meant)


@pytest.mark.parametrize(("typed", "han"), [("xiexie", "谢谢"), ("zaijian", "再见"), ("yuyue", "预约"),
                                             ("tianqi zenmeyang", "天气怎么样"), ("Li Pei", "理赔")])
def test_typed_pinyin_is_split_into_the_syllables_of_the_characters(typed, han):
    assert syllables(typed) == syllables(han)


def test_words_that_are_not_pinyin_numbers_and_identifiers_stay_whole():
    assert syllables("OK，LP2026011616757 尾号1952") == ["ok", "lp", "2026011616757", "wei", "hao", "1952"]
    assert split_typed("thx") is None


def test_traditional_characters_sound_like_simplified_and_punctuation_or_emoji_say_nothing():
    assert syllables("護照，理賠！") == ["hu", "zhao", "li", "pei"]
    assert syllables("👍？？") == []
