"""Replays written conversations through the running product's REST channel and prints the transcripts.

Usage (with `make run` up): .venv-api/bin/python bench/replay.py [bench/heldout_conversations.yml] [INDEX ...]
Each conversation (name, turns = the customer's messages, expect = what a good assistant would have done)
gets its own sender id. Judging is by reading: the transcript is printed under the expectation.
"""
from __future__ import annotations

import argparse
import uuid
from pathlib import Path

import httpx
import yaml


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default="bench/heldout_conversations.yml")
    ap.add_argument("only", nargs="*", type=int, help="indexes of the conversations to replay (default: all)")
    ap.add_argument("--url", default="http://127.0.0.1:5005/webhooks/rest/webhook")
    args = ap.parse_args()
    conversations = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))
    with httpx.Client(timeout=60) as http:
        for k, conversation in enumerate(conversations):
            if args.only and k not in args.only:
                continue
            sender = f"replay-{uuid.uuid4().hex[:8]}"
            print(f"\n=== [{k}] {conversation['name']}\nexpect: {conversation['expect']}")
            for turn in conversation["turns"]:
                print(f"  顾客: {turn}")
                for reply in http.post(args.url, json={"sender": sender, "message": turn}).raise_for_status().json():
                    buttons = " | ".join(b["title"] for b in reply.get("buttons") or [])
                    print(f"    客服: {reply.get('text', '')}" + (f"  [{buttons}]" if buttons else ""))


if __name__ == "__main__":
    main()
