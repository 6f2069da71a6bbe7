"""Chinese personal names found by rule: a common surname after a cue ("我叫", "联系人是"), or a clause
that is nothing but a name ("王建军，13212830758"). DIET sees too few names to learn an open class.

A candidate is a surname plus one or two given-name characters. jieba's dictionary vetoes the ones that are
ordinary words (高血压, 江苏, 谢谢): a real full name is rare in it, and then tagged as a name (nr…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import jieba
import jieba.posseg

# The ~300 most common surnames (compound ones first: they are tried before the single character).
COMPOUND_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 西门 轩辕 呼延 澹台 百里"
).split()
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施"
    "牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁"
    "冉骆蓝游辛靳管柴蒙鲍喻祁蒲房滕屈饶解牟艾尤穆农卓古吉缪简项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟"
    "臧闵苟邬边卞姬仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝封谈匡鞠惠荆冀郁胥栗燕楚鄢谌奚皮粟冼蔺楼闻"
    "厉伊仝郜阚权帅屠朴练廉禹井祖漆巴支卿狄计索宣晋芮扈晁阙浦戈伏鹿薄邸雍辜裘亓邰赫杭况宿逯隆茹诸嵇湛宾戎勾茅揭"
    "尉冶檀衣昝幸奉衡尧赖洪区"  # (赖, 洪, 区: common in Guangdong, Hong Kong and Taiwan)
)
# 查 is left out: in this chat it is the verb "look up" far more often than a surname.
# Characters that end a name: particles, pronouns and verbs that follow one in a sentence.
_NOT_GIVEN = frozenset("的了吧啊呀呢吗嘛哈哦喔噢啦嘞咯哟噻我你他她它们想要在是就和跟还也都不没请帮给让去说")
_TITLES = ("先生", "女士", "小姐", "老师", "经理", "师傅", "本人")  # 王先生 is a way to be addressed, not a name
_CUE = re.compile(
    r"(?:我叫|叫我|名字(?:是|叫)?|全名(?:是|叫)?|姓名(?:是|叫)?|(?:联系|登记|投保|申请|被保险?)人(?:是|叫|写)?|"
    r"本人(?:是|叫)?|我是|客户(?:姓名)?(?:是|叫)|(?:(?<=是我)(?:{kin})(?:是|叫)?|(?:{kin})(?:是|叫))|"
    r"(?<![我你他她])叫|就写|(?:^|(?<=[，,\s]))是)[:：\s]*".format(
        kin="老婆|老公|爱人|太太|丈夫|妻子|儿子|女儿|父亲|母亲"
    )
)
# digits end a clause too: "赵桂兰13501234567" is a name glued to its mobile
_CLAUSE = re.compile(r"[^，,、；;。.!！?？\s0-9]+")
_COMMON_WORD = 500  # jieba frequency above which a "name" is an everyday word (谢谢 1089; 李娜 438)


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    value: str


@cache
def _tags() -> dict[str, str]:
    jieba.initialize()
    return jieba.posseg.dt.word_tag_tab


def load() -> None:
    """Loads jieba's dictionary and word tags now (a second or so), not on the first customer's message."""
    _tags()


def _is_word(text: str) -> bool:
    """A dictionary word that is not (only) a person's name."""
    tag = _tags().get(text)
    return tag is not None and (not tag.startswith("nr") or jieba.dt.FREQ.get(text, 0) >= _COMMON_WORD)


def _name_at(text: str, start: int, whole_to: int | None = None) -> Name | None:
    """The name starting at `start`: surname + 1–2 given characters.

    After a cue only an ordinary word as a whole is vetoed (周一鸣, 申明华 stay names); a clause that is to be
    a name on its own (`whole_to`) is vetoed by any word it starts with (高兴, 明天好).
    """
    surname = next((s for s in COMPOUND_SURNAMES if text.startswith(s, start)), None)
    if surname is None:
        surname = text[start] if start < len(text) and text[start] in SURNAMES else None
    if surname is None:
        return None
    end = given = start + len(surname)
    while (
        end < len(text)
        and end - given < 2
        and "\u4e00" <= text[end] <= "\u9fff"
        and text[end] not in _NOT_GIVEN
        and not text.startswith(_TITLES, end)
    ):
        end += 1
    if end == given or (whole_to is not None and end != whole_to):
        return None
    stops = range(start + len(surname) + 1, end + 1) if whole_to is not None else (end,)
    if any(_is_word(text[start:stop]) for stop in stops):
        return None
    return Name(start, end, text[start:end])


PLACE_ENDINGS = set("路街巷弄号区市县镇村楼室")  # (not 栋: 郑国栋 and 王家栋 are names; "3栋" has digits anyway)


def plausible(value: str) -> bool:
    """Could be a name someone gives: starts with a common surname (王五, 欧阳…), or is written in Latin letters."""
    value = value.strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", value):
        return True
    # Han characters only (张江路100号 is an address), and not ending like a place (张江路, 王家村)
    if not re.fullmatch(r"[\u4e00-\u9fff·]{2,8}", value) or value[-1] in PLACE_ENDINGS:
        return False
    return value[0] in SURNAMES or value.startswith(tuple(COMPOUND_SURNAMES))


def find(text: str) -> list[Name]:
    """Names after a cue, and clauses that are only a name; in text order, without overlaps."""
    found = {n.start: n for m in _CUE.finditer(text) if (n := _name_at(text, m.end()))}
    for clause in _CLAUSE.finditer(text):
        if clause.start() not in found and (n := _name_at(text, clause.start(), whole_to=clause.end())):
            found[n.start] = n
    return sorted(found.values(), key=lambda n: n.start)
