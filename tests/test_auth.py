"""Login and role checks."""


def test_login_with_wrong_password_is_refused_politely(http):
    r = http.post("/api/v1/auth/token", data={"username": "agent01", "password": "wrong"})
    assert r.status_code == 401
    assert r.json()["detail"]["message"] == "用户名或密码错误"


def test_token_identifies_the_user_and_role(agent):
    me = agent.get("/api/v1/auth/me").json()
    assert me["username"] == "agent01" and me["role"] == "agent"


def test_missing_or_forged_token_is_unauthorized(http):
    assert http.get("/api/v1/auth/me").status_code == 401
    r = http.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401 and "message_en" in r.json()["detail"]
