"""Claim vocabularies (RULES §5): statuses customers see, categories, priorities."""

from enum import StrEnum


class ClaimStatus(StrEnum):
    ACCEPTED = "受理中"
    REVIEWING = "审核中"
    DOCUMENTS_REQUESTED = "待补充材料"
    APPROVED = "已通过"
    REJECTED = "已拒赔"
    CLOSED = "已结案"


class ClaimCategory(StrEnum):
    ORDINARY = "普通"
    COMPLEX = "复杂"
    URGENT = "紧急"
    REPEAT = "重复"


class ClaimPriority(StrEnum):
    URGENT = "紧急"
    HIGH = "较高"
    NORMAL = "一般"


# The lifecycle: from each status, where a claim may go next.
TRANSITIONS: dict[ClaimStatus, set[ClaimStatus]] = {
    ClaimStatus.ACCEPTED: {ClaimStatus.REVIEWING, ClaimStatus.DOCUMENTS_REQUESTED, ClaimStatus.REJECTED},
    ClaimStatus.REVIEWING: {ClaimStatus.DOCUMENTS_REQUESTED, ClaimStatus.APPROVED, ClaimStatus.REJECTED},
    ClaimStatus.DOCUMENTS_REQUESTED: {ClaimStatus.REVIEWING},
    ClaimStatus.APPROVED: {ClaimStatus.CLOSED},
    ClaimStatus.REJECTED: {ClaimStatus.CLOSED},
    ClaimStatus.CLOSED: set(),
}

# What each status means, in the words the bot and the console use with customers.
PLAIN_WORDS: dict[ClaimStatus, str] = {
    ClaimStatus.ACCEPTED: "我们已收到您的理赔申请，正在进行材料初审。",
    ClaimStatus.REVIEWING: "理赔材料齐全，案件正在审核中。",
    ClaimStatus.DOCUMENTS_REQUESTED: "审核需要您补充材料，收到材料后会继续处理（等待期间时限暂停计算）。",
    ClaimStatus.APPROVED: "理赔审核已通过，正在安排赔款支付。",
    ClaimStatus.REJECTED: "经审核，本次申请不在保险责任范围内，未能赔付；如有异议可申请复核或投诉。",
    ClaimStatus.CLOSED: "案件已结案，赔付（如有）已完成。",
}

CURRENT_STEP: dict[ClaimStatus, str] = {
    ClaimStatus.ACCEPTED: "受理与材料初审",
    ClaimStatus.REVIEWING: "理赔审核",
    ClaimStatus.DOCUMENTS_REQUESTED: "等待补充材料",
    ClaimStatus.APPROVED: "赔款支付",
    ClaimStatus.REJECTED: "拒赔通知",
    ClaimStatus.CLOSED: "已结案归档",
}
