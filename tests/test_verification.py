"""Identity verification: digits of mobile or ID number, attempt limits per conversation and per case."""

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
