"""Dependencies that authenticate the caller and check its role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

from api.auth.principal import Principal
from api.core.errors import Forbidden, Unauthorized
from api.core.security import decode_token

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

ROLE_NAMES_ZH = {"agent": "坐席", "supervisor": "主管", "admin": "管理员", "service": "机器人服务"}


def current_principal(token: Annotated[str | None, Depends(oauth2)]) -> Principal:
    """The caller named by a valid bearer token."""
    claims = decode_token(token, scope="access") if token else None
    if not claims:
        raise Unauthorized("请先登录（令牌缺失或已过期）", "Not authenticated: missing or expired token")
    return Principal(username=claims["sub"], role=claims["role"], full_name=claims.get("name", ""))


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(*roles: str):
    """Dependency factory: the caller must hold one of `roles` (admin always may)."""

    def check(principal: CurrentPrincipal) -> Principal:
        if principal.role != "admin" and principal.role not in roles:
            allowed = "、".join(ROLE_NAMES_ZH.get(r, r) for r in roles)
            raise Forbidden(f"无权执行此操作（需要：{allowed}）", f"Forbidden: requires role {', '.join(roles)}")
        return principal

    return check


Staff = Annotated[Principal, Depends(require("agent", "supervisor"))]
Supervisor = Annotated[Principal, Depends(require("supervisor"))]
Admin = Annotated[Principal, Depends(require("admin"))]
StaffOrBot = Annotated[Principal, Depends(require("agent", "supervisor", "service"))]
Bot = Annotated[Principal, Depends(require("service"))]
