"""Customer satisfaction (CSAT) ratings."""

import uuid

import pytest
from sqlalchemy import create_engine, text


def rate(client, **fields):
    return client.post("/api/v1/feedback", json={"conversation_id": f"conv-{uuid.uuid4().hex}"} | fields)


def test_csat_is_recorded_and_listed_newest_first_for_staff(bot, agent):
    first = rate(bot, score=5, channel="web", case_number="ts20261122-0001", comment="很满意")
    second = rate(bot, score=2, comment="等太久了，请回电13812345678")
    assert first.status_code == 201 and second.status_code == 201, second.text
    assert first.json()["case_number"] == "TS20261122-0001"
    assert second.json()["comment"] == "等太久了，请回电138****5678"
    recent = agent.get("/api/v1/feedback", params={"limit": 2}).json()
    assert [f["id"] for f in recent] == [second.json()["id"], first.json()["id"]]


@pytest.mark.parametrize(("score", "reason"), [(0, "数值太小"), (6, "数值太大"), ("5", ""), (4.5, ""), (None, "")])
def test_csat_score_out_of_range_is_rejected_in_chinese(bot, score, reason):
    r = rate(bot, score=score)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["field"] == "score" and detail["message"].startswith("请检查输入：评分" + reason)


def test_csat_score_is_required(bot):
    r = bot.post("/api/v1/feedback", json={"comment": "还行"})
    assert r.status_code == 422 and r.json()["detail"]["message"] == "请检查输入：评分为必填项"


def test_csat_case_number_must_look_like_one(bot):
    r = rate(bot, score=4, case_number="12345")
    assert r.status_code == 422 and r.json()["detail"]["message"].startswith("请检查输入：案件编号格式不正确")


def test_csat_listing_is_for_staff_only(bot, http):
    assert bot.get("/api/v1/feedback").status_code == 403
    assert http.get("/api/v1/feedback").status_code == 401


def test_csat_creation_is_audited(bot, database_url):
    created = rate(bot, score=3, channel="wechat").json()
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT actor, role, action FROM audit_log WHERE target_type = 'feedback' AND target_id = :id"),
                {"id": str(created["id"])},
            ).one()
    finally:
        engine.dispose()
    assert tuple(row) == ("bot", "service", "feedback.created")
