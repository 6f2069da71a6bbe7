"""Case numbers, mobiles, ID and bank-card numbers in customer text, found with spaCy token rules; masking for logs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.script import normalise_width

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

CLAIM_NUMBER = "claim_number"
POLICY_NUMBER = "policy_number"
COMPLAINT_NUMBER = "complaint_number"
APPOINTMENT_NUMBER = "appointment_number"
DATA_REQUEST_NUMBER = "data_request_number"  # GR…: a request to see, correct or delete personal data
PHONE = "phone"
ID_NUMBER = "id_number"
BANK_CARD = "bank_card"

CASE_NUMBERS = frozenset({CLAIM_NUMBER, POLICY_NUMBER, COMPLAINT_NUMBER, APPOINTMENT_NUMBER, DATA_REQUEST_NUMBER})
SENSITIVE = frozenset({ID_NUMBER, BANK_CARD})
# Characters kept visible when masking: (head, tail). Same shapes as the backend's masking.
_MASKS = {PHONE: (3, 4), ID_NUMBER: (6, 4), BANK_CARD: (4, 4)}


@dataclass(frozen=True)
class Identifier:
    """An identifier at text[start:end], with its canonical value (upper-case prefix, digits only)."""

    label: str
    start: int
    end: int
    value: str


def _regex(pattern: str) -> dict:
    return {"TEXT": {"REGEX": pattern}}


_DASH = {"ORTH": {"IN": ["-", "–", "—", "_"]}}
_OPTIONAL_DASH = {**_DASH, "OP": "?"}


def _case_number(prefix: str, digits: int) -> list[list[dict]]:
    return [[_regex(rf"(?i)^{prefix}\d{{{digits}}}$")], [{"LOWER": prefix}, _regex(rf"^\d{{{digits}}}$")]]


def _dated_case_number(prefix: str) -> list[list[dict]]:
    return [[_regex(rf"(?i)^{prefix}\d{{8}}$"), _DASH, _regex(r"^\d{4}$")], [_regex(rf"(?i)^{prefix}\d{{12}}$")]]


# Token patterns: runs of ASCII letters and digits are single tokens, spaces separate tokens without
# being tokens, and every other character (Han, punctuation, dashes) is a token of its own.
_PATTERNS: dict[str, list[list[dict]]] = {
    CLAIM_NUMBER: _case_number("lp", 13),
    POLICY_NUMBER: _case_number("p", 13),
    COMPLAINT_NUMBER: _dated_case_number("ts"),
    APPOINTMENT_NUMBER: _dated_case_number("yy"),
    DATA_REQUEST_NUMBER: _dated_case_number("gr"),
    PHONE: [
        [_regex(r"^(?:86)?1[3-9]\d{9}$")],
        [_regex(r"^1[3-9]\d$"), _OPTIONAL_DASH, _regex(r"^\d{4}$"), _OPTIONAL_DASH, _regex(r"^\d{4}$")],
    ],
    ID_NUMBER: [[_regex(r"^\d{17}[\dXx]$")]],
    BANK_CARD: [
        [_regex(r"^\d{16,19}$")],
        [_regex(r"^\d{4}$"), *[token for _ in range(3) for token in (_OPTIONAL_DASH, _regex(r"^\d{4}$"))]],
        [
            _regex(r"^\d{4}$"),
            *[token for _ in range(3) for token in (_OPTIONAL_DASH, _regex(r"^\d{4}$"))],
            _OPTIONAL_DASH,
            _regex(r"^\d{1,3}$"),
        ],
    ],
}
# Numbers typed in groups of the customer's own making ("lp2026-1028-90106", "1 3 6 0 0 0 0 1 2 3 4"): the
# prefix, then digit runs and dashes (spaces separate tokens anyway); a span counts only if its digits, run
# together, have the label's exact shape (_GROUPED_SHAPES) — so no two numbers are read as one.
_RUN_OR_DASH = {"TEXT": {"REGEX": r"^(?:\d+|[-–—_])$"}, "OP": "*"}
_RUN = {"TEXT": {"REGEX": r"^\d+$"}}
_GROUPED: dict[str, list[list[dict]]] = {
    CLAIM_NUMBER: [[_regex(r"(?i)^lp\d*$"), _RUN_OR_DASH, _RUN]],
    POLICY_NUMBER: [[_regex(r"(?i)^p\d*$"), _RUN_OR_DASH, _RUN]],
    PHONE: [[_regex(r"^1\d{0,3}$"), _RUN_OR_DASH, _RUN]],
    # (read out in groups: "TS 2026 1120 - 9001", "TS 二零二六 幺幺二零 杠 九零零幺")
    COMPLAINT_NUMBER: [[_regex(r"(?i)^ts\d*$"), _RUN_OR_DASH, _RUN]],
    APPOINTMENT_NUMBER: [[_regex(r"(?i)^yy\d*$"), _RUN_OR_DASH, _RUN]],
    DATA_REQUEST_NUMBER: [[_regex(r"(?i)^gr\d*$"), _RUN_OR_DASH, _RUN]],
}
_GROUPED_SHAPES = {
    CLAIM_NUMBER: re.compile(r"LP\d{13}"),
    POLICY_NUMBER: re.compile(r"P\d{13}"),
    PHONE: re.compile(r"1[3-9]\d{9}"),  # in groups of at most four, unlike two numbers side by side
    COMPLAINT_NUMBER: re.compile(r"TS\d{8}-\d{4}"),
    APPOINTMENT_NUMBER: re.compile(r"YY\d{8}-\d{4}"),
    DATA_REQUEST_NUMBER: re.compile(r"GR\d{8}-\d{4}"),
}
_CARD_WORDS = ("卡号", "银行卡", "储蓄卡", "信用卡", "借记卡", "账号", "帐号", "卡")
_ID_WORDS = ("身份证", "证件", "身份")
_TOKEN = re.compile(r"[A-Za-z0-9]+|.", re.DOTALL)


class _Tokenizer:
    """Keeps ASCII alphanumeric runs whole: spaCy's Chinese character segmenter would split LP2026… per digit."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        for piece in _TOKEN.findall(text):
            if piece == " " and words and not spaces[-1]:
                spaces[-1] = True
            else:
                words.append(piece)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


@lru_cache(maxsize=1)
def _pipeline() -> tuple[Language, object]:
    """The blank Chinese pipeline and its matcher, built once per process on first use."""
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("zh")
    nlp.tokenizer = _Tokenizer(nlp.vocab)
    matcher = Matcher(nlp.vocab)
    for label, patterns in _PATTERNS.items():
        matcher.add(label, patterns, greedy="LONGEST")
    grouped = Matcher(nlp.vocab)  # every candidate span, each checked against its shape
    for label, patterns in _GROUPED.items():
        grouped.add(label, patterns)
    return nlp, (matcher, grouped)


def _grouped_spans(doc: Doc, grouped) -> list[Span]:
    def shaped(span: Span) -> bool:
        runs = [token.text for token in span if token.text.isdigit()]
        if span.label_ == PHONE and any(len(run) > 4 for run in runs):
            return False
        return _GROUPED_SHAPES[span.label_].fullmatch(_canonical(span.label_, span.text)[0]) is not None

    return [span for span in grouped(doc, as_spans=True) if len(span) > 1 and shaped(span)]


def load() -> None:
    """Builds the spaCy pipeline now, so the first customer message does not wait for it."""
    _pipeline()


def _plausible_id(value: str) -> bool:
    """An 18-character ID number ends in X or carries a real birth date (as the backend decides)."""
    if value.endswith("X"):
        return True
    try:
        return 1900 <= dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14])).year <= 2100
    except ValueError:
        return False


def _sensitive_label(doc: Doc, span: Span) -> str:
    """ID number or bank card for an 18-digit run: the words before it decide, else its birth date."""
    before = doc[max(0, span.start - 8) : span.start].text
    if any(word in before for word in _ID_WORDS):
        return ID_NUMBER
    if any(word in before for word in _CARD_WORDS):
        return BANK_CARD
    return ID_NUMBER if _plausible_id(span.text.upper()) else BANK_CARD


def _canonical(label: str, text: str) -> tuple[str, int]:
    """The canonical value and how many leading characters of `text` are not part of the identifier."""
    compact = re.sub(r"[\s\-–—_]", "", text).upper()
    if label in (COMPLAINT_NUMBER, APPOINTMENT_NUMBER, DATA_REQUEST_NUMBER):
        return f"{compact[:10]}-{compact[10:]}", 0
    if label == PHONE and len(compact) == 13:  # 86 glued to the front
        return compact[2:], 2
    return compact, 0


# Numbers read out digit by digit, as voice input writes them ("LP二零二六一零三零…", "幺三九…", "尾号九零零二").
# One character for one, so the offsets stay those of the text.
_DIGIT_WORDS = "零〇一二三四五六七八九幺"
_DIGIT_OF = str.maketrans(_DIGIT_WORDS, "001234567891")


# (a dash read out: "TS 二零二六 幺幺二零 杠 九零零幺")
_SEPARATOR = r"(?:\s*[\-–—杠]\s*|\s)"
_SPOKEN_RUN = re.compile(rf"[{_DIGIT_WORDS}]+(?:{_SEPARATOR}[{_DIGIT_WORDS}]+)*")
_DASH_SAID = str.maketrans("杠", "-")


# …and four said right after the words that announce the last digits: "手机后四为是 八零零幺", "尾號 九零零二"
_LAST_DIGITS_CUE = re.compile(r"(?:尾号|尾號|尾数|尾數|后四位|後四位|后四为|后4位|末四位|最后四位|最后4位|后四个数字?)"
                              r"(?:是|系|为|為|係)?[:：\s]*$")


def digits_spoken(text: str, at_least: int = 7) -> str:
    """`text` with runs of `at_least` digit words as figures, counted across the spaces or dashes of a number
    read out in groups ("一五零 零一三八 八八八八"). Seven or more are never prose (an identifier); fewer are
    digits only where digits are asked for ("一二三四" answers the verification question) or announced."""
    def figures(m: re.Match) -> str:
        run, count = m.group(), len(re.sub(rf"{_SEPARATOR}", "", m.group()))
        announced = count == 4 and _LAST_DIGITS_CUE.search(text[max(0, m.start() - 12):m.start()])
        return run.translate(_DIGIT_OF).translate(_DASH_SAID) if count >= at_least or announced else run

    return _SPOKEN_RUN.sub(figures, text)


def find(text: str) -> list[Identifier]:
    """Every identifier in `text`, in order; full-width digits and letters count like ASCII ones, and so do
    numbers spoken digit by digit."""
    from spacy.util import filter_spans

    nlp, (matcher, grouped) = _pipeline()
    doc = nlp(digits_spoken(normalise_width(text)))
    spans = matcher(doc, as_spans=True) + _grouped_spans(doc, grouped)
    # The same 18-digit run matches both ID number and bank card; keep one label for it.
    by_range: dict[tuple[int, int], Span] = {}
    for span in spans:
        key = (span.start, span.end)
        if key in by_range and {by_range[key].label_, span.label_} == SENSITIVE:
            span = by_range[key] if by_range[key].label_ == _sensitive_label(doc, span) else span
        by_range[key] = span
    found = []
    for span in filter_spans(by_range.values()):
        value, skip = _canonical(span.label_, span.text)
        found.append(Identifier(span.label_, span.start_char + skip, span.end_char, value))
    return found


def _star(text: str, head: int, tail: int) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit() or c in "XxＸｘ"]
    hidden = set(positions[head : len(positions) - tail])
    return "".join("*" if i in hidden else c for i, c in enumerate(text))


def mask(text: str) -> str:
    """`text` with mobiles, ID and bank-card numbers starred out (case numbers stay readable)."""
    masked = text
    for identifier in reversed(find(text)):
        if identifier.label in _MASKS:
            head, tail = _MASKS[identifier.label]
            original = masked[identifier.start : identifier.end]
            masked = masked[: identifier.start] + _star(original, head, tail) + masked[identifier.end :]
    return masked
