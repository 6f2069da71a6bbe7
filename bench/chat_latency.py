"""Reply latency through the REST channel for whole conversations with API calls in them.

Needs the product running (`make run`, or bench/chat_latency.sh which starts and stops it).
Each conversation looks up a demo claim: intent → claim-number turn → verification turn (the
action verifies with the backend, then reads the claim's progress and SLA dates from it).
Reports median / p95 per turn kind and the Rasa server's resident memory."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# A seeded demo claim and the last 4 digits of its customer's mobile (README, demo data).
TURNS = [("intent", "帮我查一下理赔进度"), ("claim number", "LP2026110290101"), ("verification + progress", "8001")]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb(port: int) -> float | None:
    """Resident memory of the process listening on `port` (the Rasa server), from /proc."""
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True).stdout
    if "pid=" not in out:
        return None
    pid = out.split("pid=")[1].split(",")[0]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa", default="http://127.0.0.1:5005")
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--out", default=str(ROOT / "results" / "bench" / "chat_latency.json"))
    args = parser.parse_args()

    timings: dict[str, list[float]] = {kind: [] for kind, _ in TURNS}
    with httpx.Client(base_url=args.rasa, timeout=60) as client:
        for i in range(args.conversations + 1):
            sender = "bench-" + uuid.uuid4().hex[:10]
            for kind, text in TURNS:
                started = time.perf_counter()
                replies = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text}).json()
                elapsed = (time.perf_counter() - started) * 1000
                if i > 0:  # the first conversation warms caches (policy, tokens, TF graphs)
                    timings[kind].append(elapsed)
            if i > 0 and "受理" not in " ".join(r.get("text", "") for r in replies):
                raise SystemExit(f"conversation {sender} did not end with the claim's status: {replies}")

    port = int(args.rasa.rsplit(":", 1)[1].split("/")[0])
    report = {
        "conversations": args.conversations,
        "turns": {
            kind: {"median_ms": round(statistics.median(v), 1), "p95_ms": round(percentile(v, 0.95), 1)}
            for kind, v in timings.items()
        },
        "all_turns": {
            "median_ms": round(statistics.median(sum(timings.values(), [])), 1),
            "p95_ms": round(percentile(sum(timings.values(), []), 0.95), 1),
        },
        "rasa_rss_mb": rss_mb(port),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
