"""Looser comparisons: loose keys, numbers, containment, similarity (Chinese and English)."""

import pytest

from crowdcat.services.reconciliation.keys import contains, loose_key, numbers, similar
from crowdcat.services.reconciliation.normalization import normalize_text


@pytest.mark.parametrize(
    "spellings",
    [
        ("J. K. Smith", "J K Smith", "J.K. Smith", "j.k.smith"),
        ("A. Li, B. Wu", "A. Li & B. Wu", "A. Li and B. Wu", "A. Li; B. Wu", "A. Li\nB. Wu"),
        ("var humilis", "var. humilis"),
        ("Smith with Jones", "Smith & Jones"),
        ("張三、李四及王五", "張三，李四，王五", "張三 李四暨王五".replace(" ", "、")),
        ("關於辦理戶口普查、登記的呈", "關於辦理戶口普查，登記的呈", "關於辦理戶口普查 登記的呈"),
        ("《申報》第三版", "《申報》 第三版。"),
        ("1-3", "1~3", "1 3"),
        ("甲及乙", "甲乙", "甲、乙"),
    ],
)
def test_loose_keys_ignore_punctuation_spaces_and_list_joiners(spellings: tuple[str, ...]) -> None:
    assert len({loose_key(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12-3", "123"),  # digits stay apart
        ("N 29.4769", "N 294769"),
        ("[會議記錄]", "會議記錄"),  # a title the cataloguer supplied
        ("《申報》", "申報"),
        ("A. Li & B. Wu", "A. Li & B. Wu & C. Ho"),
        ("Brandon", "Brand and on"),
    ],
)
def test_loose_keys_keep_what_matters(a: str, b: str) -> None:
    assert loose_key(a) != loose_key(b)


def test_loose_key_of_blank_is_empty() -> None:
    assert loose_key("") == loose_key("  ") == loose_key(" ; ,") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N 29.4769, W 86.6196", ("29", "4769", "86", "6196")),
        ("T34S R 42", ("34", "42")),
        ("民國三十七年五月十日", ("37", "5", "10")),
        ("府秘字第１２３號", ("123",)),
        ("府秘字第一二三號", ("123",)),
        ("Collector no. 038620", ("38620",)),
        ("Burned oak scrub", ()),
    ],
)
def test_numbers_read_arabic_full_width_and_chinese_numerals(
    text: str, expected: tuple[str, ...]
) -> None:
    assert numbers(normalize_text(text)) == expected


def key(text: str) -> str:
    """The normalized key, as grouping compares them."""
    return normalize_text(text)


@pytest.mark.parametrize(
    ("longer", "shorter"),
    [
        ("Burned oak scrub, plot 7", "Burned oak scrub"),
        ("Flowers yellow, in dense racemes", "Flowers yellow, in dense"),
        ("關於辦理戶口普查的代電", "辦理戶口普查代電"),
        ("為請撥經費事呈", "請撥經費呈"),
        ("關於徵收田賦的呈，附清冊一份", "關於徵收田賦的呈"),
        ("Sandy loam over granite, N 29.4769, W 86.6196", "Sandy loam over granite"),
    ],
)
def test_a_truncated_reading_is_contained(longer: str, shorter: str) -> None:
    assert contains(key(longer), key(shorter))
    assert not contains(key(shorter), key(longer))


@pytest.mark.parametrize(
    ("longer", "shorter"),
    [
        ("Township T34S R 42 E", "Township T34S R 4"),  # a number cut short is another number
        ("Plot 17 burned oak scrub", "Plot 1 burned oak scrub"),
        ("關於徵收田賦的呈", "徵收田賦"),  # 4 characters are enough ...
        ("Oak scrub, plot 7", "Oak scrub"),  # ... 9 Latin ones are not
        ("呈", "呈"),
        ("民國三十七年度徵收田賦的呈", "民國三十六年度徵收田賦"),
        ("a b c d e f g h i j k l m n", "a c e g i k m"),  # too many gaps to be a truncation
    ],
)
def test_what_is_not_contained(longer: str, shorter: str) -> None:
    if longer == "關於徵收田賦的呈":
        assert contains(key(longer), key(shorter))
        assert not contains(key(longer), key("田賦"))
    else:
        assert not contains(key(longer), key(shorter))


def test_similar_text_with_different_numbers_is_never_similar() -> None:
    a, b = key("N 29.4769, W 86.6196 sandy loam"), key("N 24.4769, W 87.6196 sandy loam")
    assert not similar(a, b, 80)
    assert similar(a, key("N 29.4769, W 86.6196 sandy loan"), 80)
    assert not similar(key("民國三十七年度田賦徵實清冊"), key("民國三十六年度田賦徵實清冊"), 80)
    assert similar(key("民國三十七年度田賦徵實清冊"), key("民國三十七年度田賦徵實清册"), 80)
