"""Old rules against new: the judged set (right / sent to review / wrong) and the synthetic pages.

Usage: python benchmarks/reconcile_judged.py [--pages 20000]

1. The judged set (tests/services/reconciliation/judged_cases.py): every case reconciled by the
   engine before issue 18 (a frozen copy in benchmarks/reconcile_old/) and by the current one,
   each outcome judged right, sent to review, or wrong; wrong decisions on readings whose
   numbers differ are counted apart.
2. The synthetic pages of benchmarks/reconcile_640k.py: the fields that were conflicts under
   the old rules and are decided now, by the rule that decides them (``FieldResult.how``), and
   the fields decided before that are not any more (a blank against a lone value, a group of
   values whose numbers differ).
3. The demo's items (crowdcat/demo) as its loader keys them, each with three volunteers who
   agree in meaning (the review pattern) and three who misread (the conflict pattern), under
   the 民國檔案文件級目錄 template's rules: the same counts as for the synthetic pages.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.reconcile_640k import RULES, pages  # noqa: E402
from benchmarks.reconcile_old import voting as old  # noqa: E402
from crowdcat.demo import loader as demo_loader  # noqa: E402
from crowdcat.demo.content import DEMO_RECORDS  # noqa: E402
from crowdcat.services.projects.templates import REPUBLIC_FILE_LEVEL  # noqa: E402
from crowdcat.services.reconciliation import voting as new  # noqa: E402
from tests.services.reconciliation.judged_cases import (  # noqa: E402
    CASES,
    FIELDS,
    OLD_OPTIONS,
    Case,
    judge,
)


def decide(engine: str, case: Case) -> tuple[str, str | None]:
    """Reconcile one case with the old or the new engine: (status, value)."""
    kind, options = FIELDS[case.field]
    module = old if engine == "old" else new
    if engine == "old":
        options = {k: v for k, v in options.items() if k in OLD_OPTIONS}
    rule = module.FieldRule.from_options(case.field, kind, options)
    votes = [module.Vote(f"v{i}", {case.field: v}) for i, v in enumerate(case.votes)]
    result = module.reconcile(module.Rules((rule,), 2, 5), votes).fields[case.field]
    return result.status, result.value


def judged() -> None:
    """Print the judged set's outcomes for both engines."""
    print(f"Judged set: {len(CASES)} decisions "
          f"({sum(c.numbers_differ for c in CASES)} with numbers that differ, "
          f"{sum(c.right is None for c in CASES)} that need a human)")
    print(f"{'rules':<6} {'right':>6} {'review':>7} {'wrong':>6} {'wrong, numbers differ':>22}")
    for engine in ("old", "new"):
        outcomes: Counter[str] = Counter()
        numbers_wrong = 0
        for case in CASES:
            outcome = judge(case, *decide(engine, case))
            outcomes[outcome] += 1
            numbers_wrong += outcome == "wrong" and case.numbers_differ
        print(f"{engine:<6} {outcomes['right']:>6} {outcomes['review']:>7} "
              f"{outcomes['wrong']:>6} {numbers_wrong:>22}")


def old_rules() -> old.Rules:
    """The synthetic benchmark's rules, for the old engine."""
    fields = tuple(
        old.FieldRule(r.key, r.kind, r.fold_variants, r.fuzzy_threshold, r.blank_values, r.choices)
        for r in RULES.fields
    )
    return old.Rules(fields, RULES.agree, RULES.maximum)


class Comparison:
    """Field decisions of the old and the new engine on the same pages, counted."""

    def __init__(self, new_rules: new.Rules, old_rules: old.Rules) -> None:
        self.rules, self.old_rules = new_rules, old_rules
        self.now_decided: Counter[str] = Counter()
        self.now_undecided: Counter[str] = Counter()
        self.changed_value = self.fields = self.pages = 0

    def add(self, votes: list[new.Vote]) -> None:
        """Reconcile one page with both engines and count how its fields changed."""
        was = old.reconcile(self.old_rules, [old.Vote(v.voter, v.values) for v in votes])
        now = new.reconcile(self.rules, votes)
        self.pages += 1
        for key, result in now.fields.items():
            self.fields += 1
            before = was.fields[key]
            if before.status == "conflict" and result.status != "conflict":
                self.now_decided[f"{key}: {(result.how or '').split(' ')[0]}"] += 1
            elif before.status != "conflict" and result.status == "conflict":
                self.now_undecided[key] += 1
            elif result.status != "conflict" and before.value != result.value:
                self.changed_value += 1

    def report(self, title: str) -> None:
        """Print the counts."""
        print(f"\n{title}: {self.pages:,} pages x 3 submissions, {self.fields:,} fields")
        print("conflicts before, decided now (field: rule):",
              dict(self.now_decided.most_common()) or "none")
        print("decided before, undecided now (field):",
              dict(self.now_undecided.most_common()) or "none")
        print(f"decided both times, another value shown now: {self.changed_value:,}")


def synthetic(count: int) -> None:
    """Compare field decisions of both engines on the synthetic pages."""
    comparison = Comparison(RULES, old_rules())
    for n, votes in enumerate(pages(1948), start=1):
        comparison.add(votes)
        if n == count:
            break
    comparison.report("Synthetic pages")


def demo() -> None:
    """Compare field decisions of both engines on the demo's items, keyed as its loader does."""
    specs = [(f["key"], f["kind"].value, f.get("options", {}) | {"choices": f.get("choices", [])})
             for f in REPUBLIC_FILE_LEVEL if f.get("keyed", True)]
    rules = new.Rules(tuple(new.FieldRule.from_options(*spec) for spec in specs), 2, 3)
    before = old.Rules(tuple(
        old.FieldRule.from_options(key, kind, {k: v for k, v in options.items()
                                               if k in OLD_OPTIONS})
        for key, kind, options in specs), 2, 3)
    comparison = Comparison(rules, before)
    keys = [spec[0] for spec in specs]
    typed = demo_loader._typed  # noqa: SLF001 - the demo's own volunteers
    misread = demo_loader._disagreeing  # noqa: SLF001
    for record in DEMO_RECORDS:
        for hand_of in (typed, misread):
            comparison.add([new.Vote(f"v{hand}", {k: v for k, v in hand_of(record, hand).items()
                                                  if k in keys}) for hand in range(3)])
    comparison.report("Demo items (each keyed both ways)")


def main() -> None:
    """Run both comparisons."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    args = parser.parse_args()
    judged()
    demo()
    synthetic(args.pages)


if __name__ == "__main__":
    main()
