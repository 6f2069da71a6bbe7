"""Personal-data request vocabularies (RULES §7): what the customer asks for and where the request stands."""

from enum import StrEnum


class DataRequestKind(StrEnum):
    ACCESS = "查询"  # see or obtain a copy of one's data
    CORRECTION = "更正"
    DELETION = "删除"


class DataRequestStatus(StrEnum):
    ACCEPTED = "受理"
    IDENTITY_CHECK = "核实身份"
    PROCESSING = "处理中"
    COMPLETED = "已完成"
    REJECTED = "已驳回"


FORWARD = [
    DataRequestStatus.ACCEPTED,
    DataRequestStatus.IDENTITY_CHECK,
    DataRequestStatus.PROCESSING,
    DataRequestStatus.COMPLETED,
]
# Either is the reply the customer is owed, so either needs a written resolution.
CLOSED_STATUSES = frozenset({DataRequestStatus.COMPLETED, DataRequestStatus.REJECTED})

# One step forward at a time; a request may be turned down at any open step.
TRANSITIONS: dict[DataRequestStatus, set[DataRequestStatus]] = {
    status: ({FORWARD[i + 1], DataRequestStatus.REJECTED} if i + 1 < len(FORWARD) else set())
    for i, status in enumerate(FORWARD)
}
TRANSITIONS[DataRequestStatus.REJECTED] = set()

KIND_WORDS: dict[DataRequestKind, str] = {
    DataRequestKind.ACCESS: "查询（获取副本）",
    DataRequestKind.CORRECTION: "更正",
    DataRequestKind.DELETION: "删除",
}

STATUS_WORDS: dict[DataRequestStatus, str] = {
    DataRequestStatus.ACCEPTED: "申请已受理，工作人员将致电您核实身份。",
    DataRequestStatus.IDENTITY_CHECK: "工作人员正在核实您的身份。",
    DataRequestStatus.PROCESSING: "身份已核实，正在处理您的申请。",
    DataRequestStatus.COMPLETED: "申请已办理完成。",
    DataRequestStatus.REJECTED: "申请未能办理，原因见处理结果；如有异议，可以投诉或转人工咨询。",
}
