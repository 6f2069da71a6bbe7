"""Demo customers, policies, claims, complaints and a personal-data request — fixed numbers, times relative to
seeding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.claims import service as claims
from api.claims.enums import ClaimCategory as Cat
from api.claims.enums import ClaimPriority as Pri
from api.claims.enums import ClaimStatus as St
from api.claims.models import Claim
from api.complaints import service as complaints
from api.complaints.enums import ComplaintStage as Stage
from api.complaints.models import Complaint
from api.complaints.schemas import ComplaintCreate
from api.core.clock import utcnow
from api.data_requests import service as data_requests
from api.data_requests.enums import DataRequestStatus
from api.data_requests.models import DataRequest
from api.data_requests.schemas import DataRequestCreate
from api.policies import service as policies
from api.policies.models import InsurancePolicy

AGENT = Principal("agent01", "agent", "张敏")

# number, holder, mobile, id number, product, type, sum insured
POLICIES = [
    ("P2026000000101", "陈晓明", "13800138001", "110105198603151234", "安心医疗保险", "健康险", "2000000"),
    ("P2026000000102", "林美华", "13900139002", "440106199002205678", "畅行综合意外险", "意外险", "500000"),
    ("P2026000000103", "林美华", "13900139002", "440106199002205678", "福寿终身寿险", "寿险", "1000000"),
    ("P2026000000104", "王建国", "13700137003", "310104197512309876", "家用汽车保险", "车险", "300000"),
    ("P2026000000105", "刘芳", "13600136004", "330102198811113333", "家庭财产保险", "财产险", "800000"),
]

# number, policy, category, priority, amount, reported (days ago), status path, missing documents
CLAIMS = [
    ("LP2026110290101", "P2026000000101", Cat.ORDINARY, Pri.NORMAL, "3200", 1, [], []),
    ("LP2026110290102", "P2026000000101", Cat.ORDINARY, Pri.NORMAL, "12800", 4, [St.REVIEWING], []),
    (
        "LP2026110390103",
        "P2026000000102",
        Cat.COMPLEX,
        Pri.HIGH,
        "150000",
        6,
        [St.REVIEWING, St.DOCUMENTS_REQUESTED],
        ["医疗记录（住院病历）", "费用清单"],
    ),
    ("LP2026110490104", "P2026000000104", Cat.URGENT, Pri.URGENT, "46000", 3, [St.REVIEWING], []),
    ("LP2026103090105", "P2026000000102", Cat.ORDINARY, Pri.NORMAL, "5600", 12, [St.REVIEWING, St.APPROVED], []),
    ("LP2026102890106", "P2026000000105", Cat.ORDINARY, Pri.NORMAL, "8800", 15, [St.REVIEWING, St.REJECTED], []),
    (
        "LP2026102090107",
        "P2026000000103",
        Cat.ORDINARY,
        Pri.NORMAL,
        "2000",
        30,
        [St.REVIEWING, St.APPROVED, St.CLOSED],
        [],
    ),
]

# number, policy, mobile, name, type, description, demand, days ago, stage path
COMPLAINTS = [
    (
        "TS20261120-9001",
        None,
        "13800138001",
        "陈晓明",
        "服务质量问题",
        "客服电话打了三次都没人接，等了很久。",
        "希望改进服务并给我回电",
        0.1,
        [],
    ),
    (
        "TS20261118-9002",
        "P2026000000102",
        "13900139002",
        "林美华",
        "理赔纠纷",
        "理赔材料交了两次还说不齐全。",
        "请尽快审核并说明到底缺什么",
        3,
        [Stage.REGISTERED, Stage.ANALYSIS],
    ),
    (
        "TS20261115-9003",
        "P2026000000104",
        "13700137003",
        "王建国",
        "销售误导",
        "买车险时业务员承诺的赠送服务没有兑现。",
        "兑现承诺或退还差价",
        6,
        [Stage.REGISTERED, Stage.ANALYSIS, Stage.SOLUTION, Stage.EXECUTION, Stage.FEEDBACK],
    ),
    (
        "TS20261110-9004",
        "P2026000000105",
        "13600136004",
        "刘芳",
        "合同条款争议",
        "对家财险免责条款的理解有分歧。",
        "请专人解释条款",
        12,
        [Stage.REGISTERED, Stage.ANALYSIS, Stage.SOLUTION, Stage.EXECUTION, Stage.FEEDBACK],
    ),
    (
        "TS20261121-9005",
        "P2026000000104",
        "13700137003",
        "王建国",
        "理赔纠纷",
        "车损理赔拖了一个月还没结果，再不处理我就打12378向监管部门反映，还要找媒体曝光！",
        "本周内赔付到账",
        2,
        [],
    ),
]

# number, name, mobile, kind, details, days ago, status path
DATA_REQUESTS = [
    (
        "GR20261203-9001",
        "刘芳",
        "13600136004",
        "更正",
        "家庭财产保险保单上的通讯地址已经变了，需要更正。",
        4,
        [DataRequestStatus.IDENTITY_CHECK],
    ),
]


def seed(session: Session) -> int:
    """Create whatever demo record is missing; returns how many were created."""
    now, created = utcnow(), 0
    for number, holder, mobile, id_no, product, kind, insured in POLICIES:
        if session.scalar(select(InsurancePolicy.id).where(InsurancePolicy.number == number)) is None:
            policies.create(
                session,
                AGENT,
                holder_name=holder,
                mobile=mobile,
                id_number=id_no,
                product_name=product,
                product_type=kind,
                effective_date=(now - dt.timedelta(days=400)).date(),
                expiry_date=(now + dt.timedelta(days=330)).date(),
                sum_insured=Decimal(insured),
                number=number,
            )
            created += 1
    for number, policy, cat, pri, amount, days, path, missing in CLAIMS:
        if session.scalar(select(Claim.id).where(Claim.number == number)) is not None:
            continue
        at = now - dt.timedelta(days=days)
        claim = claims.create(
            session,
            AGENT,
            policy_number=policy,
            category=cat,
            priority=pri,
            amount=Decimal(amount),
            description="演示案件",
            reported_at=at,
            number=number,
        )
        for step, status in enumerate(path, start=1):
            at = at + dt.timedelta(hours=6 * step)
            claims.change_status(session, AGENT, claim, status, now=min(at, now), missing_documents=missing or None)
        claims.refresh_next_due(session, claim, now=now)
        created += 1
    for number, policy, mobile, name, kind, text, demand, days, path in COMPLAINTS:
        if session.scalar(select(Complaint.id).where(Complaint.number == number)) is not None:
            continue
        at = now - dt.timedelta(days=days)
        data = ComplaintCreate(
            description=text,
            demand=demand,
            type=kind,
            channel="电话",
            contact_name=name,
            contact_mobile=mobile,
            policy_number=policy,
        )
        complaint = complaints.create(session, AGENT, data, now=at, number=number)
        for step, stage in enumerate(path, start=1):
            at = at + dt.timedelta(hours=8 * step)
            complaints.change_stage(
                session,
                AGENT,
                complaint,
                stage,
                now=min(at, now),
                handler="agent01",
                resolution="已核实情况并与客户沟通解决方案。" if stage is Stage.FEEDBACK else None,
            )
        if number == "TS20261110-9004":
            complaints.confirm(session, AGENT, complaint, satisfied=True, score=4, comment="解释清楚了", now=now)
        complaints.refresh_next_due(complaint, now=now)
        created += 1
    for number, name, mobile, kind, details, days, path in DATA_REQUESTS:
        if session.scalar(select(DataRequest.id).where(DataRequest.number == number)) is not None:
            continue
        at = now - dt.timedelta(days=days)
        data = DataRequestCreate(kind=kind, details=details, channel="电话", contact_name=name, contact_mobile=mobile)
        request = data_requests.create(session, AGENT, data, now=at, number=number)
        for step, status in enumerate(path, start=1):
            data_requests.change_status(session, AGENT, request, status, now=at + dt.timedelta(hours=6 * step))
        data_requests.refresh_next_due(request, now=now)
        created += 1
    return created
