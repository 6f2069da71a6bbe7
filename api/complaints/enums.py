"""Complaint vocabularies (seed 001): lifecycle stages and priority."""

from enum import StrEnum


class ComplaintStage(StrEnum):
    ACCEPTED = "受理"
    REGISTERED = "登记"
    ANALYSIS = "分析"
    SOLUTION = "方案"
    EXECUTION = "执行"
    FEEDBACK = "反馈"
    CLOSED = "关闭"


class ComplaintPriority(StrEnum):
    HIGH = "高"
    NORMAL = "普通"


ORDER = list(ComplaintStage)

# Forward one step at a time; an unsatisfied customer at 反馈 sends the case back to 方案.
TRANSITIONS: dict[ComplaintStage, set[ComplaintStage]] = {
    stage: ({ORDER[i + 1]} if i + 1 < len(ORDER) else set()) for i, stage in enumerate(ORDER)
}
TRANSITIONS[ComplaintStage.FEEDBACK] = {ComplaintStage.CLOSED, ComplaintStage.SOLUTION}

STAGE_WORDS: dict[ComplaintStage, str] = {
    ComplaintStage.ACCEPTED: "投诉已受理，正在安排专人处理。",
    ComplaintStage.REGISTERED: "投诉已登记，并已指定处理人员。",
    ComplaintStage.ANALYSIS: "处理人员正在调查、分析问题。",
    ComplaintStage.SOLUTION: "正在制定解决方案。",
    ComplaintStage.EXECUTION: "解决方案正在执行中。",
    ComplaintStage.FEEDBACK: "处理结果已反馈，等待您的确认与评价。",
    ComplaintStage.CLOSED: "投诉已办结关闭。",
}
