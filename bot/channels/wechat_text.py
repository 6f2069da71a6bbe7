"""What a WeChat customer reads from the channel itself: the defined replies to input the bot is not
given, bot messages flattened to plain text (buttons become numbered options), and the numbered
choices each customer was last offered."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import OrderedDict
from typing import Any

MAX_TEXT_CHARS = 2000

NON_TEXT = (
    "抱歉，目前只支持文字消息，语音、图片、位置等内容我暂时还看不懂。"
    "请用文字描述您的问题，例如“查询理赔进度”或“我要投诉”。"
)
EMPTY = "您好，没有收到文字内容。请直接输入您想咨询的问题，例如“查询理赔进度”。"
TOO_LONG = (
    f"抱歉，您的消息超过了 {MAX_TEXT_CHARS} 字，我一次处理不了。"
    "请精简后再发送，或分成几条依次发给我，之前的对话内容都还在。"
)
EMOJI_ONLY = "收到您的表情啦！为了更好地帮您，请用文字描述一下您的问题，例如“查询理赔进度”“预约服务”或“我要投诉”。"
BOT_ERROR = "抱歉，系统刚才开了小差，您的这条消息可能没有处理成功，请稍后再发送一次。"
CHOOSE_BY_NUMBER = "回复数字选择："

# WeChat's own face stickers arrive inside Content as text codes: "[微笑]" on current clients,
# "/::)"-style codes on old ones. Only these names count; "[理赔]" stays text for the bot.
_WECHAT_FACES = frozenset(
    "微笑 撇嘴 色 发呆 得意 流泪 害羞 闭嘴 睡 大哭 尴尬 发怒 调皮 呲牙 惊讶 难过 酷 冷汗 抓狂 吐 偷笑 愉快 "
    "白眼 傲慢 饥饿 困 惊恐 流汗 憨笑 悠闲 奋斗 咒骂 疑问 嘘 晕 疯了 衰 骷髅 敲打 再见 擦汗 抠鼻 鼓掌 糗大了 "
    "坏笑 左哼哼 右哼哼 哈欠 鄙视 委屈 快哭了 阴险 亲亲 吓 可怜 菜刀 西瓜 啤酒 咖啡 猪头 玫瑰 凋谢 嘴唇 爱心 "
    "心碎 蛋糕 炸弹 便便 月亮 太阳 拥抱 强 弱 握手 胜利 抱拳 勾引 拳头 OK 跳跳 发抖 怄火 转圈 嘿哈 捂脸 奸笑 "
    "机智 皱眉 耶 吃瓜 加油 汗 天啊 Emm 社会社会 旺柴 好的 打脸 哇 翻白眼 666 让我看看 叹气 苦涩 裂开 合十 "
    "红包 發 福 烟花 爆竹 庆祝 礼物 凝视".split()
)
_FACE_CODE = re.compile(r"\[([^\[\]]{1,6})\]|/:[!-~]{1,8}")
# Emoji are symbols (So), skin-tone modifiers (Sk), joiners and variation selectors (Cf, Mn, Me).
_EMOJI_CATEGORIES = {"So", "Sk", "Cf", "Mn", "Me"}


def is_emoji_only(text: str) -> bool:
    """True when the text holds emoji or WeChat face codes and no letter, digit or Chinese character."""
    found_face = False

    def strip_face(match: re.Match) -> str:
        nonlocal found_face
        if match.group(1) is None or match.group(1) in _WECHAT_FACES:
            found_face = True
            return " "
        return match.group(0)

    rest = _FACE_CODE.sub(strip_face, text)
    categories = {unicodedata.category(ch) for ch in rest if not ch.isspace()}
    if any(cat[0] in "LN" for cat in categories):
        return False
    return found_face or bool(categories & _EMOJI_CATEGORIES)


class Presentation:
    """Bot messages of one turn as WeChat text; buttons are numbered across the whole turn."""

    def __init__(self) -> None:
        self.options: list[dict[str, Any]] = []

    def render(self, message: dict[str, Any]) -> str:
        """One Rasa bot message (text, buttons/quick replies, image, attachment) as plain text."""
        parts = [message["text"].strip()] if isinstance(message.get("text"), str) and message["text"].strip() else []
        if message.get("image"):
            parts.append(f"图片：{message['image']}")
        if isinstance(message.get("attachment"), str):
            parts.append(f"附件：{message['attachment']}")
        for element in message.get("elements") or []:
            if isinstance(element, dict):
                parts.append(" ".join(str(element.get(k, "")) for k in ("title", "subtitle")).strip())
        buttons = [b for b in (message.get("buttons") or message.get("quick_replies") or []) if isinstance(b, dict)]
        if buttons:
            lines = []
            for button in buttons:
                self.options.append(button)
                lines.append(f"{len(self.options)}. {button.get('title') or button.get('payload')}")
            parts.append(CHOOSE_BY_NUMBER + "\n" + "\n".join(lines))
        return "\n".join(p for p in parts if p)


class OfferedChoices:
    """The numbered options each customer (openid) was last shown, so that "2" means the second.

    In memory and bounded: losing it (restart, eviction) only means a bare number goes to the bot as text.
    """

    def __init__(self, max_customers: int = 10_000, ttl: float = 24 * 3600.0) -> None:
        self._offers: OrderedDict[str, tuple[float, list[dict[str, Any]]]] = OrderedDict()
        self._max, self._ttl = max_customers, ttl

    def offer(self, openid: str, options: list[dict[str, Any]]) -> None:
        """Remember what the customer was just shown; a message without options clears older ones."""
        self._offers.pop(openid, None)
        if options:
            self._offers[openid] = (time.monotonic(), list(options))
            while len(self._offers) > self._max:
                self._offers.popitem(last=False)

    def resolve(self, openid: str, text: str) -> str:
        """The payload of the option the customer picked by number, else the text unchanged."""
        number = unicodedata.normalize("NFKC", text).strip().rstrip(".。")
        offered = self._offers.get(openid)
        if not number.isdigit() or offered is None or time.monotonic() - offered[0] > self._ttl:
            return text
        options = offered[1]
        index = int(number)
        if 1 <= index <= len(options):
            return options[index - 1].get("payload") or options[index - 1].get("title") or text
        return text
