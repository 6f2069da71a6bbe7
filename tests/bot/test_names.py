"""Rule-based personal names: a surname after a cue or a clause on its own, vetoed by ordinary words."""

from __future__ import annotations

import pytest

from bot import names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我叫梁家豪", ["梁家豪"]),
        ("王建军，13212830758", ["王建军"]),
        ("欧阳志远，我本人", ["欧阳志远"]),
        ("我是投保人彭志远", ["彭志远"]),
        ("投保人是我老婆许丽娟", ["许丽娟"]),
        ("联系人是我儿子，叫董浩然", ["董浩然"]),
        ("名字写错了，是刘晓东", ["刘晓东"]),
        ("我叫周一鸣", ["周一鸣"]),  # 周一 is a word, 周一鸣 is not
        ("我叫赵文静想预约柜面", ["赵文静"]),
        ("客户姓名：马俊", ["马俊"]),
        ("司马光", ["司马光"]),
        ("赵桂兰13501234567", ["赵桂兰"]),  # glued to the mobile
        ("何秀英13912345678 保单没带", ["何秀英"]),
    ],
)
def test_names_after_a_cue_or_standing_alone_are_found(text, expected):
    assert [n.value for n in names.find(text)] == expected
    assert all(text[n.start : n.end] == n.value for n in names.find(text))


@pytest.mark.parametrize(
    "text",
    [
        *("我是高血压患者能买吗", "我是江苏的", "我是来投诉的", "我儿子高考考了580分"),
        *("谢谢", "谢啦", "高兴", "明天", "马上办", "金额不对", "王者荣耀怎么玩", "查进度", "石头"),
        *("我是王先生", "你叫什么", "我叫Mike", "明天10点", "周六9点半"),
    ],
)
def test_ordinary_words_and_titles_are_not_names(text):
    assert names.find(text) == []


@pytest.mark.parametrize("value", ["张伟", "欧阳娜娜", "李苑", "Lily Wang", "马丽·艾力", "郑国栋"])  # (栋: set 13)
def test_plausible_names(value):
    assert names.plausible(value)


@pytest.mark.parametrize("value", ["张江路100号", "张江路", "王家村", "高新区", "月亮", "李1"])
def test_addresses_and_words_are_not_plausible_names(value):
    assert not names.plausible(value)
