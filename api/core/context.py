"""Per-request context (request id, acting user) for the audit log."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
