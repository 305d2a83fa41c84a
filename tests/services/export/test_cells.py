"""Cell conversions of the export (pure: no database)."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from crowdcat.services.export.cells import (
    ReferenceFormat,
    date_json,
    integer_json,
    neutralize,
    neutralize_integer,
    timestamp,
    unneutralize,
)
from crowdcat.services.export.references import compose_reference


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r a題𠀀"), max_size=6) | st.text())
def test_neutralizing_is_undone_exactly(value):
    assert unneutralize(neutralize(value)) == value


@given(st.text())
def test_a_neutralized_value_never_starts_a_formula(value):
    assert neutralize(value)[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_what_is_neutralized():
    assert neutralize("=SUM(A1)") == "'=SUM(A1)"
    assert neutralize("\t=1") == "'\t=1"
    assert neutralize("'=1") == "''=1"
    assert neutralize("'quoted") == "'quoted"
    assert neutralize("題名 = x") == "題名 = x"
    assert neutralize("") == "" and neutralize(None) is None


def test_integer_columns_keep_numbers():
    assert neutralize_integer("-12") == "-12"
    assert neutralize_integer("12") == "12"
    assert neutralize_integer("-1+2") == "'-1+2"


def test_json_types():
    assert integer_json("12") == 12 and integer_json("-3") == -3
    assert integer_json("十二") == 12 and integer_json("１２") == 12
    assert integer_json("約十頁") == "約十頁" and integer_json("") is None
    assert date_json("民國三十七年五月") == {"value": "民國三十七年五月", "iso": "1948-05",
                                             "precision": "month"}
    assert date_json("") is None


def test_timestamps_carry_the_offset_of_the_zone():
    when = datetime(2026, 3, 1, 16, 30, 5, 123, tzinfo=UTC)
    assert timestamp(when, ZoneInfo("Asia/Shanghai")) == "2026-03-02T00:30:05+08:00"
    assert timestamp(None, UTC) == ""


@given(st.lists(st.sampled_from(["", " ", "J001", " 7 ", "{x}", "甲"]), min_size=4, max_size=4))
def test_reference_format_composes_like_compose_reference(parts):
    for fmt in ("{fonds_no}-{catalog_no}-{volume_no}-{item_no}", "{{{fonds_no}}}/{item_no:>5}",
                "全宗{fonds_no}卷{volume_no}{fonds_no}"):
        values = dict(zip(("fonds_no", "catalog_no", "volume_no", "item_no"), parts, strict=True))
        reference = ReferenceFormat(fmt)
        composed = reference.compose_stripped([values[n].strip() for n in reference.names])
        assert composed == compose_reference(fmt, values)
