"""K-fold cross-validation of the Rasa NLU pipeline (config.yml, unchanged) vs a classic baseline, same folds.

Usage: bench/nlu_crossval.sh [folds=5]  ==  .venv-bot/bin/python bench/nlu_crossval.py --folds 5 [--out FILE]
  --epochs N  smoke tests only: overrides every `epochs` in a *copy* of config.yml (flagged in the output).
Data, folds, metrics and the baseline are documented in bench/README.md. Prints a table (mean ± std over folds)
and writes results/bench/nlu_crossval.json.
"""
from __future__ import annotations

import argparse, asyncio, json, logging, os, re, shlex, sys, tempfile, time  # noqa: E401
from collections import Counter
from functools import reduce
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # config.yml's dictionary_path is relative
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
SEED = 42
FAQ_GATES = (0.0, 0.2, 0.3, 0.4, 0.5)  # bot.nlg.MIN_TOPIC_CONFIDENCE is one of these

import jieba, numpy as np, sklearn_crfsuite, yaml  # noqa: E401,E402
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402
from rasa.utils.log_utils import configure_structlog  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn import linear_model, metrics, model_selection, pipeline  # noqa: E402

from bot.components.identifier_extractor import EMITTED  # noqa: E402
from bot.components.script_normaliser import normalise  # noqa: E402

jieba.setLogLevel(logging.WARNING)
JIEBA = jieba.Tokenizer()
JIEBA.load_userdict(str(ROOT / "bot/dictionary/insurance.txt"))  # the dictionary JiebaTokenizer loads
# Per-extractor rows: recall is against all gold spans of the types an extractor emits (DIET: every type).
EXTRACTOR_TYPES = {"IdentifierExtractor": set(EMITTED), "TimeExtractor": {"time"}, "NameExtractor": {"person_name"}}


def span_f1(gold: list[set], pred: list[set], types: set) -> dict:
    """Micro P/R/F1 of exact (start, end, type) spans, both sides restricted to `types`."""
    gold, pred = [{e for e in g if e[2] in types} for g in gold], [{e[:3] for e in p if e[2] in types} for p in pred]
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    n_pred, n_gold = sum(map(len, pred)), sum(map(len, gold))
    p, r = (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "p": p, "r": r, "tp": tp, "pred": n_pred, "gold": n_gold}


def fold_errors(fold: int, msgs: list, gold_intents, intents: list, gold: list, ents: list, types: set) -> list:
    """The held-out messages Rasa got wrong (intent or entity spans), for reading, not scoring."""
    rows = []
    for m, gi, pi, g, p in zip(msgs, gold_intents, intents, gold, ents, strict=True):
        p = {e for e in p if e[2] in types}
        missed, extra = g - {e[:3] for e in p}, {e for e in p if e[:3] not in g}
        if gi != pi or missed or extra:
            text = m.get("text")
            rows.append({"fold": fold, "text": text, "intent": gi, "predicted": pi,
                         "missed": [f"{text[s:e]}/{t}" for s, e, t in sorted(missed)],
                         "extra": [f"{text[s:e]}/{t}/{x}" for s, e, t, x in sorted(extra)]})
    return rows


def faq_gate(gold: list, intents: list, keys: list) -> dict:
    """What bot.nlg's topic-confidence floor does to the messages Rasa answers from the FAQ: per threshold,
    right answers kept / withheld and wrong answers (other topic, or not an FAQ at all) read out / withheld."""
    answered = [(g == key, conf) for g, intent, (key, conf) in zip(gold, intents, keys, strict=True) if intent == "faq"]
    return {str(t): {"right_kept": sum(ok and c >= t for ok, c in answered), "right_withheld": sum(ok and c < t
            for ok, c in answered), "wrong_kept": sum(not ok and c >= t for ok, c in answered),
            "wrong_withheld": sum(not ok and c < t for ok, c in answered)} for t in FAQ_GATES}


def intent_baseline():
    words = lambda text: [w for w in JIEBA.lcut(text) if w.strip()]  # noqa: E731
    return pipeline.make_pipeline(
        pipeline.make_union(TfidfVectorizer(tokenizer=words, token_pattern=None, ngram_range=(1, 2), sublinear_tf=True),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)),
        linear_model.LogisticRegression(C=10, max_iter=5000))


def rule_spans(text: str, td: TrainingData) -> set:
    """Regex-section and lookup-table matches (case-insensitive), longest first, non-overlapping. Only tables
    named after an entity type: the others (insurance_term, everyday_topic) are intent features."""
    cands = [(m.start(), m.end(), r["name"]) for r in td.regex_features if r["name"] in td.entities
             for m in re.finditer(r["pattern"], text, re.I)]
    cands += [(m.start(), m.end(), t["name"]) for t in td.lookup_tables if t["name"] in td.entities
              for el in t["elements"] for m in re.finditer(re.escape(normalise(el)), text, re.I)]
    spans: list = []
    for s, e, label in sorted(set(cands), key=lambda c: (c[0] - c[1], c[0], c[2])):
        if all(e <= s2 or e2 <= s for s2, e2, _ in spans):
            spans.append((s, e, label))
    return set(spans)


def bio(text: str, spans: set) -> list[str]:
    tag = {i: ("B-" if i == s else "I-") + label for s, e, label in spans for i in range(s, e)}
    return [tag.get(i, "O") for i in range(len(text))]


def spans_of(tags: list[str]) -> set:
    """Spans of a BIO sequence; a stray I-X starts a span, a span runs while I-<its type> follows."""
    starts = [i for i, t in enumerate(tags) if t != "O" and (t[0] == "B" or i == 0 or tags[i - 1][2:] != t[2:])]
    end = lambda s: next((j for j in range(s + 1, len(tags)) if tags[j] != "I-" + tags[s][2:]), len(tags))  # noqa: E731
    return {(s, end(s), tags[s][2:]) for s in starts}


def char_features(text: str, td: TrainingData) -> list[dict]:
    """CRF features per character: chars ±2, bigrams, char class, jieba word + B/M/E/S, regex/lookup BIO tag."""
    rule, pos, word = bio(text, rule_spans(text, td)), [], []
    for w in JIEBA.lcut(text):  # jieba's words cover the whole text
        pos, word = pos + (["S"] if len(w) == 1 else ["B"] + ["M"] * (len(w) - 2) + ["E"]), word + [w] * len(w)
    kind = ["d" if c.isdigit() else "a" if c.isascii() and c.isalpha() else "h" if "\u4e00" <= c <= "\u9fff"
            else "o" for c in text]
    at = lambda seq, j: seq[j] if 0 <= j < len(text) else "#"  # noqa: E731
    return [{"c": c, "k": kind[i], "k±1": at(kind, i - 1) + at(kind, i + 1), "pos": pos[i], "w": word[i],
             "rule": rule[i], "b-1": at(text, i - 1) + c, "b+1": c + at(text, i + 1),
             **{f"c{d:+d}": at(text, i + d) for d in (-2, -1, 1, 2)}} for i, c in enumerate(text)]


def run_rasa(train: TrainingData, test: list, config: str, tmp: str) -> tuple:
    """Trains config.yml's NLU on `train` (temp YAML, with responses), loads it and parses `test`."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    Path(tmp, "nlu.yml").write_text(RasaYAMLWriter().dumps(train), encoding="utf-8")  # nlu_as_yaml drops responses
    t0 = time.perf_counter()
    model = train_nlu(config, str(Path(tmp, "nlu.yml")), tmp, fixed_model_name="fold", domain="domain.yml")
    seconds, agent = time.perf_counter() - t0, Agent.load(model)

    loop = asyncio.new_event_loop()
    parsed = [loop.run_until_complete(agent.parse_message(m.get("text"))) for m in test]
    ents = [{(e["start"], e["end"], e["entity"], e.get("extractor")) for e in p["entities"]} for p in parsed]
    rs = [(lambda r: (r.get("intent_response_key"), r.get("confidence") or 0.0))(
        p.get("response_selector", {}).get("faq", {}).get("response", {})) for p in parsed]
    # what the classifiers chose before FallbackClassifier's threshold: shows what the threshold costs
    top = [next((r["name"] for r in p["intent_ranking"] if r["name"] != "nlu_fallback"), None) for p in parsed]
    return [p["intent"]["name"] for p in parsed], top, ents, rs, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, help="override epochs in a copy of config.yml (smoke tests only)")
    ap.add_argument("--out", default="results/bench/nlu_crossval.json")
    ap.add_argument("--config", default="config.yml", help="pipeline to score (default: the product's own)")
    ap.add_argument("--only-fold", type=int, help="run just fold K of the K-fold split (quick look; not a result)")
    args, t_start = ap.parse_args(), time.perf_counter()
    configure_structlog(logging.WARNING)  # else every parsed message is logged to stdout
    command = shlex.join([os.path.relpath(sys.executable), "bench/nlu_crossval.py", *sys.argv[1:]])
    td = load_data("data/nlu").merge(load_data("data/responses"))
    ex = td.intent_examples
    full, y = [m.get_full_intent() for m in ex], np.array([m.get("intent") for m in ex])
    texts = [normalise(m.get("text")) for m in ex]  # the pipeline's first step, reused for the baseline
    gold = [{(e["start"], e["end"], e["entity"]) for e in m.get("entities") or [] if e["end"] > e["start"]} for m in ex]
    types, per_intent = {e[2] for g in gold for e in g}, Counter(y.tolist())
    print(f"$ {command}\ndata: {len(ex)} examples, {len(per_intent)} intents ({per_intent['faq']} faq examples over "
          f"{len({f for f in full if f.startswith('faq/')})} retrieval topics), {sum(map(len, gold))} entity spans of "
          f"{len(types)} types\nexamples per intent: " + ", ".join(f"{k} {v}" for k, v in per_intent.most_common()))
    folds = model_selection.StratifiedKFold(args.folds, shuffle=True, random_state=SEED).split(texts, full)
    rows, config, errors, pred_all = [], args.config, [], []
    with tempfile.TemporaryDirectory(prefix="nlu_crossval_") as tmp:
        os.environ["RASA_CACHE_DIRECTORY"] = str(Path(tmp, "cache"))  # no reuse of (or writes to) .rasa/cache
        if args.epochs:  # smoke tests only: a copy of config.yml with every `epochs` overridden
            cfg = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
            cfg["pipeline"] = [{**c, "epochs": args.epochs} if "epochs" in c else c for c in cfg["pipeline"]]
            config = str(Path(tmp, "config.yml"))
            Path(config).write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        for k, (tr, te) in enumerate(folds, 1):
            if args.only_fold and k != args.only_fold:
                continue
            train = TrainingData([ex[i] for i in tr], td.entity_synonyms, td.regex_features, td.lookup_tables,
                                 responses=td.responses)
            g_te, faq_te = [gold[i] for i in te], [i for i in te if y[i] == "faq"]
            score = lambda pred, te=te: metrics.f1_score(y[te], pred, labels=sorted(set(y[te])), average="macro",  # noqa: E731
                                                 zero_division=0)
            intents, top, ents, keys, secs = run_rasa(train, [ex[i] for i in te], config, tempfile.mkdtemp(dir=tmp))
            key_of = {i: key for i, (key, _) in zip(te, keys, strict=True)}
            errors += fold_errors(k, [ex[i] for i in te], y[te], intents, g_te, ents, types)
            pred_all += list(zip(y[te], intents, strict=True))
            rasa = {"intent_f1": score(intents), "intent_f1_no_fallback": score(top),
                    "entity": span_f1(g_te, ents, types), "train_s": secs,
                    "entity_by_type": {t: span_f1(g_te, ents, {t}) for t in sorted(types)},
                    "fallback_rate": float(np.mean([p == "nlu_fallback" for p in intents])),
                    "faq_topic_acc": float(np.mean([key_of[i] == full[i] for i in faq_te])),
                    "faq_gate": faq_gate([full[i] for i in te], intents, keys),
                    "per_extractor": {x: span_f1(g_te, [{e for e in p if e[3] == x} for p in ents],
                                                 EXTRACTOR_TYPES.get(x, types) & types)
                                      for x in sorted({e[3] for p in ents for e in p if e[2] in types})}}
            t0 = time.perf_counter()
            clf = intent_baseline().fit([texts[i] for i in tr], y[tr])
            faq_tr = [i for i in tr if y[i] == "faq"]  # second classifier: FAQ topic, like the ResponseSelector
            topic = intent_baseline().fit([texts[i] for i in faq_tr], [full[i] for i in faq_tr])
            crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.05, c2=0.05, max_iterations=200,
                                       all_possible_transitions=True)
            crf.fit([char_features(texts[i], td) for i in tr], [bio(texts[i], gold[i]) for i in tr])
            b_secs = time.perf_counter() - t0
            crf_pred = [spans_of(t) for t in crf.predict([char_features(texts[i], td) for i in te])]
            topic_ok = topic.predict([texts[i] for i in faq_te]) == np.array([full[i] for i in faq_te])
            base = {"intent_f1": score(clf.predict([texts[i] for i in te])), "entity": span_f1(g_te, crf_pred, types),
                    "train_s": b_secs, "faq_topic_acc": float(np.mean(topic_ok))}
            rules = {"entity": span_f1(g_te, [rule_spans(texts[i], td) for i in te], types)}
            rows.append({"fold": k, "train": len(tr), "test": len(te), "rasa": rasa, "baseline": base, "rules": rules})
            print(f"fold {k}/{args.folds}: rasa intent {rasa['intent_f1']:.3f} entity {rasa['entity']['f1']:.3f} "
                  f"({secs:.0f} s) | baseline intent {base['intent_f1']:.3f} entity {base['entity']['f1']:.3f} "
                  f"({b_secs:.1f} s) | rules entity {rules['entity']['f1']:.3f}", flush=True)

    def stat(system: str, *path: str) -> dict | None:  # mean ± std over folds of rows[*][system][path...]
        vals = [reduce(lambda v, p: v.get(p) if isinstance(v, dict) else None, path, r[system]) for r in rows]
        return None if None in vals else {"mean": float(np.mean(vals)), "std": float(np.std(vals)), "folds": vals}

    fmt = lambda s, d=3: "-" if s is None else f"{s['mean']:.{d}f} ± {s['std']:.{d}f}"  # noqa: E731
    names = {"rasa": f"Rasa ({Path(args.config).name})", "baseline": "TF-IDF+LogReg / char-CRF",
             "rules": "regex+lookup only"}
    cols = ("intent_f1", "intent_f1_no_fallback", "entity.f1", "entity.p", "entity.r", "faq_topic_acc", "train_s",
            "fallback_rate")
    summary = {s: {m: stat(s, *m.split(".")) for m in cols} for s in names}
    shown = ("intent_f1", "entity.f1", "entity.p", "entity.r", "faq_topic_acc")
    summary["rasa_entity_by_type"] = {t: {m: stat("rasa", "entity_by_type", t, m) for m in ("f1", "p", "r")}
                                      for t in sorted(types)}
    extractors = sorted({x for r in rows for x in r["rasa"]["per_extractor"]})
    summary["rasa_per_extractor"] = {x: {m: stat("rasa", "per_extractor", x, m) for m in ("f1", "p", "r")}
                                     for x in extractors}
    print(f"\n{args.folds}-fold cross-validation, seed {SEED}, mean ± std over folds"
          + (f"  [WARNING: epochs overridden to {args.epochs}]" if args.epochs else ""))
    print(f"{'system':30}" + "".join(f"{h:>17}" for h in ("intent macro-F1", "entity F1", "entity P", "entity R",
                                                            "faq topic acc")) + f"{'train s/fold':>15}")
    for s, name in names.items():
        print(f"{name:30}" + "".join(f"{fmt(summary[s][m]):>17}" for m in shown)
              + f"{fmt(summary[s]['train_s'], 1):>15}")
    for x in extractors:
        m = summary["rasa_per_extractor"][x]
        print(f"{'  Rasa entities by ' + x:47}" + "".join(f"{fmt(m[k]):>17}" for k in ("f1", "p", "r")))
    for t, m in summary["rasa_entity_by_type"].items():
        print(f"{'  Rasa entity type ' + t:47}" + "".join(f"{fmt(m[k]):>17}" for k in ("f1", "p", "r")))
    print(f"Rasa nlu_fallback rate {fmt(summary['rasa']['fallback_rate'])}; intent macro-F1 had every message"
          f" kept its best intent (no fallback) {fmt(summary['rasa']['intent_f1_no_fallback'])};"
          f" total {time.perf_counter() - t_start:.0f}s")
    gates = {t: {k: sum(r["rasa"]["faq_gate"][str(t)][k] for r in rows) for k in rows[0]["rasa"]["faq_gate"]["0.0"]}
             for t in FAQ_GATES}
    summary["faq_gate"] = gates
    print("FAQ answers by ResponseSelector confidence floor (all folds; 'wrong' = other topic or not an FAQ): "
          + "; ".join(f"≥{t}: right {g['right_kept']} kept / {g['right_withheld']} withheld, wrong "
                      f"{g['wrong_kept']} read out / {g['wrong_withheld']} withheld" for t, g in gates.items()))
    gold_i, pred_i = [g for g, _ in pred_all], [p for _, p in pred_all]
    labels = sorted(set(gold_i))
    per_intent_f1 = dict(zip(labels, metrics.f1_score(gold_i, pred_i, labels=labels, average=None,
                                                      zero_division=0).tolist(), strict=True))
    confusions = Counter(f"{g} -> {p}" for g, p in pred_all if g != p).most_common(20)
    print("Rasa intent F1 over all held-out messages: "
          + ", ".join(f"{k} {v:.2f}" for k, v in sorted(per_intent_f1.items(), key=lambda kv: kv[1])))
    print("most frequent confusions: " + "; ".join(f"{c} ×{n}" for c, n in confusions[:12]))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    report = {"command": command, "config": args.config, "epochs_override": args.epochs, "seed": SEED,
              "folds": args.folds, "examples": len(ex), "examples_per_intent": dict(per_intent),
              "entity_types": sorted(types), "summary": summary, "per_intent_f1": per_intent_f1,
              "confusions": confusions, "per_fold": rows,
              "total_s": time.perf_counter() - t_start}
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    Path(args.out).with_name(Path(args.out).stem + "_errors.json").write_text(
        json.dumps(errors, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
