"""List pages: aligning volunteers' rows and reconciling them row by row (alignment)."""

from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from crowdcat.services.reconciliation.alignment import ListResult, align, reconcile_list
from crowdcat.services.reconciliation.voting import FieldRule, Rules, Vote

# The columns of a 卷內文件目錄 row, under a header of 全宗號 / 目錄號 / 案卷號.
HEADER = ("全宗號", "目錄號", "案卷號")
ROW = ("順序號", "文號", "責任者", "題名", "日期", "頁數", "備註")
RULES = Rules(
    tuple(FieldRule(key, "text") for key in HEADER) + (
        FieldRule("順序號", "integer"), FieldRule("文號", "text"), FieldRule("責任者", "text"),
        FieldRule("題名", "long_text"), FieldRule("日期", "date"), FieldRule("頁數", "integer"),
        FieldRule("備註", "text"),
    ),
    agree=2, maximum=5,
)
TITLES = [
    "呈報本縣田賦徵收情形", "令發戶口調查表式", "函送保甲編查清冊", "呈請撥發修路經費", "電告匪情",
    "報告學校概況", "為禁止私宰耕牛事佈告", "奉令辦理兵役登記", "請核發教員薪津",
    "檢送會議紀錄一份",
    "關於米價平抑辦法", "轉飭各區防疫注意事項", "呈覆縣長交辦案件", "通知召開鄉鎮長會議",
    "准函查詢礦產登記", "抄發修正稅則", "具報水災損失", "請頒發獎狀",
    "Report on the land tax collection", "Order on the household census forms",
    "Petition for road repair funds", "Telegram on bandit activity",
]
HEAD = {"全宗號": "L002", "目錄號": "001", "案卷號": "0276"}


def row(number: int, title: str, *, keyed_number: bool = True) -> dict[str, str]:
    """One row of a list as a volunteer keys it."""
    return {
        "順序號": str(number) if keyed_number else "", "文號": f"秘字第{100 + number}號",
        "責任者": "湖北省政府", "題名": title, "日期": f"民國三十七年五月{number}日",
        "頁數": str(number + 1), "備註": "",
    }


def listing(titles: list[str], *, keyed_number: bool = True) -> list[dict[str, str]]:
    """A whole list, numbered 1..n."""
    return [row(n, t, keyed_number=keyed_number) for n, t in enumerate(titles, start=1)]


def run(rows_by_voter: dict[str, list[dict[str, str]]]) -> ListResult:
    """Reconcile one list page whose volunteers all keyed the same header."""
    return reconcile_list(
        RULES,
        [Vote(voter, HEAD) for voter in rows_by_voter],
        [(voter, rows, 1.0) for voter, rows in rows_by_voter.items()],
        sequence_key="順序號", title_key="題名", row_keys=ROW,
    )


def values(result: ListResult) -> list[dict[str, str | None]]:
    """The decided value of each row's fields."""
    return [{k: f.value for k, f in r.fields.items()} for r in result.rows]


def test_three_equal_lists_give_one_done_entry_per_row() -> None:
    rows = listing(TITLES[:12])
    result = run({"a": rows, "b": rows, "c": rows})
    assert result.verdict == "done" and result.row_count_agreed
    assert result.row_counts == [12, 12, 12]
    assert [r["題名"] for r in values(result)] == TITLES[:12]
    assert result.header.fields["案卷號"].value == "0276"
    assert "題名" not in result.header.fields and "全宗號" not in result.rows[0].fields


def test_a_skipped_row_is_decided_by_the_two_who_keyed_it() -> None:
    full = listing(TITLES[:10], keyed_number=False)
    skipped = full[:4] + full[5:]
    result = run({"a": full, "b": skipped, "c": full})
    assert result.verdict == "done" and result.row_counts == [10, 9, 10]
    assert [r["題名"] for r in values(result)] == TITLES[:10]
    assert result.rows[4].submissions == 2 and result.row_voters[4] == ("a", "c")
    assert all(r.fields["題名"].status == "unanimous" for r in result.rows)


def test_an_extra_row_of_one_volunteer_is_set_aside() -> None:
    full = listing(TITLES[:8])
    extra = full[:3] + [row(4, "Notice on cattle slaughter ban")] + [
        dict(r, 順序號=str(int(r["順序號"]) + 1)) for r in full[3:]
    ]
    result = run({"a": full, "b": full, "c": extra})
    assert result.verdict == "done"
    assert len(result.rows) == 8 and len(result.set_aside) == 1
    assert result.set_aside[0].fields["題名"].value is None  # one vote decides nothing


def test_disagreeing_on_the_row_count_asks_for_another_volunteer() -> None:
    full = listing(TITLES[:6], keyed_number=False)
    result = run({"a": full, "b": full[:5]})
    assert not result.row_count_agreed and result.verdict == "needs_more"
    assert result.rows[5].verdict == "needs_more"
    fourth = run({"a": full, "b": full[:5], "c": full})
    assert fourth.verdict == "done" and fourth.row_count_agreed


def test_at_the_maximum_a_row_count_disagreement_goes_to_review() -> None:
    full = listing(TITLES[:6], keyed_number=False)
    result = run({"a": full, "b": full[:5], "c": full[:4], "d": full[:3], "e": full[:2]})
    assert result.verdict == "conflict" and not result.row_count_agreed


def test_sequence_numbers_align_rows_whatever_their_titles() -> None:
    a = listing(["呈文", "令", "函"])
    b = listing(["代電", "訓令", "公函"])
    assert align([a, b], sequence_key="順序號", title_key="題名", normalize=str.strip) == [
        [0, 0], [1, 1], [2, 2],
    ]
    # Keyed out of order, or with 10 after 9: natural order of the numbers.
    shuffled = [dict(row(n, "t"), 順序號=s) for n, s in ((1, "10"), (2, "9"), (3, "2"))]
    assert align([shuffled], sequence_key="順序號", title_key="題名", normalize=str.strip) == [
        [2], [1], [0],
    ]


def test_a_typo_in_a_title_keeps_rows_in_place_and_is_reconciled() -> None:
    a = listing(TITLES[:5], keyed_number=False)
    b = [dict(r) for r in a]
    b[2]["題名"] = "函送保甲編查清册"  # 冊/册
    result = run({"a": a, "b": b, "c": a})
    assert result.verdict == "done" and result.rows[2].fields["題名"].value == "函送保甲編查清冊"


def test_result_survives_a_round_trip_through_json() -> None:
    full = listing(TITLES[:4])
    result = run({"a": full, "b": full[:3], "c": full + [row(5, "具報水災損失")]})
    assert ListResult.from_dict(result.to_dict()) == result


# -- properties ------------------------------------------------------------------------------

title_lists = st.lists(st.sampled_from(TITLES), min_size=1, max_size=12, unique=True)


@st.composite
def typo(draw: st.DrawFn, title: str) -> str:
    """A title with at most one character changed (most often none)."""
    if len(title) < 6 or not draw(st.booleans()):
        return title
    at = draw(st.integers(0, len(title) - 1))
    return title[:at] + draw(st.sampled_from("之乎者也X")) + title[at + 1:]


@st.composite
def page_with_a_missed_row(draw: st.DrawFn) -> tuple[list[list[dict[str, str]]], int, int]:
    """Three volunteers' lists (titles with typos, no 順序號); one of them missed one row."""
    titles = draw(title_lists.filter(lambda t: len(t) >= 2))
    keyed = [
        [row(n, draw(typo(t)), keyed_number=False) for n, t in enumerate(titles, start=1)]
        for _ in range(3)
    ]
    who, missed = draw(st.integers(0, 2)), draw(st.integers(0, len(titles) - 1))
    del keyed[who][missed]
    return keyed, who, missed


@settings(max_examples=150, deadline=None)
@given(page_with_a_missed_row())
def test_a_volunteer_who_missed_one_row_does_not_shift_the_others(
    page: tuple[list[list[dict[str, str]]], int, int],
) -> None:
    keyed, who, missed = page
    groups = align(keyed, sequence_key="順序號", title_key="題名", normalize=str.strip)
    others = [v for v in range(3) if v != who]
    assert len(groups) == len(keyed[others[0]])
    for position, group in enumerate(groups):
        assert all(group[v] == position for v in others)
        expected = None if position == missed else position - (position > missed)
        assert group[who] == expected


@settings(max_examples=100, deadline=None)
@given(title_lists, st.booleans(), st.integers(2, 4))
def test_equal_lists_give_their_own_rows_in_their_own_order(
    titles: list[str], keyed_number: bool, volunteers: int
) -> None:
    rows = listing(titles, keyed_number=keyed_number)
    result = run({f"v{i}": [dict(r) for r in rows] for i in range(volunteers)})
    assert result.verdict == "done"
    assert [r["題名"] for r in values(result)] == titles
    assert all(f.status in ("unanimous", "blank") for r in result.rows for f in r.fields.values())


@st.composite
def pages(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    """Up to four volunteers' lists of one page: typos, missed and extra rows, maybe no 順序號."""
    titles = draw(title_lists)
    keyed_number = draw(st.booleans())
    by_voter = {}
    for voter in draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True)):
        rows = [row(n, draw(typo(t)), keyed_number=keyed_number)
                for n, t in enumerate(titles, start=1)]
        if rows and draw(st.booleans()):
            del rows[draw(st.integers(0, len(rows) - 1))]
        if draw(st.booleans()):
            at = draw(st.integers(0, len(rows)))
            rows.insert(at, row(len(titles) + 1, "Notice on cattle slaughter ban",
                                keyed_number=keyed_number))
        by_voter[voter] = rows
    return by_voter


@settings(max_examples=150, deadline=None)
@given(pages(), st.randoms(use_true_random=False))
def test_the_order_of_the_volunteers_never_changes_the_result(
    page: dict[str, list[dict[str, str]]], random: Random
) -> None:
    voters = list(page)
    random.shuffle(voters)
    shuffled = run({voter: page[voter] for voter in voters})
    first = run(page)
    assert shuffled.verdict == first.verdict
    assert [r.to_dict() for r in shuffled.rows] == [r.to_dict() for r in first.rows]
    assert shuffled.row_voters == first.row_voters
    assert sorted(shuffled.row_counts) == sorted(first.row_counts)


@settings(max_examples=150, deadline=None)
@given(pages())
def test_a_volunteer_who_keys_the_winning_rows_never_undecides_a_row(
    page: dict[str, list[dict[str, str]]],
) -> None:
    before = run(page)
    decided = [i for i, r in enumerate(before.rows)
               if r.verdict == "done" and len(before.row_voters[i]) >= 2]
    winners = [{k: f.value or "" for k, f in before.rows[i].fields.items()} for i in decided]
    after = run({**page, "z": winners})
    after_decided = [
        {k: f.value or "" for k, f in r.fields.items()} for r in after.rows if r.verdict == "done"
    ]
    for values_before in winners:
        assert values_before in after_decided
    if before.verdict == "done":
        assert after.verdict == "done"
