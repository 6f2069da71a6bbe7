"""Scores the trained model (models/, the product's own) on messages it was never trained on.

Usage: .venv-bot/bin/python bench/heldout.py [--set dev|test] [--file bench/heldout.yml] [--out FILE]
Cross-validation splits data written by the same hands as the training data; these messages were written
apart from it (bench/README.md says how), so they are nearer to what customers will type. `dev` may be read
when looking for weaknesses; `test` is only scored, so its figure stays an honest estimate.
Prints intent accuracy and macro-F1, FAQ topic accuracy, the nlu_fallback rate and (for dev) the misses.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import yaml  # noqa: E402
from rasa.core.agent import Agent  # noqa: E402
from rasa.model import get_latest_model  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.utils.log_utils import configure_structlog  # noqa: E402
from sklearn import metrics  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="dev", choices=("dev", "test"))
    ap.add_argument("--file", default="bench/heldout.yml")
    ap.add_argument("--model", default="models")
    ap.add_argument("--out", help="write the figures (and dev misses) as JSON")
    args = ap.parse_args()
    configure_structlog(logging.WARNING)
    items = yaml.safe_load(Path(args.file).read_text(encoding="utf-8"))[args.set]
    model = get_latest_model(args.model)
    agent = Agent.load(model)
    loop = asyncio.new_event_loop()
    parsed = [loop.run_until_complete(agent.parse_message(i["text"])) for i in items]
    gold = [i["intent"] for i in items]
    # short replies (你好, 是的, 转人工) are bound to be in the training data too: scored apart as well
    trained = {m.get("text").strip() for m in load_data("data/nlu").intent_examples}
    unseen = [k for k, i in enumerate(items) if i["text"].strip() not in trained]
    pred = [p["intent"]["name"] for p in parsed]
    topic = [p.get("response_selector", {}).get("faq", {}).get("response", {}).get("intent_response_key")
             for p in parsed]
    faq = [(i, p, t) for i, p, t in zip(items, pred, topic, strict=True) if i["intent"] == "faq"]
    labels = sorted(set(gold))
    per_intent = dict(zip(labels, metrics.f1_score(gold, pred, labels=labels, average=None, zero_division=0),
                          strict=True))
    report = {
        "model": Path(model).name, "set": args.set, "messages": len(items),
        "intent_accuracy": metrics.accuracy_score(gold, pred),
        "intent_macro_f1": metrics.f1_score(gold, pred, labels=labels, average="macro", zero_division=0),
        # among FAQ questions: answered with the right topic (intent faq and the right key)
        "faq_topic_accuracy": sum(p == "faq" and t == f"faq/{i['topic']}" for i, p, t in faq) / max(len(faq), 1),
        "fallback_rate": pred.count("nlu_fallback") / len(pred),
        "also_in_training_data": len(items) - len(unseen),
        "unseen_intent_accuracy": metrics.accuracy_score([gold[k] for k in unseen], [pred[k] for k in unseen]),
        "per_intent_f1": {k: round(float(v), 3) for k, v in sorted(per_intent.items(), key=lambda kv: kv[1])},
        "confusions": Counter(f"{g} -> {p}" for g, p in zip(gold, pred, strict=True) if g != p).most_common(15),
    }
    print(f"{args.set}: {len(items)} messages, model {report['model']}\n"
          f"intent accuracy {report['intent_accuracy']:.3f}, macro-F1 {report['intent_macro_f1']:.3f}; "
          f"FAQ topic accuracy {report['faq_topic_accuracy']:.3f}; nlu_fallback {report['fallback_rate']:.1%}\n"
          f"{report['also_in_training_data']} messages are also training examples; intent accuracy on the other "
          f"{len(unseen)}: {report['unseen_intent_accuracy']:.3f}\n"
          "per intent F1: " + ", ".join(f"{k} {v:.2f}" for k, v in report["per_intent_f1"].items()) + "\n"
          "confusions: " + "; ".join(f"{c} ×{n}" for c, n in report["confusions"]))
    if args.set == "dev":  # the test set's messages are never printed: reading them would tune to them
        report["misses"] = [{"text": i["text"], "gold": i["intent"] + (f"/{i['topic']}" if "topic" in i else ""),
                             "got": p + (f"/{t.split('/')[-1]}" if p == "faq" and t else "")}
                            for i, p, t in zip(items, pred, topic, strict=True)
                            if p != i["intent"] or (p == "faq" and t != f"faq/{i.get('topic')}")]
        for m in report["misses"]:
            print(f"  {m['gold']:34} got {m['got']:34} {m['text']}")
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
