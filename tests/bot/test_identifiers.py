"""Identifiers in customer text (spaCy token rules) and masking for logs and transcripts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.identifiers import Identifier, digits_spoken, find, mask


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("我的理赔号是LP2026110290101", "claim_number", "LP2026110290101"),
        ("理赔单 lp2026110290101 查进度", "claim_number", "LP2026110290101"),
        ("LP 2026110290101", "claim_number", "LP2026110290101"),
        ("保单P2026000000101到期了吗", "policy_number", "P2026000000101"),
        ("保单号p2026000000101", "policy_number", "P2026000000101"),
        ("投诉单号TS20261120-9001进度", "complaint_number", "TS20261120-9001"),
        ("ts20261120－9001", "complaint_number", "TS20261120-9001"),
        ("投诉TS202611209001", "complaint_number", "TS20261120-9001"),
        ("预约号 yy20261201 - 0002", "appointment_number", "YY20261201-0002"),
        ("我的删除申请GR20261207-0001办好了吗", "data_request_number", "GR20261207-0001"),
        ("gr202612070001", "data_request_number", "GR20261207-0001"),
        ("手机13812345678", "phone", "13812345678"),
        ("电话 138 1234 5678", "phone", "13812345678"),
        ("电话138-1234-5678", "phone", "13812345678"),
        ("+86 139 1234 5678", "phone", "13912345678"),
        ("手机１３８１２３４５６７８", "phone", "13812345678"),
        ("身份证11010519900101123x", "id_number", "11010519900101123X"),
        ("110105199001011234", "id_number", "110105199001011234"),
        ("卡号6222021234567890123", "bank_card", "6222021234567890123"),
        ("银行卡 6222 0212 3456 7890", "bank_card", "6222021234567890"),
        ("账号110105199001011234", "bank_card", "110105199001011234"),
        ("123456789012345678", "bank_card", "123456789012345678"),  # no birth date: not an ID number
        # grouped as the customer pleased (set 10)
        ("lp2026-1028-90106 为什么被拒了", "claim_number", "LP2026102890106"),
        ("LP 2026 1102 9010 2", "claim_number", "LP2026110290102"),
        ("保单 p2026-000000-101", "policy_number", "P2026000000101"),
        ("电话 1 3 6 0 0 0 0 1 2 3 4", "phone", "13600001234"),
    ],
)
def test_identifier_is_found_with_its_canonical_value(text, label, value):
    [found] = find(text)
    assert (found.label, found.value) == (label, value)


def test_offsets_point_at_the_identifier_in_the_original_text():
    text = "你好，理赔LP2026110290101，手机8613812345678"
    claim, phone = find(text)
    assert claim == Identifier("claim_number", 5, 20, "LP2026110290101")
    assert text[phone.start : phone.end] == "13812345678"


@pytest.mark.parametrize(
    "text",
    [
        "LP20261102901011",  # one digit too many
        "P202600000010",  # one too few
        "12812345678",  # not a mobile prefix
        "138123456789",
        "TS2026112-9001",
        "我想查一下理赔进度",
        "LP2026-1028-9010",  # grouped, one digit short
        "3 1380013800",  # a count beside a number a digit short: no mobile made of the two
    ],
)
def test_near_misses_are_not_identifiers(text):
    assert find(text) == []


def test_policy_number_that_contains_a_mobile_stays_a_policy_number():
    assert [i.label for i in find("P8613812345678")] == ["policy_number"]


def test_mask_hides_personal_numbers_but_keeps_case_numbers_readable():
    text = "理赔LP2026110290101，手机13812345678，身份证110105199001011234，卡号6222021234567890123"
    assert mask(text) == ("理赔LP2026110290101，手机138****5678，身份证110105********1234，卡号6222***********0123")


def test_mask_keeps_the_customers_own_formatting():
    assert mask("电话 138-1234-5678") == "电话 138-****-5678"
    assert mask("银行卡 6222 0212 3456 7890") == "银行卡 6222 **** **** 7890"
    assert mask("１３８１２３４５６７８") == "１３８****５６７８"


def test_text_without_personal_numbers_is_unchanged():
    assert mask("投诉单TS20261120-9001，保单P2026000000101") == "投诉单TS20261120-9001，保单P2026000000101"


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.sampled_from(["", "我的手机是", "电话：", "call "]),
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    suffix=st.sampled_from(["", "，谢谢", " ok", "。"]),
)
def test_every_mobile_is_masked_to_its_first_three_and_last_four_digits(prefix, mobile, suffix):
    assert mask(prefix + mobile + suffix) == f"{prefix}{mobile[:3]}****{mobile[-4:]}{suffix}"


@pytest.mark.parametrize(("text", "label", "value"), [
    ("我的理赔号是LP二零二六一零三零九零一零五", "claim_number", "LP2026103090105"),
    ("他电话是幺三九幺二三四五六七八", "phone", "13912345678"),
    ("新的是一五零 零一三八 八八八八", "phone", "15001388888"),  # read out in groups
])
def test_numbers_spoken_digit_by_digit_are_identifiers_at_their_own_place(text, label, value):
    """Set 7: voice input writes numbers as digit words; the claim number was not found."""
    [found] = find(text)
    assert (found.label, found.value) == (label, value)
    assert text[found.start:found.end].endswith(text[-4:])


@pytest.mark.parametrize(("text", "value"), [
    ("TS 二零二六 幺幺二零 杠 九零零幺 手机尾号 八 零 零 幺", "TS20261120-9001"),  # set 14: the dash read out
    ("TS 2026 1120 - 9001", "TS20261120-9001"),
    ("GR 2026 1203 9001 办得怎么样了", "GR20261203-9001"),
])
def test_case_numbers_read_out_in_groups_are_found(text, value):
    assert [i.value for i in find(text)] == [value]


def test_a_case_number_is_not_run_into_the_digits_beside_it():
    assert [i.value for i in find("TS20261120-9001 8001")] == ["TS20261120-9001"]


def test_a_few_digit_words_in_prose_stay_words():
    assert find("一二三四五 上山打老虎") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("保丹号行不行 手机后四为是 八零零幺", "保丹号行不行 手机后四为是 8001"),
    ("LP2026103090105 后四位 九零零二 那个 批了没", "LP2026103090105 后四位 9002 那个 批了没"),
    ("手機尾號 八 零 零 幺", "手機尾號 8 0 0 1"),  # one by one
    ("尾号是三三三三三", "尾号是三三三三三"),  # five are no last four
    ("住了三四五天 一二三四", "住了三四五天 一二三四"),  # no cue
])
def test_four_digit_words_announced_as_the_last_digits_are_figures(text, expected):
    """Set 14: "手机后四为是 八零零幺" with a policy number spoken too: the digits were not read, and the check
    failed or was asked again."""
    assert digits_spoken(text) == expected
