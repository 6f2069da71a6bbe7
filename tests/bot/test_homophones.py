"""Insurance words typed as homophones are restored before NLU; ordinary words, names and grammar are not."""

from __future__ import annotations

import pytest

from bot.components.script_normaliser import normalise
from bot.homophones import restore


@pytest.mark.parametrize(("typed", "meant"), [
    ("我老公得了重急 能报吗", "我老公得了重疾 能报吗"),           # set 10
    ("宽线期里面要是生病住院了还陪吗", "宽限期里面要是生病住院了还陪吗"),  # set 11
    ("这个月保废交不上了", "这个月保费交不上了"),
    ("我想预约电话回方", "我想预约电话回访"),
    ("住院病力要原件吗", "住院病历要原件吗"),
    ("受义人怎么改", "受益人怎么改"),
    ("以通过是什么意思", "已通过是什么意思"),
    ("手机后四为是 八零零幺", "手机后四位是 八零零幺"),  # set 14, voice input
    ("我要投数 你们业务圆没讲免则条款", "我要投诉 你们业务员没讲免责条款"),  # set 15: s for sh, and 圆 for 员
    ("查下我的投述", "查下我的投诉"),  # sh for s
])
def test_a_word_of_the_trade_typed_with_the_wrong_characters_is_restored(typed, meant):
    assert restore(typed) == meant


@pytest.mark.parametrize("text", [
    "业务员说保本还有收益",        # 收益 is a word: no slip for 受益
    "这个可以通过吗",              # 以通过 crosses 可以
    "审核中即系做紧乜嘢",          # 中|即 is grammar, not 重疾
    "你是小冰吗",                  # 是|小, not 时效
    "说说私小的事",                # flat for curled, but not one character of 时效 typed right
    "我阿妈叫何惠芳",              # a given name after its surname, not 回访
    "客服服务时间是几点",          # 务时 crosses two words
    "投诉你们的办事效率",
])
def test_ordinary_words_names_and_grammar_are_left_alone(text):
    assert restore(text) == text


def test_the_normaliser_reads_the_announced_last_digits_of_voice_input():
    """Set 14: the homophone and the digit words of "后四为 九零零二" in one message."""
    assert normalise("LP 2026 1030 90105 後四為 九零零二") == "LP 2026 1030 90105 后四位 9002"


def test_the_normaliser_restores_after_the_script_and_keeps_every_offset():
    typed = "我老公得了重急 電話13800138001"
    assert normalise(typed) == "我老公得了重疾 电话13800138001"
    assert len(normalise(typed)) == len(typed)
