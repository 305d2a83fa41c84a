"""Reconcile N synthetic pages x 3 submissions x the default template on one core, streaming.

Usage: python benchmarks/reconcile_640k.py [--pages 640000] [--seed 1948] [--to-dict]
       [--old | --fold-forms]

``--old`` runs the engine before issue 18 (the frozen copy in benchmarks/reconcile_old/) on the
same pages, for a before/after timing in one session; ``--fold-forms`` turns on the folding of
variant forms (爲/為) for every text field, to measure its cost.

Values are generated page by page from a seeded RNG (never held all at once) and imitate what
volunteers type: Republic-era dates in mixed forms, full-width digits, punctuation variants,
Traditional/Simplified mixing and occasional disagreement or typos. ``reference_code`` is left
out: it is composed from the four reference parts, not keyed.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crowdcat.services.reconciliation.voting import FieldRule, Rules, Vote, reconcile  # noqa: E402


def words(text: str) -> tuple[str, ...]:
    """Split a space-separated list of values."""
    return tuple(text.split())


DOC_TYPES = words("呈 令 訓令 指令 公函 代電 批 布告 報告 簽呈 通知 電報")
LEVELS = ("普通", "機密", "秘密", "絕密")
RULES = Rules(
    (
        FieldRule("fonds_no", "reference"),
        FieldRule("catalog_no", "reference"),
        FieldRule("volume_no", "reference"),
        FieldRule("item_no", "reference"),
        FieldRule("title", "long_text", fuzzy_threshold=90),
        FieldRule("creator", "text", fold_variants=True),
        FieldRule("doc_no", "text"),
        FieldRule("recipient", "text", fold_variants=True, blank_values=("無", "不詳")),
        FieldRule("date", "date"),
        FieldRule("pages", "integer"),
        FieldRule("doc_type", "select", choices=DOC_TYPES),
        FieldRule("classification", "select", choices=LEVELS),
        FieldRule("language", "select", choices=("漢語", "英語", "日語")),
        FieldRule("notes", "long_text", fuzzy_threshold=85, blank_values=("無", "不詳", "/")),
    ),
    agree=2,
    maximum=5,
)
KEYS = tuple(rule.key for rule in RULES.fields)

COUNTIES = [c + "縣" for c in "番禺順德南海新會台山開平恩平鶴山高要四會廣寧德慶封開新興陽江陽春"]
COUNTIES += ["廣州市", "汕頭市", "江門市", "佛山鎮", "石岐鎮", "韶關市", "湛江市", "梅縣", "潮安縣"]
MATTERS = words(
    "徵收田賦 辦理兵役 整理保甲 籌設小學 修築公路 查禁煙毒 救濟難民 清查戶口 徵購軍糧 防治霍亂 "
    "改選鄉長 呈報地價 催繳積欠 撥發經費 調查物價 登記商號 取締賭博 修理堤圍 選舉參議員 "
    "設立衛生院 增設警察所 發放救濟米 整頓稅收"
)
DETAILS = ("", "情形", "辦法", "經過", "一案", "事宜", "案卷", "請示", "報告書", "清冊")
ORGS = words("廣東省政府 廣東省民政廳 廣東省財政廳 廣東省建設廳 廣東省教育廳 廣東省田糧處")
ORGS += tuple(c + "政府" for c in COUNTIES) + tuple(c + "參議會" for c in COUNTIES[:12])
NOTES = ("附清冊一份", "附收據三張", "本件係抄件", "字跡模糊，部分無法辨認", "附件缺", "有批示")
CN_DIGITS = "〇一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SIMPLIFIED = str.maketrans(
    "廣東省縣政府會議處財廳建設教育糧參", "广东省县政府会议处财厅建设教育粮参"
)


def cn_number(n: int) -> str:
    """Write 1-99 as a Chinese numeral, sometimes with 廿/卅 as volunteers do."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = {1: "十", 2: "二十", 3: "三十"}.get(tens, CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")


@cache  # ~10^5 distinct strings; formatting them again would dominate
def date_form(form: int, year: int, month: int, day: int) -> str:
    """Write a date in one of the eight ways volunteers type it."""
    roc = year - 1911
    if form == 0:
        return f"民國{cn_number(roc)}年{cn_number(month)}月{cn_number(day)}日"
    if form == 1:
        return f"民國{roc}年{month}月{day}日"
    if form == 2:
        short = cn_number(roc).replace("二十", "廿").replace("三十", "卅") if roc % 10 else ""
        return f"民國{short or cn_number(roc)}年{month}月{day}日"
    if form == 3:
        return f"{year}.{month}.{day}"
    if form == 4:
        return f"{year}-{month:02d}-{day:02d}"
    if form == 5:
        return f"{year}{month:02d}{day:02d}"
    if form == 6:
        return f"民國{roc}年{month}月{day}日".translate(FULL_WIDTH)
    return f"{year}年{month}月{day}日"


def pages_form(form: int, n: int) -> str:
    """Write a page count in one of the ways volunteers type it."""
    if form <= 1:
        return str(n)
    if form == 2:
        return cn_number(n)
    return f"共{n}頁" if form == 3 else str(n).translate(FULL_WIDTH)


def typo(rng: random.Random, text: str) -> str:
    """Replace one character, as a misread glyph would."""
    i = int(rng.random() * len(text))
    return text[:i] + "之乙人入己已"[i % 6] + text[i + 1 :]


def pages(seed: int) -> Iterator[list[Vote]]:
    """Yield each page's three submissions, generated on the fly."""
    rng = random.Random(seed)
    rand = rng.random
    voters = [str(n) for n in range(5000)]

    def pick(options: Sequence[str]) -> str:
        """Choose uniformly (cheaper than random.choice)."""
        return options[int(rand() * len(options))]

    while True:
        county, doc_type = pick(COUNTIES), pick(DOC_TYPES)
        year, month, day = 1912 + int(rand() * 38), 1 + int(rand() * 12), 1 + int(rand() * 28)
        title = f"關於{county}{pick(MATTERS)}{pick(DETAILS)}的{doc_type}"
        if rand() < 0.3:
            title = f"{cn_number(year - 1911)}年度{title}"
        draw = rand()  # one draw decides the often-empty fields
        truth = {
            "fonds_no": str(1 + int(rand() * 40)),
            "catalog_no": str(1 + int(draw * 12)),
            "volume_no": str(1 + int(rand() * 3000)),
            "item_no": str(1 + int(rand() * 150)),
            "title": title,
            "creator": pick(ORGS),
            "doc_no": f"{county[0]}字第{1 + int(rand() * 5000)}號" if draw < 0.6 else "",
            "recipient": pick(ORGS) if 0.3 < draw < 0.8 else "",
            "classification": pick(LEVELS) if draw > 0.8 else "",
            "doc_type": doc_type,
            "language": "漢語",
            "notes": pick(NOTES) if 0.1 < draw < 0.25 else "",
        }
        page_count = 1 + int(rand() * 30)
        votes = []
        first_voter = int(rand() * (len(voters) - 3))
        for i in range(3):
            values = dict(truth)
            values["date"] = date_form(int(rand() * 8), year, month, day)
            values["pages"] = pages_form(int(rand() * 5), page_count)
            draw = rand()
            if draw < 0.3:  # one field typed differently but equally
                key = VARIANT_KEYS[int(draw * 100) % len(VARIANT_KEYS)]
                values[key] = VARIANTS[key](rng, values[key])
            elif draw > 0.92:  # one field typed wrong
                key = KEYS[int(draw * 1000) % len(KEYS)]
                values[key] = typo(rng, values[key]) if values[key] else "無"
            votes.append(Vote(voters[first_voter + i], values))
        yield votes


VARIANTS: dict[str, Callable[[random.Random, str], str]] = {
    "fonds_no": lambda rng, v: v.translate(FULL_WIDTH),
    "volume_no": lambda rng, v: v.translate(FULL_WIDTH),
    "title": lambda rng, v: v.replace("的", " 的 ") if rng.random() < 0.5 else v + "。",
    "creator": lambda rng, v: v.translate(SIMPLIFIED),
    "doc_no": lambda rng, v: v.translate(FULL_WIDTH) if v else "無",
    "recipient": lambda rng, v: v.translate(SIMPLIFIED) if v else "不詳",
    "classification": lambda rng, v: f" {v} ",
    "notes": lambda rng, v: v.replace("，", ",") if v else "無",
}
VARIANT_KEYS = tuple(VARIANTS)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the benchmark and print throughput and memory at checkpoints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=640_000)
    parser.add_argument("--seed", type=int, default=1948)
    parser.add_argument("--to-dict", action="store_true", help="also build the JSON-ready dicts")
    engine = parser.add_mutually_exclusive_group()
    engine.add_argument("--old", action="store_true", help="the engine before issue 18")
    engine.add_argument("--fold-forms", action="store_true",
                        help="fold variant forms in every text field")
    args = parser.parse_args()
    rules: Any = RULES
    if args.fold_forms:
        rules = Rules(tuple(dataclasses.replace(rule, fold_forms=True)
                            if rule.kind in ("text", "long_text") else rule
                            for rule in RULES.fields), RULES.agree, RULES.maximum)
    if args.old:
        from benchmarks.reconcile_old import voting as old

        rules = old.Rules(tuple(
            old.FieldRule(r.key, r.kind, r.fold_variants, r.fuzzy_threshold, r.blank_values,
                          r.choices) for r in RULES.fields), RULES.agree, RULES.maximum)
    checkpoints = {args.pages * k // 8 for k in (1, 2, 4, 8)}
    verdicts: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    hows: Counter[str] = Counter()
    in_reconcile = cpu_in_reconcile = 0.0
    clock, cpu_clock = time.perf_counter, time.thread_time
    start, cpu_start = clock(), time.process_time()
    print(
        f"{'pages':>8}  {'wall s':>7}  {'CPU s':>6}  {'pages/s':>8}  {'in reconcile':>12}  "
        f"{'CPU s in reconcile':>18}  peak RSS"
    )
    for n, votes in enumerate(pages(args.seed), start=1):
        if args.old:
            votes = [old.Vote(v.voter, v.values) for v in votes]
            before, cpu_before = clock(), cpu_clock()
            result = old.reconcile(rules, votes)
        else:
            before, cpu_before = clock(), cpu_clock()
            result = reconcile(rules, votes)
        if args.to_dict:
            result.to_dict()
        in_reconcile += clock() - before
        cpu_in_reconcile += cpu_clock() - cpu_before
        verdicts[result.verdict] += 1
        statuses.update(field.status for field in result.fields.values())
        hows.update((getattr(field, "how", None) or "").split(" ", 1)[0]
                    for field in result.fields.values())
        if n in checkpoints:
            elapsed, cpu = clock() - start, time.process_time() - cpu_start
            print(
                f"{n:>8,}  {elapsed:7.1f}  {cpu:6.1f}  {n / elapsed:8,.0f}  "
                f"{n / in_reconcile:12,.0f}  {cpu_in_reconcile:18.1f}  {peak_rss_mib():6.1f} MiB",
                flush=True,
            )
        if n == args.pages:
            break
    print("verdicts:", dict(verdicts))
    print("field statuses:", dict(statuses))
    print("decided how:", dict(hows.most_common()))


if __name__ == "__main__":
    main()
