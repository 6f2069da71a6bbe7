"""Login (OAuth2 password flow) and who-am-I."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.auth import service
from api.auth.deps import CurrentPrincipal
from api.auth.principal import Principal
from api.core.config import get_settings
from api.core.db import SessionDep
from api.core.errors import Unauthorized
from api.core.security import create_token

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str
    full_name: str


@router.post("/token")
def login(session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange username + password for a signed access token."""
    user = service.authenticate(session, username=form.username, password=form.password)
    if user is None:
        raise Unauthorized("用户名或密码错误", "Incorrect username or password")
    token = create_token(
        user.username, scope="access", minutes=get_settings().access_token_minutes, role=user.role, name=user.full_name
    )
    return Token(access_token=token, role=user.role, full_name=user.full_name)


@router.get("/me")
def me(principal: CurrentPrincipal) -> Principal:
    """The authenticated caller."""
    return principal
