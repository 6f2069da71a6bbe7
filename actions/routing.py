"""A bare answer outside any task ("LP2026…", "明天下午") starts the task it obviously belongs to."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.common.reply import choice, say
from actions.handover import ROUTES as CASE_ROUTES
from actions.handover import fallback

ROUTES = [*CASE_ROUTES, (("service_type", "time", "branch"), "appointment_form")]


class ActionRouteInform(Action):
    def name(self) -> str:
        return "action_route_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        for names, form in ROUTES:
            if entities & set(names):
                return [FollowupAction(form)]
        if "appointment_number" in entities:
            say(
                dispatcher,
                tracker,
                "请问您要对这个预约做什么？",
                [choice("取消预约", "cancel_appointment"), choice("改约时间", "reschedule_appointment")],
            )
            return []
        return await fallback(dispatcher, tracker, domain)
