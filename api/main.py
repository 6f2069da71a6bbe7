"""FastAPI application factory: routers, error handlers, request ids."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

from fastapi import APIRouter, FastAPI, Request

from api.core.errors import install_handlers
from api.service_policy import get_policy

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

meta = APIRouter(tags=["meta"])


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
    return app
