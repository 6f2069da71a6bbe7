"""Personal numbers are masked in free text; our own case numbers are left alone."""

import pytest

from api.core.masking import mask_personal_numbers as mask


def test_mobile_keeps_first_three_and_last_four_digits():
    assert mask("13812345678") == "138****5678"


def test_id_card_keeps_region_code_and_last_four():
    assert mask("110105199001011234") == "110105********1234"
    assert mask("11010519900101123X") == "110105********123X"
    assert mask("11010519900101123x") == "110105********123x"


@pytest.mark.parametrize(
    ("card", "masked"),
    [
        ("6222021234567890", "6222********7890"),
        ("62220212345678901", "6222*********8901"),
        ("6222021234567890123", "6222***********0123"),
        ("6222 0212 3456 7890", "6222 **** **** 7890"),
        ("6222-0212-3456-7890-123", "6222-****-****-***0-123"),
    ],
)
def test_bank_card_runs_of_16_to_19_digits_are_masked(card, masked):
    assert mask(card) == masked


def test_eighteen_digits_without_a_birth_date_are_masked_as_a_bank_card():
    assert mask("622202123456789012") == "6222**********9012"


def test_personal_numbers_inside_chinese_text_are_masked():
    text = "我的手机号是13812345678，身份证110105199001011234，银行卡6222021234567890，请尽快处理。"
    assert mask(text) == "我的手机号是138****5678，身份证110105********1234，银行卡6222********7890，请尽快处理。"


def test_full_width_digits_are_masked_too():
    assert mask("电话：１３８１２３４５６７８") == "电话：１３８****５６７８"
    assert mask("１１０１０５１９９００１０１１２３Ｘ") == "１１０１０５********１２３Ｘ"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("138 1234 5678", "138 **** 5678"),
        ("138-1234-5678", "138-****-5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("8613812345678", "86138****5678"),
    ],
)
def test_mobiles_written_with_separators_or_country_code_are_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+852 9123 4478", "+852 **** 4478"),
        ("電話 +85291234478 唔該", "電話 +852****4478 唔該"),
        ("00853-6612-3456", "00853-****-3456"),
        ("＋886 912 345 678", "＋886 *** **5 678"),
    ],
)
def test_phone_numbers_with_a_foreign_country_code_keep_only_the_code_and_last_four(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    "number",
    [
        "LP2026110500123",
        "P0000000000123",
        "P8613812345678",
        "TS20261122-0001",
        "YY20261122-0042",
        "GR20261122-0007",
        "lp2026110500123",
    ],
)
def test_case_numbers_are_not_masked(number):
    assert mask(f"您的案件{number}正在处理") == f"您的案件{number}正在处理"


def test_case_number_and_mobile_side_by_side():
    text = "理赔案号LP2026110500123，联系电话13912345678"
    assert mask(text) == "理赔案号LP2026110500123，联系电话139****5678"


@pytest.mark.parametrize(
    "text",
    [
        "金额 15000 元",
        "报案日期20261122",
        "12345678901",  # 11 digits but not a mobile prefix
        "01012345678",  # landline with area code
        "123456789012345678901234",  # longer than any personal number
        "保费涨了+500元",  # a sign, not a country code
        "+852 9123",  # too short for a phone number
        "",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert mask(text) == text


def test_masking_is_idempotent():
    once = mask("手机13812345678 身份证110105199001011234")
    assert mask(once) == once
