"""Bad input: bilingual errors naming the field, and a failed request writes nothing."""

from tests.conftest import unique_mobile


def test_invalid_mobile_names_the_field_in_chinese_and_english(bot):
    r = bot.post(
        "/api/v1/complaints",
        json={
            "description": "服务差",
            "demand": "道歉",
            "type": "服务质量问题",
            "contact_name": "孙先生",
            "contact_mobile": "12345",
        },
    )
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["field"] == "contact_mobile"
    assert "联系电话" in detail["message"] and "contact_mobile" in detail["message_en"]


def test_missing_fields_are_listed(bot):
    r = bot.post("/api/v1/complaints", json={"type": "服务质量问题"})
    fields = {e["field"] for e in r.json()["detail"]["errors"]}
    assert {"description", "demand", "contact_name", "contact_mobile"} <= fields


def test_malformed_json_is_a_polite_422(bot):
    r = bot.post("/api/v1/complaints", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"]["message"]


def test_full_width_digits_and_spaces_in_a_mobile_are_accepted(bot, agent):
    mobile = unique_mobile()
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in mobile[:3]) + " " + mobile[3:7] + "-" + mobile[7:]
    r = bot.post(
        "/api/v1/complaints",
        json={
            "description": "理赔慢",
            "demand": "加快",
            "type": "理赔纠纷",
            "contact_name": "周女士",
            "contact_mobile": wide,
        },
    )
    assert r.status_code == 201, r.text
    shown = agent.get(f"/api/v1/complaints/{r.json()['number']}").json()["contact_mobile"]
    assert shown == mobile[:3] + "****" + mobile[-4:]


def test_rejected_request_leaves_no_trace(bot, supervisor):
    # unknown policy number: the complaint, its customer and its history must all be rolled back
    before = len(supervisor.get("/api/v1/audit", params={"limit": 1000}).json())
    r = bot.post(
        "/api/v1/complaints",
        json={
            "description": "保单问题",
            "demand": "解释",
            "type": "合同条款争议",
            "contact_name": "吴先生",
            "contact_mobile": unique_mobile(),
            "policy_number": "P9999999999999",
        },
    )
    assert r.status_code == 404 and "保单" in r.json()["detail"]["message"]
    after = len(supervisor.get("/api/v1/audit", params={"limit": 1000}).json())
    assert after == before
