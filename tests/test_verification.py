"""Identity verification: digits of mobile or ID number, attempt limits per conversation and per case."""

import datetime as dt
import uuid

from tests.conftest import make_claim, make_policy, unique_mobile
from tests.test_appointments import book


def _verify(bot, number, last4, conv):
    return bot.post("/api/v1/verify", json={"case_number": number, "last4": last4, "conversation_id": conv})


def test_last4_of_id_number_also_verifies(agent, bot):
    policy = make_policy(agent, id_number="44010619900220567X")
    claim = make_claim(agent, policy_number=policy["number"])
    assert _verify(bot, claim["number"], "567x", None).status_code == 200


def test_three_failures_in_a_conversation_lock_it_and_suggest_a_human(agent, bot):
    claim = make_claim(agent)
    conv = f"conv-{uuid.uuid4().hex}"
    first = _verify(bot, claim["number"], "0000", conv)
    assert first.status_code == 403 and first.json()["detail"]["attempts_left"] == 2
    assert _verify(bot, claim["number"], "0001", conv).status_code == 403
    third = _verify(bot, claim["number"], "0002", conv)
    assert third.status_code == 429 and "人工" in third.json()["detail"]["message"]
    # even the right digits are refused now in this conversation
    right = claim_mobile_last4(agent, claim)
    assert _verify(bot, claim["number"], right, conv).status_code == 429


def test_case_is_locked_after_too_many_failures_across_conversations(agent, bot):
    claim = make_claim(agent)
    codes = [_verify(bot, claim["number"], "9999", f"c-{i}-{uuid.uuid4().hex}").status_code for i in range(5)]
    assert codes == [403, 403, 403, 403, 429]
    assert _verify(bot, claim["number"], claim_mobile_last4(agent, claim), "fresh-conv").status_code == 429


def test_unknown_case_number_fails_like_wrong_digits(bot):
    r = _verify(bot, "LP2026010112345", "1234", f"c-{uuid.uuid4().hex}")
    assert r.status_code == 403 and r.json()["detail"]["code"] == "verification_failed"


def test_appointment_number_verifies_with_its_contact_mobile(agent, bot):
    mobile = unique_mobile()
    appt = book(agent, "电话回访", contact_mobile=mobile)
    assert appt["customer_id"] is None
    wrong = f"{(int(mobile[-4:]) + 1) % 10000:04d}"
    assert _verify(bot, appt["number"], wrong, f"c-{uuid.uuid4().hex}").status_code == 403
    r = _verify(bot, appt["number"], mobile[-4:], f"c-{uuid.uuid4().hex}")
    assert r.status_code == 200 and r.json()["case_number"] == appt["number"]


def test_appointment_of_a_known_customer_also_verifies_with_their_id_number(agent, bot):
    mobile = unique_mobile()
    make_policy(agent, mobile=mobile, id_number="44010619900220567X")
    appt = book(agent, "电话回访", contact_mobile=mobile)
    assert appt["customer_id"] is not None
    assert _verify(bot, appt["number"], "567X", f"c-{uuid.uuid4().hex}").status_code == 200


def claim_mobile_last4(agent, claim) -> str:
    """The test policies' holder mobile is only shown masked; the last 4 stay visible."""
    policy = agent.get(f"/api/v1/policies/{claim['policy_number']}").json()
    return policy["holder"]["mobile"][-4:]


def _same_owner(bot, number, token, conv):
    return bot.post("/api/v1/verify/same-owner", json={"case_number": number, "token": token, "conversation_id": conv})


def test_a_verified_customer_sees_another_claim_of_theirs_without_the_digits_again(agent, bot):
    policy = make_policy(agent)
    first, second = (make_claim(agent, policy_number=policy["number"]) for _ in range(2))
    conv = f"conv-{uuid.uuid4().hex}"
    token = _verify(bot, first["number"], claim_mobile_last4(agent, first), conv).json()["token"]
    out = _same_owner(bot, second["number"], token, conv)
    assert out.status_code == 200 and out.json()["case_number"] == second["number"]
    progress = f"/api/v1/claims/{second['number']}/progress"
    assert bot.get(progress, headers={"X-Verification-Token": out.json()["token"]}).status_code == 200
    # the first token alone does not open the second claim: only the new one does
    assert bot.get(progress, headers={"X-Verification-Token": token}).status_code == 403


def test_another_customers_case_or_another_conversations_proof_needs_the_digits(agent, bot):
    mine, theirs = make_claim(agent), make_claim(agent)
    conv = f"conv-{uuid.uuid4().hex}"
    token = _verify(bot, mine["number"], claim_mobile_last4(agent, mine), conv).json()["token"]
    refused = _same_owner(bot, theirs["number"], token, conv)
    assert refused.status_code == 403 and refused.json()["detail"]["code"] == "verification_required"
    assert _same_owner(bot, mine["number"], token, "another-conversation").status_code == 403
    assert _same_owner(bot, "LP2026010112345", token, conv).status_code == 403
    assert _same_owner(bot, theirs["number"], "not-a-token-at-all", conv).status_code == 403
    # refusals spend no attempt: all three remain for the digits
    first = _verify(bot, theirs["number"], "0000", conv)
    assert first.status_code == 403 and first.json()["detail"]["attempts_left"] == 2


def test_the_lock_of_a_conversation_is_told_before_any_digits_are_asked(agent, bot):
    claim = make_claim(agent)
    conv = f"conv-{uuid.uuid4().hex}"
    assert bot.get("/api/v1/verify/lock", params={"conversation_id": conv}).json() == {"locked": False, "until": None}
    for digits in ("0000", "0001"):
        _verify(bot, claim["number"], digits, conv)
    assert bot.get("/api/v1/verify/lock", params={"conversation_id": conv}).json()["locked"] is False
    _verify(bot, claim["number"], "0002", conv)
    lock = bot.get("/api/v1/verify/lock", params={"conversation_id": conv}).json()
    until = dt.datetime.fromisoformat(lock["until"])  # the first failure leaves the 60-minute window
    assert lock["locked"] is True and until > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=55)


def test_the_customer_verified_in_a_conversation_is_offered_as_its_contact_and_the_reading_is_audited(
        agent, bot, supervisor):
    mobile = unique_mobile()
    claim = make_claim(agent, policy_number=make_policy(agent, mobile=mobile)["number"])
    conv = f"conv-{uuid.uuid4().hex}"
    token = _verify(bot, claim["number"], mobile[-4:], conv).json()["token"]
    out = bot.post("/api/v1/verify/contact", json={"token": token, "conversation_id": conv})
    assert out.status_code == 200
    assert out.json() == {"name": "测试客户", "mobile": mobile, "mobile_masked": out.json()["mobile_masked"]}
    assert mobile[-4:] in out.json()["mobile_masked"] and mobile not in out.json()["mobile_masked"]
    audit = supervisor.get("/api/v1/audit", params={"limit": 1000}).json()
    assert any(e["action"] == "contact.read" and e["after"] == {"conversation_id": conv} for e in audit)
    # no proof, another conversation's proof, or no token: nothing handed out
    for token_, conv_ in ((token, "another-conversation"), ("not-a-token-at-all", conv)):
        refused = bot.post("/api/v1/verify/contact", json={"token": token_, "conversation_id": conv_})
        assert refused.status_code == 403 and refused.json()["detail"]["code"] == "verification_required"
    assert bot.post("/api/v1/verify/contact", json={"conversation_id": conv}).status_code == 422
