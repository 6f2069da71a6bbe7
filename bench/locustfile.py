"""Load profile for the case backend: the bot's claim-progress lookup and complaint registration."""

import itertools
import os
import random

from locust import HttpUser, between, task

BOT_PASSWORD = os.environ["BOT_PASSWORD"]
CLAIM, LAST4 = "LP2026110290102", "8001"  # demo claim of 陈晓明 (mobile 13800138001)
_seq = itertools.count()


class BotUser(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self):
        token = self.client.post("/api/v1/auth/token", data={"username": "bot", "password": BOT_PASSWORD})
        self.client.headers["Authorization"] = "Bearer " + token.json()["access_token"]
        verified = self.client.post("/api/v1/verify", json={"case_number": CLAIM, "last4": LAST4})
        self.case_token = verified.json()["token"]

    @task(3)
    def claim_lookup(self):
        self.client.get(f"/api/v1/claims/{CLAIM}/progress", headers={"X-Verification-Token": self.case_token},
                        name="GET /claims/{number}/progress")

    @task(1)
    def complaint_creation(self):
        n = next(_seq)
        self.client.post("/api/v1/complaints", name="POST /complaints", json={
            "description": f"压测投诉 {n}：理赔进度太慢", "demand": "尽快处理", "type": "服务质量问题",
            "contact_name": "压测用户", "contact_mobile": f"137{random.randint(0, 10**8 - 1):08d}"})
