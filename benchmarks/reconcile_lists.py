"""Reconcile N synthetic list pages (卷內文件目錄) x 3 volunteers x 15 rows on one core.

Usage: python benchmarks/reconcile_lists.py [--pages 40000] [--rows 15] [--seed 1948]
       [--to-dict]

Each page has a header (全宗號, 目錄號, 案卷號) and 15 rows (順序號, 文號, 責任者, 題名, 日期, 頁數,
備註), generated page by page from a seeded RNG. Volunteers type dates and page counts in mixed
forms, misread a character of a title now and then, type 同上/〃 for a 責任者 or 日期 equal to
the row above, and on some pages one volunteer skips a row or adds one; on 30% of the pages
nobody keys 順序號, so rows are aligned by title. Timed (wall and CPU): ``ditto.resolve`` of
every volunteer's rows plus ``alignment.reconcile_list``, i.e. what a submission costs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.reconcile_640k import (  # noqa: E402
    DETAILS,
    MATTERS,
    NOTES,
    ORGS,
    date_form,
    pages_form,
    peak_rss_mib,
    typo,
)
from crowdcat.services.reconciliation.alignment import reconcile_list  # noqa: E402
from crowdcat.services.reconciliation.ditto import resolve  # noqa: E402
from crowdcat.services.reconciliation.voting import FieldRule, Rules, Vote  # noqa: E402

HEADER = ("全宗號", "目錄號", "案卷號")
ROW = ("順序號", "文號", "責任者", "題名", "日期", "頁數", "備註")
RULES = Rules(
    tuple(FieldRule(key, "reference") for key in HEADER) + (
        FieldRule("順序號", "integer"),
        FieldRule("文號", "text"),
        FieldRule("責任者", "text", fold_variants=True),
        FieldRule("題名", "long_text", fuzzy_threshold=90),
        FieldRule("日期", "date"),
        FieldRule("頁數", "integer"),
        FieldRule("備註", "long_text", fuzzy_threshold=85, blank_values=("無", "/")),
    ),
    agree=2,
    maximum=5,
)
Page = tuple[list[Vote], list[tuple[str, list[dict[str, str]], float]]]


def truth_rows(rng: random.Random, count: int) -> list[dict[str, str]]:
    """The list as printed: creators and dates often repeat from one row to the next."""
    rows: list[dict[str, str]] = []
    creator, year, month, day = rng.choice(ORGS), rng.randint(1930, 1948), rng.randint(1, 12), 1
    for number in range(1, count + 1):
        if rng.random() < 0.4:
            creator = rng.choice(ORGS)
        if rng.random() < 0.6:
            day = min(28, day + rng.randint(1, 3))
        rows.append({
            "順序號": str(number),
            "文號": f"{rng.choice('秘民財建教')}字第{rng.randint(1, 3000)}號",
            "責任者": creator,
            "題名": f"{creator}關於{rng.choice(MATTERS)}{rng.choice(DETAILS)}"
                    f"的{rng.choice('呈令函')}",
            "日期": f"{year}-{month}-{day}",
            "頁數": str(rng.randint(1, 30)),
            "備註": rng.choice(NOTES) if rng.random() < 0.15 else "",
        })
    return rows


def keyed(rng: random.Random, rows: list[dict[str, str]], numbered: bool) -> list[dict[str, str]]:
    """One volunteer's rows as typed: mixed forms, typos, ditto marks."""
    typed: list[dict[str, str]] = []
    above: dict[str, str] = {}
    for row in rows:
        year, month, day = (int(part) for part in row["日期"].split("-"))
        out = dict(row, 日期=date_form(rng.randrange(8), year, month, day),
                   頁數=pages_form(rng.randrange(5), int(row["頁數"])))
        if not numbered:
            out["順序號"] = ""
        if rng.random() < 0.04:
            out["題名"] = typo(rng, out["題名"])
        for key in ("責任者", "日期"):
            if above.get(key) == row[key] and rng.random() < 0.5:
                out[key] = rng.choice(("同上", "〃", "仝上"))
        typed.append(out)
        above = row
    return typed


def pages(seed: int, count: int) -> Iterator[Page]:
    """Yield each page's header votes and row votes, generated on the fly."""
    rng = random.Random(seed)
    while True:
        head = {"全宗號": f"L{rng.randint(1, 99):03d}", "目錄號": f"{rng.randint(1, 20):03d}",
                "案卷號": f"{rng.randint(1, 9999):04d}"}
        rows = truth_rows(rng, count)
        numbered = rng.random() < 0.7
        submissions = [keyed(rng, rows, numbered) for _ in range(3)]
        odd = rng.random()
        if odd < 0.05:  # one volunteer skipped a row
            del submissions[rng.randrange(3)][rng.randrange(count)]
        elif odd < 0.08:  # one volunteer added a row (a line read twice, a heading)
            victim = submissions[rng.randrange(3)]
            victim.insert(rng.randrange(count), dict(victim[0], 題名="卷內備考表", 順序號=""))
        header_votes = [Vote(f"v{i}", head) for i in range(3)]
        yield header_votes, [(f"v{i}", typed, 1.0) for i, typed in enumerate(submissions)]


def main() -> None:
    """Run the benchmark and print throughput, outcome counts and memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40_000)
    parser.add_argument("--rows", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1948)
    parser.add_argument("--to-dict", action="store_true", help="also build the JSON-ready dicts")
    args = parser.parse_args()
    checkpoints = {args.pages * k // 4 for k in (1, 2, 4)}
    verdicts: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    outcome: Counter[str] = Counter()
    wall = cpu = 0.0
    clock, cpu_clock = time.perf_counter, time.thread_time
    start = clock()
    print(f"{'pages':>8}  {'entries':>9}  {'wall s':>7}  {'s in reconcile':>14}  "
          f"{'CPU s in reconcile':>18}  {'entries/s':>9}  peak RSS")
    entries = 0
    for n, (header_votes, row_votes) in enumerate(pages(args.seed, args.rows), start=1):
        before, cpu_before = clock(), cpu_clock()
        resolved = [(voter, resolve(rows), weight) for voter, rows, weight in row_votes]
        result: Any = reconcile_list(RULES, header_votes, resolved, sequence_key="順序號",
                                     title_key="題名", row_keys=ROW)
        if args.to_dict:
            result.to_dict()
        wall += clock() - before
        cpu += cpu_clock() - cpu_before
        entries += len(result.rows)
        verdicts[result.verdict] += 1
        outcome["row count agreed"] += result.row_count_agreed
        outcome["rows set aside"] += len(result.set_aside)
        outcome["rows keyed by 2 of 3"] += sum(len(v) == 2 for v in result.row_voters)
        for row in result.rows:
            statuses.update(field.status for field in row.fields.values())
        if n in checkpoints:
            print(f"{n:>8,}  {entries:>9,}  {clock() - start:7.1f}  {wall:14.1f}  {cpu:18.1f}  "
                  f"{entries / wall:9,.0f}  {peak_rss_mib():6.1f} MiB", flush=True)
        if n == args.pages:
            break
    print("page verdicts:", dict(verdicts))
    print("rows:", dict(outcome))
    print("row field statuses:", dict(statuses))


if __name__ == "__main__":
    main()
