"""Domain errors carrying their HTTP status and a bilingual (zh/en) message."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, zh: str, en: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(en)
        self.zh, self.en, self.field, self.extra = zh, en, field, extra or {}

    def body(self) -> dict:
        detail = {"code": self.code, "message": self.zh, "message_en": self.en}
        if self.field:
            detail["field"] = self.field
        return {"detail": detail | self.extra}


class BadRequest(AppError):
    status_code, code = 400, "bad_request"


class Unauthorized(AppError):
    status_code, code = 401, "unauthorized"


class Forbidden(AppError):
    status_code, code = 403, "forbidden"


class NotFound(AppError):
    status_code, code = 404, "not_found"


class Conflict(AppError):
    """An illegal lifecycle transition or a taken resource."""

    status_code, code = 409, "conflict"


class TooManyAttempts(AppError):
    status_code, code = 429, "too_many_attempts"


# Chinese names for the fields clients send, so a 422 tells the customer/agent what to fix.
FIELD_LABELS = {
    "name": "姓名",
    "mobile": "手机号",
    "id_number": "身份证号",
    "description": "投诉内容",
    "demand": "诉求",
    "type": "类型",
    "complaint_type": "投诉类型",
    "channel": "渠道",
    "policy_number": "保单号",
    "claim_number": "理赔案号",
    "case_number": "案件编号",
    "service_type": "服务类型",
    "start": "开始时间",
    "branch": "网点",
    "address": "地址",
    "status": "状态",
    "stage": "阶段",
    "score": "评分",
    "amount": "金额",
    "priority": "优先级",
    "category": "类别",
    "last4": "验证号码",
    "conversation_id": "会话编号",
    "reason": "原因",
    "username": "用户名",
    "password": "密码",
    "contact_mobile": "联系电话",
    "note": "备注",
    "text": "消息",
    "sender": "发送方",
    "outcome": "结束方式",
    "summary": "摘要",
    "customer_name": "客户姓名",
    "case_numbers": "案件编号",
    "transcript": "聊天记录",
    "comment": "评价内容",
    "missing_documents": "缺少的材料",
    "resolution": "处理结果",
    "handler": "处理人员",
    "reported_at": "报案时间",
    "date": "日期",
    "contact_name": "联系人姓名",
    "holder_name": "投保人姓名",
    "product_name": "产品名称",
    "product_type": "险种",
    "sum_insured": "保额",
    "kind": "申请类型",
    "details": "申请内容",
    "received_at": "收到时间",
    "data_request_number": "申请编号",
}

_MESSAGES_ZH = {
    "missing": "为必填项",
    "string_too_short": "内容太短",
    "string_too_long": "内容太长",
    "string_pattern_mismatch": "格式不正确",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "less_than": "数值太大",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "json_invalid": "请求内容不是合法的 JSON",
    "value_error": "取值不正确",
    "timezone_aware": "时间需带时区",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "too_long": "条目太多",
    "bool_parsing": "应为是或否",
    "date_parsing": "日期格式不正确",
    "date_from_datetime_parsing": "日期格式不正确",
    "decimal_parsing": "应为数字",
}


def _validation_body(exc: RequestValidationError) -> dict:
    errors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "body"
        label = FIELD_LABELS.get(loc[-1] if loc else "", field)
        reason_zh = _MESSAGES_ZH.get(err.get("type", ""), "取值不正确")
        msg_en = err.get("msg", "invalid value")
        if err.get("type") == "value_error" and "ctx" in err:
            reason_zh = str(err["ctx"].get("error", reason_zh))
        errors.append({"field": field, "message": f"{label}{reason_zh}", "message_en": f"{field}: {msg_en}"})
    first = errors[0] if errors else {"field": "body", "message": "请求内容不正确", "message_en": "invalid request"}
    return {
        "detail": {
            "code": "validation_error",
            "message": f"请检查输入：{first['message']}",
            "message_en": f"Invalid input — {first['message_en']}",
            "field": first["field"],
            "errors": errors,
        }
    }


def install_handlers(app: FastAPI) -> None:
    """Turn domain and validation errors into the bilingual JSON error body."""

    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(_validation_body(exc), status_code=422)
