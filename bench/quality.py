"""Faithfulness of the drafts: are the source's facts kept, is anything invented, on which model,
with the check of facts (facts locked into the prompt, missing ones repaired) off and on.

Run: make bench-quality MODEL=ID[,ID...] [SEEDS=3] [CASES=all|exemples|inedits]
     (.venv/bin/python bench/quality.py --models ID,ID --seeds 3)
Writes bench/quality.json and bench/quality.md. A benchmark, not a test.

Every shipped task's worked examples, and the held-out cases of bench/quality-cases.toml
(written for this bench, never shown to the packs' authors: a check against tuning to the
examples), go through ``hospidesk draft`` as a user runs it, once per seed, with the check of
facts off then on (``redaction.verifier_faits``, one profile each), alternated so that a slower
minute of the machine hits both. Each draft is scored on its case's facts: kept in the
document (the body, or a field the template prints), kept only in the « À intégrer »
paragraph (not kept), facts found in no input (invented), and among those the repair's own;
structure (a structured task's sections), cut at the length limit, loops (the same idea three
times), instructions echoed, length against the source, and time (first word, draft, repair).

Drafts already written are kept in bench/.quality-runs/ and not written again (a long run can
be stopped and resumed; --fresh starts over). A draft written while another program held the
processor is slowed (its words per second under half the median of its model on its case):
the report counts them, and --rewrite-slow writes them again, so that times compare drafts on
an equal footing.
Models other than the embedded one come from bench/.models/ (``make measure-models``); a model
that is not there is skipped with the reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hospidesk.documents.review import (  # noqa: E402
    missing_expected,
    unsupported_facts,
    without_pending,
)
from hospidesk.packs.loader import PackTask, load_pack  # noqa: E402
from hospidesk.packs.prompt import system_prompt  # noqa: E402
from hospidesk.service.review import (  # noqa: E402
    body_inputs,
    echoed,
    known_texts,
    locks_facts,
    repeated_idea,
)

HOSPIDESK = ROOT / ".venv" / "bin" / "hospidesk"
RUNS = ROOT / "bench" / ".quality-runs"
MEASURE = ROOT / "bench" / ".models"
CASES_FILE = ROOT / "bench" / "quality-cases.toml"
DEMO = "smollm2-135m-instruct-q4_1"
FEATURES = ("off", "on")
TIMEOUT = 1200
SLOW = 0.5
"""A draft written at under this share of its model's median rate was slowed by the machine."""


@dataclass(frozen=True)
class Case:
    id: str
    task: str
    origin: str  # « exemple » (shipped) or « inédit » (held out)
    facts: tuple[str, ...]
    source: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    example: int | None = None
    source_file: str | None = None
    """Read as the user would open it (an .eml through its reader), relative to the repo."""


def shipped_cases() -> list[Case]:
    cases = []
    for folder in sorted((ROOT / "prompt_packs").iterdir()):
        pack = load_pack(folder)
        for task in pack.tasks:
            for number, example in enumerate(task.examples, start=1):
                ref = f"{pack.id}/{task.id}"
                cases.append(
                    Case(
                        f"{ref}#{number}",
                        ref,
                        "exemple",
                        example.facts,
                        example.source,
                        dict(example.fields),
                        number,
                    )
                )
    return cases


def held_out_cases() -> list[Case]:
    data = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
    cases = []
    for raw in data["case"]:
        cases.append(
            Case(
                f"inédit:{raw['id']}",
                raw["task"],
                "inédit",
                tuple(raw["facts"]),
                raw.get("source", ""),
                dict(raw.get("fields", {})),
                source_file=raw.get("source_file"),
            )
        )
    return cases


def tasks() -> dict[str, PackTask]:
    found = {}
    for folder in sorted((ROOT / "prompt_packs").iterdir()):
        pack = load_pack(folder)
        for task in pack.tasks:
            found[f"{pack.id}/{task.id}"] = PackTask(pack, task)
    return found


# running


def site_dir(work: Path) -> Path | None:
    """A site folder whose catalog lists the measurement models (None: none installed)."""
    catalog = MEASURE / "catalog.toml"
    if not catalog.is_file():
        return None
    site = work / "site"
    (site / "models").mkdir(parents=True, exist_ok=True)
    shutil.copy(catalog, site / "catalog.toml")
    for gguf in MEASURE.glob("*.gguf"):
        link = site / "models" / gguf.name
        if not link.exists():
            link.symlink_to(gguf)
    return site


def environment(work: Path, feature: str, site: Path | None) -> dict[str, str]:
    home = work / f"profil-{feature}"
    env = {**os.environ, "HOSPIDESK_HOME": str(home)}
    if site is not None:
        env["HOSPIDESK_SITE_DIR"] = str(site)
    if not (home / ".ready").exists():
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [str(HOSPIDESK), "rules", "accept"], env=env, check=True, capture_output=True
        )
        value = "oui" if feature == "on" else "non"
        subprocess.run(
            [str(HOSPIDESK), "settings", "set", "redaction.verifier_faits", value],
            env=env,
            check=True,
            capture_output=True,
        )
        (home / ".ready").touch()
    return env


def available(model: str, env: dict[str, str]) -> str | None:
    """Why ``model`` cannot be measured here (None: it can)."""
    out = subprocess.run(
        [str(HOSPIDESK), "models", "list"], env=env, capture_output=True, text=True, check=False
    ).stdout
    lines = out.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip("* ").startswith(model + " "):
            state = lines[index + 1] if index + 1 < len(lines) else ""
            return None if state.rstrip().endswith("vérifié") else f"{model} : {state.strip()}"
    return f"{model} : absent des catalogues (make measure-models)"


def draft(case: Case, model: str, seed: int, feature: str, work: Path, env: dict[str, str]):
    target = RUNS / model / feature / f"{case.id.replace('/', '__')}-s{seed}.json"
    if target.exists():
        return json.loads(target.read_text(encoding="utf-8"))
    target.parent.mkdir(parents=True, exist_ok=True)
    report = work / "report.json"
    report.unlink(missing_ok=True)
    args = [str(HOSPIDESK), "draft", "--task", case.task, "--model", model, "--seed", str(seed)]
    if case.example is not None:
        args += ["--example", str(case.example)]
    else:
        if case.source_file:
            args += ["--source", str(ROOT / case.source_file)]
        elif case.source:
            source = work / "source.txt"
            source.write_text(case.source, encoding="utf-8")
            args += ["--source", str(source)]
        for name, value in case.fields.items():
            args += ["--field", f"{name}={value.replace(chr(10), chr(92) + 'n')}"]
    args += ["--report", str(report)]
    done = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    record: dict[str, Any] = {"case": case.id, "seed": seed, "feature": feature, "model": model}
    if done.returncode != 0 or not report.exists():
        record["error"] = done.stderr.strip().splitlines()[-1:] or [f"code {done.returncode}"]
    else:
        record["report"] = json.loads(report.read_text(encoding="utf-8"))
    target.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return record


# scoring


def score(case: Case, record: dict[str, Any], task: PackTask) -> dict[str, Any]:
    if "error" in record:
        return {"error": record["error"], "facts": len(case.facts), "kept": 0}
    report = record["report"]
    body: str = report["body"]
    placed = without_pending(body)
    values = report["values"]
    source = report["source"] or ""
    _, shown = body_inputs(task, source, values)
    missing = missing_expected(case.facts, placed, shown)
    pending_only = [f for f in missing if not missing_expected([f.text], body, shown)]
    inputs = [source, *(v for v in values.values() if v)]
    known = known_texts(task)
    invented = unsupported_facts(placed, inputs, known)
    repair = report["repair"] or {}
    added = repair.get("added", [])
    by_repair = [f for f in invented if any(a["start"] <= f.start < a["end"] for a in added)]
    sections = [s.label for s in task.task.output.sections]
    structure = (
        all(f"## {label}" in body for label in sections) if sections else bool(placed.strip())
    )
    seconds = report["seconds"] or 0.0
    load = report["load_seconds"] or 0.0
    repair_seconds = repair.get("seconds", 0.0)
    return {
        "facts": len(case.facts),
        "kept": len(case.facts) - len(missing),
        "missing": [f.text for f in missing],
        "pending_only": [f.text for f in pending_only],
        "invented": sorted({f.text for f in invented}),
        "invented_by_repair": sorted({f.text for f in by_repair}),
        "structure": structure,
        "cut_off": report["finish_reason"] == "length",
        "loop": report["finish_reason"] == "repetition" or repeated_idea(body) is not None,
        "echo": echoed(system_prompt(task.task), body) is not None,
        "length_ratio": round(len(placed) / len(source), 3) if source else None,
        "first_token_seconds": report["first_token_seconds"],
        "tokens": report["tokens"],
        "draft_seconds": round(seconds - load - repair_seconds, 3),
        "repair_seconds": round(repair_seconds, 3),
        "repair": repair or None,
        "lock": report["lock"],
    }


def rate(record: dict[str, Any]) -> float | None:
    """Words per second of the writing itself (the prompt's reading and the repair left out)."""
    report = record.get("report")
    if not report or not report.get("first_token_seconds"):
        return None
    repair = (report.get("repair") or {}).get("seconds", 0.0)
    writing = report["seconds"] - report["first_token_seconds"] - repair
    return report["tokens"] / writing if writing > 0 else None


def slowed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The drafts written at under half the median rate of their model on their case (every
    seed, check off and on): another program held the processor. The same draft written again
    on a quiet machine gives the same words at the usual rate. By case, not by model: a
    structured task's grammar makes all its drafts slower, and none of them is slowed."""
    by_case: dict[tuple[str, str], list[float]] = defaultdict(list)
    for record in records:
        if (r := rate(record)) is not None:
            by_case[(record["model"], record["case"])].append(r)
    medians = {key: statistics.median(rates) for key, rates in by_case.items()}
    return [
        record
        for record in records
        if (r := rate(record)) is not None and r < SLOW * medians[(record["model"], record["case"])]
    ]


# report


def share(kept: int, facts: int) -> float | None:
    return round(100 * kept / facts, 1) if facts else None


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    scored = [r["score"] for r in rows]
    facts = sum(s["facts"] for s in scored)
    kept = sum(s["kept"] for s in scored)
    ok = [s for s in scored if "error" not in s]
    per_seed: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        per_seed[row["seed"]].append(row["score"])
    seed_shares = [
        share(sum(s["kept"] for s in group), sum(s["facts"] for s in group))
        for group in per_seed.values()
    ]
    mean = lambda values: round(statistics.fmean(values), 3) if values else None  # noqa: E731
    return {
        "drafts": len(scored),
        "errors": len(scored) - len(ok),
        "facts": facts,
        "kept": kept,
        "kept_percent": share(kept, facts),
        "kept_percent_by_seed": [s for s in seed_shares if s is not None],
        "pending_only": sum(len(s["pending_only"]) for s in ok),
        "invented": sum(len(s["invented"]) for s in ok),
        "invented_by_repair": sum(len(s["invented_by_repair"]) for s in ok),
        "structure_failed": sum(not s["structure"] for s in ok),
        "cut_off": sum(s["cut_off"] for s in ok),
        "loops": sum(s["loop"] for s in ok),
        "echoes": sum(s["echo"] for s in ok),
        "length_ratio": mean([s["length_ratio"] for s in ok if s["length_ratio"] is not None]),
        "first_token_seconds": mean([s["first_token_seconds"] or 0.0 for s in ok]),
        "draft_seconds": mean([s["draft_seconds"] for s in ok]),
        "repair_seconds": mean([s["repair_seconds"] for s in ok]),
        "repairs": sum(s["repair"] is not None for s in ok),
        "repairs_succeeded": sum(bool(s["repair"] and s["repair"]["succeeded"]) for s in ok),
    }


def added_time(off: list[dict[str, Any]], on: list[dict[str, Any]]) -> dict[str, float | None]:
    """What the check of facts costs, against the draft's time with it off:

    - ``repair_over_draft``: the repair step against the draft's own time (on);
    - ``overhead_over_off``: what the check adds before and after writing, the lock's longer
      prompt read (first word later) and the repair, against the draft without it;
    - ``words_over_off``: how much more the drafts write with it (the facts they keep);
    - ``on_over_off``: the whole draft's time with it against without, all of that together."""
    on_ok = [r["score"] for r in on if "error" not in r["score"]]
    off_ok = [r["score"] for r in off if "error" not in r["score"]]
    empty = ("repair_over_draft", "overhead_over_off", "words_over_off", "on_over_off")
    if not on_ok or not off_ok:
        return dict.fromkeys(empty)
    mean = statistics.fmean
    repair = mean(s["repair_seconds"] for s in on_ok)
    drafted = mean(s["draft_seconds"] for s in on_ok)
    total_on = mean(s["draft_seconds"] + s["repair_seconds"] for s in on_ok)
    total_off = mean(s["draft_seconds"] for s in off_ok)
    first_on = mean(s["first_token_seconds"] or 0.0 for s in on_ok)
    first_off = mean(s["first_token_seconds"] or 0.0 for s in off_ok)
    words_on = mean(s.get("tokens") or 0 for s in on_ok)
    words_off = mean(s.get("tokens") or 0 for s in off_ok)
    ratio = lambda a, b: round(a / b, 3) if b else None  # noqa: E731
    return {
        "repair_over_draft": ratio(repair, drafted),
        "overhead_over_off": ratio(first_on - first_off + repair, total_off),
        "words_over_off": ratio(words_on - words_off, words_off),
        "on_over_off": ratio(total_on - total_off, total_off),
    }


def build(records: list[dict[str, Any]], cases: dict[str, Case], found: dict[str, PackTask]):
    rows = []
    for record in records:
        case = cases[record["case"]]
        task = found[case.task]
        rows.append(
            {
                **{k: record[k] for k in ("case", "seed", "feature", "model")},
                "task": case.task,
                "job": task.pack.manifest.job,
                "origin": case.origin,
                "locks": locks_facts(task),
                "score": score(case, record, task),
                "body": record.get("report", {}).get("body"),
            }
        )
    return rows


def grouped(
    rows: list[dict[str, Any]], key: str
) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["model"], row[key], row["feature"])].append(row)
    return groups


def markdown(data: dict[str, Any]) -> str:
    lines = [
        "# Faithfulness of the drafts (`make bench-quality`)",
        "",
        f"Run of {data['date']} on {data['machine']['cpu']} "
        f"({data['machine']['cores']} cores), llama-cpp-python {data['machine']['llama_cpp']}; "
        "seeds: "
        + "; ".join(f"{m} {', '.join(map(str, n))}" for m, n in data["seeds_by_model"].items())
        + "; every draft through `hospidesk draft`.",
        "",
        "*Kept*: the case's facts found in the document (the body, or a field the template "
        "prints), by value as the review compares them; a fact only in the « À intégrer » "
        "paragraph is not kept. *Invented*: facts of the draft found in no input (distinct per "
        "draft), the repair's own counted apart. *Added time*: the repair against the draft's "
        "own time with the check on, and the whole time on against off (the longer prompt "
        "counted). Seeds spread: the kept share of each seed.",
        "",
        f"Drafts slowed by another program on the machine (under {SLOW:.0%} of the median rate "
        f"of their model on their case): {len(data.get('slowed', []))}"
        + ("" if data.get("slowed") else " (times compare drafts on an equal footing)")
        + ".",
        "",
    ]
    for note in data["skipped"]:
        lines.append(f"- skipped: {note}")
    if data["skipped"]:
        lines.append("")
    head = (
        "| model | cases | check | drafts | facts | kept % (seeds) | « À intégrer » only | "
        "invented | by the repair | repairs (all placed) | cut | loops | echoes | structure "
        "failed | length/source | 1st word s | draft s | repair s |"
    )
    for title, origin in (("All cases", None), ("Held-out cases only", "inédit")):
        lines += [f"## {title}", "", head, "|" + " --- |" * 18]
        for model in data["models"]:
            for feature in FEATURES:
                chosen = [
                    r
                    for r in data["rows"]
                    if r["model"] == model
                    and r["feature"] == feature
                    and (origin is None or r["origin"] == origin)
                ]
                if not chosen:
                    continue
                s = summarise(chosen)
                seeds = ", ".join(f"{v:g}" for v in s["kept_percent_by_seed"])
                lines.append(
                    f"| {model} | {origin or 'tous'} | {feature} | {s['drafts']} | {s['facts']} | "
                    f"**{s['kept_percent']}** ({seeds}) | {s['pending_only']} | {s['invented']} | "
                    f"{s['invented_by_repair']} | {s['repairs']} ({s['repairs_succeeded']}) | "
                    f"{s['cut_off']} | {s['loops']} | {s['echoes']} | {s['structure_failed']} | "
                    f"{s['length_ratio']} | {s['first_token_seconds']} | {s['draft_seconds']} | "
                    f"{s['repair_seconds']} |"
                )
        lines.append("")
    lines += [
        "## Added time",
        "",
        "Against the draft with the check off: the repair step alone (against the draft's own "
        "time with it on); the check's own work (the longer prompt read, then the repair); the "
        "words written in more (the facts kept); and the whole draft's time.",
        "",
        "| model | repair / draft | prompt + repair / draft off | more words | on / off − 1 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for model, cost in data["added_time"].items():
        lines.append(
            f"| {model} | {cost['repair_over_draft']} | {cost.get('overhead_over_off')} | "
            f"{cost.get('words_over_off')} | {cost['on_over_off']} |"
        )
    for key, title in (("job", "By job"), ("task", "By task")):
        lines += ["", f"## {title} (kept %)", ""]
        lines.append(f"| model | {key} | off | on | on − off | on, by seed |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        groups = grouped(data["rows"], key)
        for model, name in sorted({(m, n) for m, n, _ in groups}):
            off = summarise(groups[(model, name, "off")]) if groups[(model, name, "off")] else None
            on = summarise(groups[(model, name, "on")]) if groups[(model, name, "on")] else None
            a = off["kept_percent"] if off else None
            b = on["kept_percent"] if on else None
            diff = round(b - a, 1) if a is not None and b is not None else None
            seeds = ", ".join(f"{v:g}" for v in on["kept_percent_by_seed"]) if on else ""
            lines.append(f"| {model} | {name} | {a} | {b} | {diff} | {seeds} |")
    lines += ["", "## Tasks below 98 % with the check on: their drafts and repairs", ""]
    groups = grouped(data["rows"], "task")
    for (model, name, feature), rows in sorted(groups.items()):
        summary = summarise(rows)
        if feature != "on" or (summary["kept_percent"] or 0) >= 98:
            continue
        lines += [f"### {model} — {name}: {summary['kept_percent']} %", ""]
        for row in rows:
            s = row["score"]
            if "error" in s:
                lines.append(f"- **{row['case']}, seed {row['seed']}**: failed: {s['error']}")
                continue
            lines.append(f"- **{row['case']}, seed {row['seed']}**: missing {s.get('missing')}")
            repair = s.get("repair") or {}
            if repair:
                lines.append(f"  - repair: missing after writing {repair.get('missing')}")
                for added in repair.get("added", []):
                    lines.append(f"  - added « {added['text']} » ({', '.join(added['facts'])})")
                if repair.get("pending"):
                    lines.append(f"  - left « À intégrer »: {repair['pending']}")
            if row.get("body"):
                quoted = "\n".join("    > " + line for line in row["body"].splitlines())
                lines += ["  - draft:", "", quoted, ""]
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    import llama_cpp

    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:  # noqa: PTH123 - Linux bench
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cpu": cpu, "cores": os.cpu_count(), "llama_cpp": llama_cpp.__version__}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=DEMO, help="catalog ids, separated by commas")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--cases", choices=("all", "exemples", "inedits"), default="all")
    parser.add_argument("--only", help="the cases whose id contains this text")
    parser.add_argument("--fresh", action="store_true", help="write every draft again")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write the report from the drafts already in bench/.quality-runs, drafting none "
        "(models measured with different numbers of seeds side by side)",
    )
    parser.add_argument(
        "--rewrite-slow",
        action="store_true",
        help="write again the drafts that another program slowed (see SLOW)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "quality"))
    args = parser.parse_args()
    if args.fresh and RUNS.exists():
        shutil.rmtree(RUNS)
    chosen = []
    if args.cases in ("all", "exemples"):
        chosen += shipped_cases()
    if args.cases in ("all", "inedits"):
        chosen += held_out_cases()
    if args.only:
        chosen = [c for c in chosen if args.only in c.id]
    seeds = list(range(1, args.seeds + 1))
    work = RUNS / "work"
    work.mkdir(parents=True, exist_ok=True)
    site = site_dir(work)
    envs = {feature: environment(work, feature, site) for feature in FEATURES}
    models, skipped = [], []
    for model in args.models.split(","):
        reason = available(model.strip(), envs["on"])
        if reason:
            print(f"ignoré : {reason}", file=sys.stderr)
            skipped.append(reason)
        else:
            models.append(model.strip())
    records = []
    total = len(models) * len(chosen) * len(seeds) * len(FEATURES)
    done = 0
    for model in models:  # seed by seed: a run stopped early still covers every case
        for seed in seeds:
            for case in chosen:
                for feature in FEATURES:
                    done += 1
                    if args.report_only:
                        kept = RUNS / model / feature / f"{case.id.replace('/', '__')}-s{seed}.json"
                        if kept.exists():
                            records.append(json.loads(kept.read_text(encoding="utf-8")))
                        continue
                    records.append(draft(case, model, seed, feature, work, envs[feature]))
                    print(f"[{done}/{total}] {model} {case.id} s{seed} {feature}", flush=True)
    if args.rewrite_slow and not args.report_only:
        for record in slowed(records):
            case = next(c for c in chosen if c.id == record["case"])
            feature, seed, model = record["feature"], record["seed"], record["model"]
            kept = RUNS / model / feature / f"{case.id.replace('/', '__')}-s{seed}.json"
            kept.unlink()
            again = draft(case, model, seed, feature, work, envs[feature])
            records[records.index(record)] = again
            print(f"[réécrit] {model} {case.id} s{seed} {feature}", flush=True)
    found = tasks()
    cases = {c.id: c for c in chosen}
    rows = build(records, cases, found)
    data = {
        "date": dt.datetime.now().isoformat(timespec="minutes"),
        "machine": machine(),
        "seeds": seeds,
        "seeds_by_model": {
            m: sorted({r["seed"] for r in records if r["model"] == m}) for m in models
        },
        "models": models,
        "skipped": skipped,
        "slowed": [
            {k: r[k] for k in ("model", "case", "seed", "feature")} for r in slowed(records)
        ],
        "cases": [asdict(c) for c in chosen],
        "added_time": {
            m: added_time(
                [r for r in rows if r["model"] == m and r["feature"] == "off"],
                [r for r in rows if r["model"] == m and r["feature"] == "on"],
            )
            for m in models
        },
        "rows": rows,
    }
    out = Path(args.out)
    out.with_suffix(".json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    out.with_suffix(".md").write_text(markdown(data), encoding="utf-8")
    print(f"{out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
