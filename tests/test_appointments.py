"""Appointments (预约): slots from the policy file, capacity under concurrency, access and history.

Every test runs against one shared database per backend, so each picks slots that are still
completely free, and dates come from the calendar so the suite holds whatever day it runs.
"""

import datetime as dt
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from api.appointments.models import Appointment
from api.appointments.service import check_start
from api.core.errors import BadRequest
from api.service_policy import load_policy
from api.sla.calendar import WorkCalendar
from tests.conftest import make_policy, unique_mobile

SH = ZoneInfo("Asia/Shanghai")
POLICY = load_policy()
RULES = POLICY.appointment
CAL = WorkCalendar.from_policy(POLICY)
BASE = "/api/v1/appointments"
BRANCH = RULES.branches[0]
MOBILE = "13812345678"


def today() -> dt.date:
    return dt.datetime.now(SH).date()


def next_day(predicate, first: int = 1) -> dt.date:
    """The first day from today+first within the booking horizon that satisfies predicate."""
    for offset in range(first, RULES.horizon_days + 1):
        day = today() + dt.timedelta(offset)
        if predicate(day):
            return day
    pytest.skip("no such day within the booking horizon")


def at(day: dt.date, hhmm: str) -> str:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=SH).isoformat()


def place(service_type: str, branch: str = BRANCH) -> dict:
    needs = RULES.service_types[service_type].needs
    return {"branch": {"branch": branch}, "address": {"address": "上海市浦东新区世纪大道100号"}}.get(needs, {})


def booking(service_type: str, start: str, **extra) -> dict:
    return {
        "service_type": service_type,
        "start": start,
        "contact_name": "陈先生",
        "contact_mobile": MOBILE,
        **place(service_type),
        **extra,
    }


def availability(client: httpx.Client, service_type: str, day: dt.date | str, branch: str = BRANCH) -> dict:
    params = {"service_type": service_type, "date": str(day)} | place(service_type, branch)
    params.pop("address", None)
    r = client.get(f"{BASE}/availability", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def remaining(client: httpx.Client, service_type: str, start: str) -> int:
    slots = availability(client, service_type, start[:10])["slots"]
    return next(s["remaining"] for s in slots if s["start"] == start)


def free_slot(client: httpx.Client, service_type: str) -> str:
    """Start of the first completely free slot from tomorrow on."""
    for offset in range(1, RULES.horizon_days + 1):
        for slot in availability(client, service_type, today() + dt.timedelta(offset))["slots"]:
            if slot["remaining"] == slot["capacity"]:
                return slot["start"]
    raise AssertionError(f"no free {service_type} slot left within the horizon")


def book(client: httpx.Client, service_type: str, start: str | None = None, **extra) -> dict:
    r = client.post(BASE, json=booking(service_type, start or free_slot(client, service_type), **extra))
    assert r.status_code == 201, r.text
    return r.json()


def concurrently(n: int, call) -> list[httpx.Response]:
    """Run call(i) for i < n on n threads released together; each thread has its own connection."""
    barrier = threading.Barrier(n)

    def run(i: int) -> httpx.Response:
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def client_like(client: httpx.Client) -> httpx.Client:
    return httpx.Client(base_url=client.base_url, headers=client.headers, timeout=60)


def detail(response: httpx.Response) -> dict:
    return response.json()["detail"]


@pytest.fixture
def db(database_url):
    """A direct database session, only to arrange what the API cannot (a customer, a past time)."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


# ---- availability and booking ----------------------------------------------------------------


def test_availability_lists_every_slot_of_a_working_day(agent):
    day = next_day(CAL.is_working_day)
    svc = RULES.service_types["柜面办理"]
    body = availability(agent, "柜面办理", day)
    hours = (dt.datetime.combine(day, svc.end) - dt.datetime.combine(day, svc.start)) // dt.timedelta(
        minutes=RULES.slot_minutes
    )
    assert len(body["slots"]) == hours and body["reason"] is None
    first, last = body["slots"][0], body["slots"][-1]
    assert first["start"] == at(day, svc.start.strftime("%H:%M")) and first["capacity"] == svc.capacity
    assert dt.datetime.fromisoformat(last["end"]) <= dt.datetime.combine(day, svc.end, tzinfo=SH)
    assert all(0 <= s["remaining"] <= s["capacity"] for s in body["slots"])


def test_booking_returns_a_reference_and_reduces_availability(agent):
    start = free_slot(agent, "柜面办理")
    before = remaining(agent, "柜面办理", start)
    r = agent.post(BASE, json=booking("柜面办理", start, contact_mobile="+86 138 1234 5678", note="办理保全变更"))
    assert r.status_code == 201, r.text
    appt = r.json()
    assert re.fullmatch(r"YY\d{8}-\d{4}", appt["number"]) and appt["number"][2:10] == today().strftime("%Y%m%d")
    assert appt["status"] == "已预约" and appt["branch"] == BRANCH and appt["address"] is None
    assert appt["contact_mobile"] == "138****5678"
    assert appt["start"] == start and appt["start"].endswith("+08:00")
    assert dt.datetime.fromisoformat(appt["end"]) - dt.datetime.fromisoformat(start) == dt.timedelta(
        minutes=RULES.slot_minutes
    )
    assert remaining(agent, "柜面办理", start) == before - 1


def test_full_slot_offers_the_nearest_alternatives(agent):
    start = book(agent, "上门服务")["start"]
    r = agent.post(BASE, json=booking("上门服务", start))
    assert r.status_code == 409
    assert detail(r)["message"] == "该时段已约满，请选择其他时间" and detail(r)["field"] == "start"
    alternatives = detail(r)["alternatives"]
    assert len(alternatives) == 3 and start not in [a["start"] for a in alternatives]
    wanted = dt.datetime.fromisoformat(start)
    same_day = [s for s in availability(agent, "上门服务", start[:10])["slots"] if s["remaining"] > 0]
    nearest = sorted(same_day, key=lambda s: abs(dt.datetime.fromisoformat(s["start"]) - wanted))
    assert [a["start"] for a in alternatives[: len(nearest)]] == [s["start"] for s in nearest[:3]]
    assert all(a["remaining"] > 0 and a["start"] > start for a in alternatives[len(nearest) :])


def test_concurrent_bookings_never_exceed_capacity(agent):
    capacity = RULES.service_types["理赔面谈"].capacity
    start = free_slot(agent, "理赔面谈")

    def post(i: int) -> httpx.Response:
        with client_like(agent) as c:
            return c.post(BASE, json=booking("理赔面谈", start, contact_name=f"客户{i}"))

    responses = concurrently(12, post)
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * capacity + [409] * (12 - capacity), [r.text for r in responses if r.status_code >= 500]
    assert len({r.json()["number"] for r in responses if r.status_code == 201}) == capacity
    assert remaining(agent, "理赔面谈", start) == 0


def test_branch_service_is_refused_on_a_non_working_day(agent):
    day = next_day(lambda d: not CAL.is_working_day(d))
    body = availability(agent, "柜面办理", day)
    assert body["slots"] == [] and "不是工作日" in body["reason"]
    r = agent.post(BASE, json=booking("柜面办理", at(day, "10:00")))
    assert r.status_code == 400 and "不是工作日" in detail(r)["message"] and detail(r)["field"] == "start"


def test_phone_call_back_can_be_booked_on_a_non_working_day(agent):
    day = next_day(lambda d: not CAL.is_working_day(d))
    assert availability(agent, "电话回访", day)["slots"]
    appt = book(agent, "电话回访", at(day, "19:00"))
    assert appt["branch"] is None and appt["address"] is None


def test_statutory_holidays_and_adjusted_working_days_follow_the_calendar():
    now = dt.datetime(2026, 9, 28, 10, tzinfo=SH)
    with pytest.raises(BadRequest, match="not a working day"):
        check_start(RULES, CAL, "柜面办理", dt.datetime(2026, 10, 1, 10, tzinfo=SH), now)  # 国庆
    saturday_workday = dt.datetime(2026, 10, 10, 10, tzinfo=SH)  # 调休上班
    assert check_start(RULES, CAL, "柜面办理", saturday_workday, now) == saturday_workday
    national_day = dt.datetime(2026, 10, 3, 10, tzinfo=SH)
    assert check_start(RULES, CAL, "电话回访", national_day, now) == national_day


def test_past_time_is_refused(agent):
    yesterday = today() - dt.timedelta(1)
    r = agent.post(BASE, json=booking("电话回访", at(yesterday, "10:00")))
    assert r.status_code == 400 and "已过" in detail(r)["message"]
    assert availability(agent, "电话回访", yesterday)["slots"] == []


def test_time_beyond_the_booking_horizon_is_refused(agent):
    day = today() + dt.timedelta(RULES.horizon_days + 1)
    r = agent.post(BASE, json=booking("电话回访", at(day, "10:00")))
    assert r.status_code == 400 and f"{RULES.horizon_days} 天内" in detail(r)["message"]
    assert availability(agent, "电话回访", day)["slots"] == []


@pytest.mark.parametrize("hhmm", ["08:00", "17:00", "22:00"])
def test_time_outside_service_hours_is_refused(agent, hhmm):
    day = next_day(CAL.is_working_day)
    r = agent.post(BASE, json=booking("柜面办理", at(day, hhmm)))
    assert r.status_code == 400 and "服务时间" in detail(r)["message"]


def test_start_must_be_on_a_slot_boundary(agent):
    day = next_day(CAL.is_working_day)
    r = agent.post(BASE, json=booking("柜面办理", at(day, "10:30")))
    assert r.status_code == 400 and "时段起点" in detail(r)["message"]


def test_start_without_timezone_is_rejected(agent):
    day = next_day(CAL.is_working_day)
    r = agent.post(BASE, json=booking("柜面办理", f"{day}T10:00:00"))
    assert r.status_code == 422
    assert detail(r)["field"] == "start" and "时区" in detail(r)["message"] and "timezone" in detail(r)["message_en"]


@pytest.mark.parametrize("mobile", ["12812345678", "1381234567", "138123456789", "abc"])
def test_bad_mobile_is_rejected_naming_the_mobile_number(agent, mobile):
    r = agent.post(BASE, json=booking("电话回访", free_slot(agent, "电话回访"), contact_mobile=mobile))
    assert r.status_code == 422
    assert detail(r)["field"] == "contact_mobile" and "手机号" in detail(r)["message"]


def test_branch_service_needs_one_of_our_branches(agent):
    start = free_slot(agent, "柜面办理")
    r = agent.post(BASE, json=booking("柜面办理", start) | {"branch": None})
    assert r.status_code == 400 and detail(r)["field"] == "branch"
    r = agent.post(BASE, json=booking("柜面办理", start, branch="火星支公司"))
    assert r.status_code == 422 and detail(r)["field"] == "branch"


def test_home_visit_needs_an_address(agent):
    r = agent.post(BASE, json=booking("上门服务", free_slot(agent, "上门服务")) | {"address": None})
    assert r.status_code == 400 and detail(r)["field"] == "address" and "地址" in detail(r)["message"]


def test_unknown_service_type_is_rejected(agent):
    r = agent.post(BASE, json=booking("电话回访", free_slot(agent, "电话回访")) | {"service_type": "代办理赔"})
    assert r.status_code == 422 and detail(r)["field"] == "service_type"


def test_booking_links_an_existing_customer_by_mobile(agent):
    mobile = unique_mobile()
    make_policy(agent, mobile=mobile)
    customer_id = book(agent, "电话回访", contact_mobile=f"+86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}")["customer_id"]
    assert customer_id is not None
    assert book(agent, "电话回访", contact_mobile=mobile)["customer_id"] == customer_id
    assert book(agent, "电话回访", contact_mobile=unique_mobile())["customer_id"] is None


def test_full_width_mobile_digits_are_accepted(agent):
    assert book(agent, "电话回访", contact_mobile="１３８１２３４５６７８")["contact_mobile"] == "138****5678"


# ---- cancel, reschedule, outcomes ----------------------------------------------------------------


def test_cancel_frees_the_slot_and_cannot_be_repeated(agent):
    appt = book(agent, "上门服务")
    assert remaining(agent, "上门服务", appt["start"]) == 0
    r = agent.post(f"{BASE}/{appt['number']}/cancel", json={"reason": "客户临时有事"})
    assert r.status_code == 200 and r.json()["status"] == "已取消"
    assert remaining(agent, "上门服务", appt["start"]) == 1
    r = agent.post(f"{BASE}/{appt['number']}/cancel", json={})
    assert r.status_code == 409 and "已取消" in detail(r)["message"]
    assert remaining(agent, "上门服务", appt["start"]) == 1


def test_concurrent_cancels_free_the_place_only_once(agent):
    capacity = RULES.service_types["理赔面谈"].capacity
    start = free_slot(agent, "理赔面谈")
    first, *_ = [book(agent, "理赔面谈", start) for _ in range(capacity)]

    def cancel(_i: int) -> httpx.Response:
        with client_like(agent) as c:
            return c.post(f"{BASE}/{first['number']}/cancel", json={})

    codes = sorted(r.status_code for r in concurrently(6, cancel))
    assert codes == [200] + [409] * 5
    assert remaining(agent, "理赔面谈", start) == 1


def test_reschedule_moves_the_booking_and_frees_the_old_slot(agent):
    capacity = RULES.service_types["柜面办理"].capacity
    appt = book(agent, "柜面办理")
    target = free_slot(agent, "柜面办理")
    r = agent.post(f"{BASE}/{appt['number']}/reschedule", json={"start": target, "reason": "改到其他时间"})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["number"] == appt["number"] and moved["start"] == target and moved["status"] == "已预约"
    assert remaining(agent, "柜面办理", appt["start"]) == capacity
    assert remaining(agent, "柜面办理", target) == capacity - 1


def test_reschedule_into_a_full_slot_keeps_the_booking(agent):
    mine, full = book(agent, "上门服务"), book(agent, "上门服务")
    r = agent.post(f"{BASE}/{mine['number']}/reschedule", json={"start": full["start"]})
    assert r.status_code == 409 and len(detail(r)["alternatives"]) == 3
    assert agent.get(f"{BASE}/{mine['number']}").json()["start"] == mine["start"]
    assert remaining(agent, "上门服务", mine["start"]) == 0 and remaining(agent, "上门服务", full["start"]) == 0


def test_reschedule_applies_the_booking_rules(agent):
    appt = book(agent, "柜面办理")
    day = next_day(lambda d: not CAL.is_working_day(d))
    r = agent.post(f"{BASE}/{appt['number']}/reschedule", json={"start": at(day, "10:00")})
    assert r.status_code == 400 and "不是工作日" in detail(r)["message"]
    r = agent.post(f"{BASE}/{appt['number']}/reschedule", json={"start": appt["start"]})
    assert r.status_code == 400 and "相同" in detail(r)["message"]


def test_staff_see_the_history_of_every_change(agent, supervisor):
    appt = book(agent, "柜面办理")
    agent.post(f"{BASE}/{appt['number']}/reschedule", json={"start": free_slot(agent, "柜面办理")}).raise_for_status()
    supervisor.post(f"{BASE}/{appt['number']}/cancel", json={"reason": "客户来电取消"}).raise_for_status()
    history = supervisor.get(f"{BASE}/{appt['number']}").json()["history"]
    assert [(e["kind"], e["from_state"], e["to_state"], e["actor"]) for e in history] == [
        ("created", None, "已预约", "agent01"),
        ("rescheduled", None, None, "agent01"),
        ("status", "已预约", "已取消", "super01"),
    ]
    assert history[1]["data"]["from"] == appt["start"] and history[2]["note"] == "客户来电取消"
    assert all(e["at"].endswith("+08:00") for e in history)


def test_complete_and_no_show_only_for_booked_appointments(agent, db):
    served = book(agent, "柜面办理")
    r = agent.post(f"{BASE}/{served['number']}/no-show")
    assert r.status_code == 409 and "未到" in detail(r)["message"]
    r = agent.post(f"{BASE}/{served['number']}/complete", json={"note": "已办理完毕"})
    assert r.status_code == 200 and r.json()["status"] == "已完成"
    for action in ("cancel", "complete", "no-show"):
        r = agent.post(f"{BASE}/{served['number']}/{action}")
        assert r.status_code == 409 and "已完成" in detail(r)["message"]

    missed = book(agent, "柜面办理")
    past = dt.datetime.now(SH).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
    db.execute(
        update(Appointment)
        .where(Appointment.number == missed["number"])
        .values(start=past, end=past + dt.timedelta(minutes=RULES.slot_minutes))
    )
    db.commit()
    r = agent.post(f"{BASE}/{missed['number']}/cancel")
    assert r.status_code == 409 and "预约时间已到" in detail(r)["message"]
    r = agent.post(f"{BASE}/{missed['number']}/no-show")
    assert r.status_code == 200 and r.json()["status"] == "未到场"


def test_staff_list_appointments_by_date_and_status(agent):
    start = free_slot(agent, "柜面办理")
    kept, dropped = book(agent, "柜面办理", start), book(agent, "柜面办理", start)
    agent.post(f"{BASE}/{dropped['number']}/cancel").raise_for_status()
    on_day = agent.get(BASE, params={"date": start[:10]}).json()
    assert {kept["number"], dropped["number"]} <= {a["number"] for a in on_day}
    assert all(a["start"][:10] == start[:10] for a in on_day)
    assert [a["start"] for a in on_day] == sorted(a["start"] for a in on_day)
    cancelled = agent.get(BASE, params={"date": start[:10], "status": "已取消"}).json()
    numbers = {a["number"] for a in cancelled}
    assert dropped["number"] in numbers and kept["number"] not in numbers
    assert agent.get(BASE, params={"status": "待定"}).status_code == 422


# ---- the bot ---------------------------------------------------------------------------------


def test_bot_can_check_availability_and_book(bot):
    appt = book(bot, "电话回访", conversation_id="conv-001")
    assert appt["conversation_id"] == "conv-001" and appt["contact_mobile"] == "138****5678"


def verify(bot: httpx.Client, number: str, last4: str, conv: str | None = None) -> httpx.Response:
    return bot.post("/api/v1/verify", json={"case_number": number, "last4": last4, "conversation_id": conv})


def token_header(bot: httpx.Client, number: str, last4: str) -> dict:
    r = verify(bot, number, last4, f"conv-{uuid.uuid4().hex}")
    assert r.status_code == 200, r.text
    return {"X-Verification-Token": r.json()["token"]}


def test_bot_needs_a_verification_token_to_read_change_or_cancel(agent, bot):
    appt = book(agent, "上门服务", contact_mobile="13912340001")
    number = appt["number"]
    unknown = bot.get(f"{BASE}/YY20000101-0001")
    assert unknown.status_code == 403 and detail(unknown)["field"] == "X-Verification-Token"
    other = book(agent, "电话回访", contact_mobile="13912340002")
    not_this_one = token_header(bot, other["number"], "0002")
    for headers in ({}, {"X-Verification-Token": "forged"}, not_this_one):
        r = bot.get(f"{BASE}/{number}", headers=headers)
        assert r.status_code == 403 and detail(r) == detail(unknown)  # an unknown number looks the same
        assert bot.post(f"{BASE}/{number}/cancel", json={}, headers=headers).status_code == 403
        r = bot.post(f"{BASE}/{number}/reschedule", json={"start": free_slot(bot, "上门服务")}, headers=headers)
        assert r.status_code == 403
    # The digits are no longer accepted on the appointment endpoints themselves.
    assert bot.get(f"{BASE}/{number}", params={"mobile_last4": "0001"}).status_code == 403
    assert bot.post(f"{BASE}/{number}/cancel", json={"mobile_last4": "0001"}).status_code == 422

    headers = token_header(bot, number, "０００１")  # full-width digits too
    seen = bot.get(f"{BASE}/{number}", headers=headers)
    assert seen.status_code == 200 and seen.json()["history"] is None
    assert seen.json()["contact_mobile"] == "139****0001" and seen.json()["address"]
    target = free_slot(bot, "上门服务")
    r = bot.post(f"{BASE}/{number}/reschedule", json={"start": target}, headers=headers)
    assert r.status_code == 200 and r.json()["start"] == target
    r = bot.post(f"{BASE}/{number}/cancel", json={"reason": "客户在对话中取消"}, headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "已取消"


def test_wrong_digits_for_an_appointment_are_rate_limited(agent, bot):
    number = book(agent, "电话回访", contact_mobile="13912340003")["number"]
    conv = f"conv-{uuid.uuid4().hex}"
    assert [verify(bot, number, digits, conv).status_code for digits in ("0000", "1111", "2222")] == [403, 403, 429]
    locked = verify(bot, number, "0003", conv)  # even the right digits, now
    assert locked.status_code == 429 and detail(locked)["code"] == "verification_locked"
    assert bot.get(f"{BASE}/{number}").status_code == 403


def test_bot_cannot_list_or_record_outcomes(agent, bot):
    appt = book(agent, "电话回访")
    assert bot.get(BASE).status_code == 403
    assert bot.post(f"{BASE}/{appt['number']}/complete").status_code == 403
    assert bot.post(f"{BASE}/{appt['number']}/no-show").status_code == 403


def test_anonymous_callers_are_unauthorized(http):
    day = next_day(CAL.is_working_day)
    assert http.get(f"{BASE}/availability", params={"service_type": "电话回访", "date": str(day)}).status_code == 401
    assert http.post(BASE, json=booking("电话回访", at(day, "10:00"))).status_code == 401
