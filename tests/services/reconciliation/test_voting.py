"""Voting: groups, statuses, page verdicts, fuzzy long text, weights, and serialization."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crowdcat.services.reconciliation.voting import (
    FieldRule,
    PageResult,
    Rules,
    Vote,
    reconcile,
    weights_from_history,
)

TITLE = FieldRule("title", "text")
DATE = FieldRule("date", "date")
PAGES = FieldRule("pages", "integer")
NOTES = FieldRule("notes", "long_text", fuzzy_threshold=85, blank_values=("無", "不詳"))
LEVEL = FieldRule("classification", "select", choices=("機密", "秘密", "普通"))
CREATOR = FieldRule("creator", "text", fold_variants=True)
SUBJECT = FieldRule("subject", "text", fold_variants=True, contain=True)
LOCALITY = FieldRule("locality", "long_text", fuzzy_threshold=85, blank_values=("unknown",))
RULES = Rules((TITLE, DATE, PAGES, NOTES, LEVEL, CREATOR, SUBJECT, LOCALITY), agree=2, maximum=5)


def votes(*rows: dict[str, str]) -> list[Vote]:
    """Make votes from value dicts, voters v1, v2, ..."""
    return [Vote(f"v{i}", row) for i, row in enumerate(rows, start=1)]


def one_field(rule: FieldRule, *values: str, agree: int = 2, maximum: int = 5):
    """Reconcile a single field typed as ``values`` by successive volunteers."""
    result = reconcile(Rules((rule,), agree, maximum), votes(*({rule.key: v} for v in values)))
    return result, result.fields[rule.key]


def test_dates_typed_differently_are_unanimous_and_show_the_commonest_spelling() -> None:
    page, date = one_field(
        DATE, "民國三十七年五月十日", "民國37年5月10日", "1948.5.10", "民國37年5月10日"
    )
    assert (date.status, date.value, date.normalized, date.precision) == (
        "unanimous",
        "民國37年5月10日",
        "1948-05-10",
        "day",
    )
    assert date.groups[0].spellings == {
        "民國37年5月10日": 2,
        "1948.5.10": 1,
        "民國三十七年五月十日": 1,
    }
    assert page.verdict == "done"


def test_dates_of_different_precision_do_not_agree() -> None:
    _, date = one_field(DATE, "民國三十七年五月", "1948-05-10")
    assert date.status == "conflict"


def test_two_of_three_is_a_majority() -> None:
    page, title = one_field(TITLE, "關於徵收田賦的呈", "關於徵收田賦的呈", "關於徵收田租的呈")
    assert (title.status, title.value, page.verdict) == ("majority", "關於徵收田賦的呈", "done")
    assert [g.votes for g in title.groups] == [2, 1]
    assert title.groups[0].voters == ("v1", "v2")


def test_one_submission_needs_more_and_a_tie_is_a_conflict() -> None:
    page, title = one_field(TITLE, "訓令")
    assert (title.status, title.value, page.verdict) == ("conflict", None, "needs_more")
    page, title = one_field(TITLE, "訓令", "訓令", "呈", "呈")
    assert (title.status, page.verdict) == ("conflict", "needs_more")
    page, title = one_field(TITLE, "訓令", "訓令", "呈", "呈", "代電")
    assert (title.status, page.verdict) == ("conflict", "conflict")


def test_agree_one_accepts_a_single_submission() -> None:
    page, title = one_field(TITLE, "訓令", agree=1, maximum=1)
    assert (title.status, page.verdict) == ("unanimous", "done")


def test_punctuation_width_and_brackets() -> None:
    _, title = one_field(TITLE, "關於「田賦」的呈，附件", '關於"田賦"的呈,附件')
    assert title.status == "unanimous"
    _, title = one_field(TITLE, "[會議記錄]", "會議記錄")
    assert title.status == "conflict"
    _, pages = one_field(PAGES, "１２", "十二", "共12頁")
    assert (pages.status, pages.normalized) == ("unanimous", "12")


def test_traditional_simplified_folding_is_per_field() -> None:
    _, title = one_field(TITLE, "檔案館", "档案馆")
    assert title.status == "conflict"
    _, creator = one_field(CREATOR, "廣東省政府", "广东省政府")
    assert creator.status == "unanimous"


def test_blank_words_vote_as_blank() -> None:
    _, notes = one_field(NOTES, "無", "", "不詳")
    assert (notes.status, notes.value, notes.normalized) == ("blank", None, None)
    page = reconcile(RULES, votes({"title": "呈"}, {"title": "呈"}))
    assert page.fields["notes"].status == "blank"
    assert page.verdict == "done"


def test_blank_against_a_value() -> None:
    # Two blanks do not silently drop a typed value: the page asks for another volunteer.
    page, notes = one_field(NOTES, "", "附清冊一份", "")
    assert (notes.status, notes.how, page.verdict) == ("conflict", "undecided 2/3", "needs_more")
    page, notes = one_field(NOTES, "", "附清冊一份", "", "")
    assert (notes.status, notes.how) == ("blank", "exact 3/4")
    _, notes = one_field(NOTES, "", "附清冊一份")
    assert notes.status == "conflict"
    # ... unless the lone value is one of the field's blank words.
    _, notes = one_field(NOTES, "", "不詳", "")
    assert (notes.status, notes.how) == ("blank", "blank_words 3/3")


def test_select_is_exact_and_flags_unlisted_choices() -> None:
    _, level = one_field(LEVEL, "機密", "机密")
    assert level.status == "conflict"
    _, level = one_field(LEVEL, "絕密", "絕密")
    assert (level.status, level.flagged) == ("unanimous", True)


def test_unreadable_dates_are_compared_as_text_and_flagged() -> None:
    _, date = one_field(DATE, "民國37年夏", "民國37年夏", "1948")
    assert (date.status, date.value, date.flagged, date.precision) == (
        "majority",
        "民國37年夏",
        True,
        None,
    )


def test_fuzzy_long_text_groups_near_equal_notes() -> None:
    note = "本件附有民國三十七年度田賦徵實清冊一份，另附收據三張"
    typo = "本件附有民國三十七年度田賦徵實清册一份，另附收据三張"
    other = "本件係抄件"
    _, notes = one_field(NOTES, note, typo, other)
    assert (notes.status, notes.value) == ("majority", note if note < typo else typo)
    assert notes.groups[0].spellings == {note: 1, typo: 1}
    strict = FieldRule("notes", "long_text", fuzzy_threshold=100)
    _, notes = one_field(strict, note, typo, other)
    assert notes.status == "conflict"


def test_weights_break_ties_but_cannot_decide_alone() -> None:
    rules = Rules((TITLE,), agree=2, maximum=5)
    tie = [Vote("a", {"title": "呈"}, 1.2), Vote("b", {"title": "呈"}, 1.0)]
    tie += [Vote("c", {"title": "令"}, 0.5), Vote("d", {"title": "令"}, 0.6)]
    assert reconcile(rules, tie).fields["title"].value == "呈"
    alone = [Vote("a", {"title": "呈"}, 1.25), Vote("b", {"title": "令"}, 0.3)]
    assert reconcile(rules, alone).fields["title"].status == "conflict"


def test_weights_from_history() -> None:
    assert weights_from_history(0, 0) == 1.0
    assert weights_from_history(100, 100) > weights_from_history(90, 100) > 1.0
    assert 0 < weights_from_history(0, 100) < 0.1
    assert weights_from_history(10**6, 10**6) <= 1.25
    with pytest.raises(ValueError):
        weights_from_history(5, 3)


def test_from_options_reads_fieldspec_options() -> None:
    rule = FieldRule.from_options(
        "notes",
        "long_text",
        {"fuzzy_threshold": 80, "blank_values": ["無"], "fold_variants": True, "label": "附註"},
    )
    assert rule == FieldRule("notes", "long_text", True, 80, ("無",), ())
    with pytest.raises(ValueError, match="unknown field kind"):
        FieldRule.from_options("x", "number", {})
    with pytest.raises(ValueError, match="choices"):
        FieldRule.from_options("x", "select", {"choices": "機密"})
    with pytest.raises(ValueError):
        Rules((TITLE,), agree=3, maximum=2)
    with pytest.raises(ValueError, match="unique"):
        Rules((TITLE, TITLE))
    with pytest.raises(ValueError, match="positive"):
        Vote("v1", {}, weight=0.0)


def test_round_trip_through_json() -> None:
    page = reconcile(
        RULES, votes({"title": "呈", "date": "民國元年"}, {"title": "呈", "pages": "三"})
    )
    data = json.loads(json.dumps(page.to_dict(), ensure_ascii=False))
    assert PageResult.from_dict(data) == page
    assert set(data) == {"verdict", "submissions", "fields"}
    assert set(data["fields"]["date"]) == {
        "key",
        "value",
        "status",
        "normalized",
        "precision",
        "flagged",
        "groups",
        "how",
    }
    assert data["fields"]["title"]["how"] == "exact 2/2"
    # A record stored before "how" existed still reads.
    del data["fields"]["title"]["how"]
    assert PageResult.from_dict(data).fields["title"].how is None


# --- properties ---------------------------------------------------------------------------------

VALUES = {
    "title": ["呈", "呈。", "訓令", "[訓令]", "代電", "", "檔案", "档案"],
    "date": ["民國37年5月10日", "1948.5.10", "民國三十七年五月", "1948", "夏", ""],
    "pages": ["3", "三", "共3頁", "十二", "12", "幾", ""],
    "notes": ["附清冊一份", "附清册一份", "附收據三張", "無", "", "本件係抄件，字跡模糊"],
    "classification": ["機密", "秘密", "普通", "机密", ""],
    "creator": ["廣東省政府", "广东省政府", "省政府", ""],
    "subject": ["關於辦理戶口普查的代電", "辦理戶口普查代電", "辦理戶口普查、登記代電",
                "辦理戶口普查 登記代電", "關於辦理戶口普查的代電附件", "戶口普查", ""],
    "locality": ["Burned oak scrub, plot 7", "Burned oak scrub", "Burned oak scrub, plot 1",
                 "Burned oak scrub plot 7", "Burnt oak scrub, plot 7", "unknown", "",
                 "N 29.4769, W 86.6196", "N 24.4769, W 87.6196", "N 29.4769, W 86.6196 sand"],
}
vote_values = st.fixed_dictionaries(
    {key: st.sampled_from(options) for key, options in VALUES.items()}
)
weights = st.sampled_from([1.0, 1.0, 0.5, 1.2, 0.8])
vote_lists = st.lists(st.tuples(vote_values, weights), min_size=0, max_size=6).map(
    lambda rows: [Vote(f"v{i}", values, weight) for i, (values, weight) in enumerate(rows)]
)


@settings(max_examples=150, deadline=None)
@given(vote_lists, st.randoms(use_true_random=False))
def test_submission_order_never_changes_the_result(page_votes: list[Vote], rnd) -> None:
    shuffled = list(page_votes)
    rnd.shuffle(shuffled)
    assert reconcile(RULES, shuffled).to_dict() == reconcile(RULES, page_votes).to_dict()


@settings(max_examples=100, deadline=None)
@given(vote_values, st.integers(min_value=2, max_value=5))
def test_identical_submissions_are_unanimous(values: dict[str, str], n: int) -> None:
    page = reconcile(RULES, [Vote(f"v{i}", values) for i in range(n)])
    assert page.verdict == "done"
    for result in page.fields.values():
        assert result.status in ("unanimous", "blank")


@settings(max_examples=150, deadline=None)
@given(vote_lists)
def test_a_vote_for_the_winner_never_undecides(page_votes: list[Vote]) -> None:
    before = reconcile(RULES, page_votes)
    winner = {}
    for key, result in before.fields.items():
        if result.status != "conflict" and result.groups:
            # The leading group's leader key: its most common spelling that normalizes to it.
            winner[key] = result.groups[0].value if result.status != "blank" else ""
    after = reconcile(RULES, [*page_votes, Vote("new", winner)])
    for key, result in before.fields.items():
        if result.status != "conflict":
            assert after.fields[key].status != "conflict"
            assert after.fields[key].normalized == result.normalized


def test_a_page_without_submissions_needs_more() -> None:
    page = reconcile(RULES, [])
    assert page.verdict == "needs_more"
    assert {result.status for result in page.fields.values()} == {"conflict"}
