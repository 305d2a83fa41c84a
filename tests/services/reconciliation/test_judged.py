"""The judged set: the rules decide right, send to review only what needs it, and never decide
wrongly where the readings' numbers differ (benchmarks/reconcile_judged.py compares old/new)."""

from collections import Counter

import pytest

from crowdcat.services.reconciliation.voting import FieldRule, Rules, Vote, reconcile
from tests.services.reconciliation.judged_cases import CASES, FIELDS, HUMAN, Case, judge


def decide(case: Case) -> tuple[str, str | None]:
    """Reconcile one judged case with the field's rules: (status, value)."""
    kind, options = FIELDS[case.field]
    rules = Rules((FieldRule.from_options(case.field, kind, options),), agree=2, maximum=5)
    votes = [Vote(f"v{i}", {case.field: v}) for i, v in enumerate(case.votes)]
    result = reconcile(rules, votes).fields[case.field]
    return result.status, result.value


def test_the_set_is_large_and_mixed_enough() -> None:
    assert len(CASES) >= 60
    assert sum(case.right is HUMAN for case in CASES) >= 10
    assert sum(case.numbers_differ for case in CASES) >= 10
    assert {FIELDS[case.field][0] for case in CASES} >= {"text", "long_text", "date", "integer"}


def test_fewer_than_one_in_ten_decisions_are_wrong() -> None:
    outcomes = Counter(judge(case, *decide(case)) for case in CASES)
    assert outcomes["wrong"] * 10 < len(CASES), outcomes
    assert outcomes["right"] >= 0.8 * len(CASES), outcomes


@pytest.mark.parametrize("case", [c for c in CASES if c.numbers_differ], ids=lambda c: c.votes[0])
def test_no_wrong_decision_where_numbers_differ(case: Case) -> None:
    assert judge(case, *decide(case)) != "wrong"
