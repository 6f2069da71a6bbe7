"""Script conversion and detection shared by the NLU pipeline, the NLG and the actions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import script


def test_traditional_customer_reads_replies_in_traditional():
    reply = "您的理赔申请已受理，我们会在3个工作日内联系您。"
    assert script.to_script(reply, "traditional") == "您的理賠申請已受理，我們會在3個工作日內聯繫您。"


@pytest.mark.parametrize("customer_script", ["simplified", None, "unknown"])
def test_other_customers_read_replies_as_written(customer_script):
    assert script.to_script("您的理赔申请已受理", customer_script) == "您的理赔申请已受理"


def test_case_numbers_and_digits_survive_conversion():
    assert script.to_script("理赔单LP2026110290101，电话95500", "traditional") == "理賠單LP2026110290101，電話95500"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我想查一下理賠進度", "traditional"),
        ("下週三下午三點可以嗎", "traditional"),
        ("我想查一下理赔进度", "simplified"),
        ("明天下午三点可以吗", "simplified"),
        ("你好", None),  # the same in both scripts: no evidence
        ("我要投", None),
        ("LP2026110290101", None),
        ("", None),
    ],
)
def test_script_is_detected_only_from_characters_that_differ(text, expected):
    assert script.detect_script(text) == expected


def test_full_width_ascii_becomes_half_width_one_for_one():
    assert script.normalise_width("ＬＰ２０２６，电话：１３８") == "LP2026,电话:138"


def test_width_normalisation_never_changes_the_length():
    # NFKC alone would turn these into several characters each.
    assert script.normalise_width("……㍿ﬁ") == "……㍿ﬁ"


def test_simplified_conversion_keeps_every_offset():
    assert script.to_simplified("我的保單號碼是P2026000000101，週三聯絡") == "我的保单号码是P2026000000101，周三联络"


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFFEF), max_size=40))
def test_normalisation_is_length_preserving_for_any_text(text):
    assert len(script.to_simplified(script.normalise_width(text))) == len(text)
