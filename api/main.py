"""FastAPI application factory: routers, error handlers, request ids."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, FastAPI, Request

from api import web
from api.appointments import views as appointments_views
from api.audit import views as audit_views
from api.auth import views as auth_views
from api.claims import views as claims_views
from api.complaints import views as complaints_views
from api.core.context import request_id_var
from api.core.errors import install_handlers
from api.customers import views as customers_views
from api.data_requests import views as data_requests_views
from api.escalation import views as escalation_views
from api.feedback import views as feedback_views
from api.handovers import views as handovers_views
from api.kpis import views as kpis_views
from api.notifications import views as notifications_views
from api.policies import views as policies_views
from api.service_policy import get_policy
from api.sla import views as sla_views
from api.verification import views as verification_views

meta = APIRouter(tags=["meta"])

ROUTERS = [
    auth_views,
    claims_views,
    complaints_views,
    data_requests_views,
    appointments_views,
    handovers_views,
    feedback_views,
    verification_views,
    kpis_views,
    escalation_views,
    customers_views,
    policies_views,
    sla_views,
    audit_views,
    notifications_views,
]


@meta.get("/healthz")
def health() -> dict:
    """Liveness probe."""
    return {"status": "ok"}


@meta.get("/api/v1/policy")
def read_policy() -> dict:
    """The shared service policy (SLA targets, hours, thresholds) — what the bot quotes."""
    return get_policy().model_dump(mode="json")


def create_app() -> FastAPI:
    """Build the app; validates the policy file first so a bad file stops the start."""
    get_policy()
    app = FastAPI(title="保险智能客服 · 案件后台 (case backend)", version="0.1.0")
    install_handlers(app)

    @app.middleware("http")
    async def _request_id(request: Request, call_next):
        rid = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = request_id_var.set(rid)
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        response.headers["X-Request-ID"] = rid
        return response

    app.include_router(meta)
    for module in ROUTERS:
        app.include_router(module.router)
    web.mount(app)
    return app
