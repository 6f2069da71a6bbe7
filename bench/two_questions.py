"""Two FAQ questions in one message: how often both get their answer, and how often one question gets two.

Usage: .venv-bot/bin/python bench/two_questions.py [--pairs 300] [--set dev]
Messages from bench/heldout.yml (written apart from the training data; the dev set by default): every FAQ
question alone (a second answer there is a false alarm), and random pairs of questions on different topics,
joined as a customer would ("A？B", "A，另外B", "A 还有B"). A pair counts as answered when the chosen topic and
the topics listed under "also" (bot/components/topic_blend.py) are exactly the two asked; topic accuracy on the
questions alone bounds it.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402
from rasa.core.agent import Agent  # noqa: E402
from rasa.model import get_latest_model  # noqa: E402
from rasa.utils.log_utils import configure_structlog  # noqa: E402

from bot.components.topic_blend import TopicBlend  # noqa: E402

JOINS = ("{a}？{b}", "{a}，另外{b}", "{a} 还有{b}")


def answered(parse: dict) -> tuple[str | None, set[str]]:
    faq = parse.get("response_selector", {}).get("faq", {})
    top = (faq.get("response") or {}).get("intent_response_key")
    return top, {top} | {o["intent_response_key"] for o in faq.get("also") or []}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="dev", choices=("dev", "test"))
    ap.add_argument("--pairs", type=int, default=300)
    ap.add_argument("--model", default="models")
    ap.add_argument("--also-confidence", type=float, help="try another threshold than TopicBlend's default")
    args = ap.parse_args()
    configure_structlog(logging.WARNING)
    if args.also_confidence is not None:
        defaults = TopicBlend.get_default_config()
        TopicBlend.get_default_config = staticmethod(lambda: {**defaults, "also_confidence": args.also_confidence})
    items = [i for i in yaml.safe_load(Path("bench/heldout.yml").read_text(encoding="utf-8"))[args.set]
             if i["intent"] == "faq"]
    agent = Agent.load(get_latest_model(args.model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> dict:
        return loop.run_until_complete(agent.parse_message(text))

    single = [(i, answered(parse(i["text"]))) for i in items]
    right = sum(top == f"faq/{i['topic']}" for i, (top, _) in single)
    doubled = [i for i, (_, topics) in single if len(topics) > 1]
    rng = random.Random(42)
    both = either = 0
    print(f"also_confidence {TopicBlend.get_default_config()['also_confidence']}")
    for k in range(args.pairs):
        a, b = rng.sample(items, 2)
        while a["topic"] == b["topic"]:
            a, b = rng.sample(items, 2)
        text = JOINS[k % len(JOINS)].format(a=a["text"].rstrip("？?。 "), b=b["text"])
        _, topics = answered(parse(text))
        asked = {f"faq/{a['topic']}", f"faq/{b['topic']}"}
        both += topics == asked
        either += bool(topics & asked)
    print(f"{args.set}: {len(items)} questions alone: topic right {right / len(items):.3f}; "
          f"a second answer given to {len(doubled)} ({len(doubled) / len(items):.1%})")
    print(f"{args.pairs} pairs of questions: both answered (and nothing else) {both / args.pairs:.3f}; "
          f"at least one of the two answered {either / args.pairs:.3f}")
    if args.set == "dev":
        for i in doubled:
            print("  two answers to one question:", i["text"])


if __name__ == "__main__":
    main()
