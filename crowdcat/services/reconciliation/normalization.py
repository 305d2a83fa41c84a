"""Chinese-aware equality keys for catalog values, and the numeral and date parsers behind them.

Normalization only decides whether two typed values are *the same*; the value shown to
reviewers and exported is always an original spelling (see ``reconcile``).

Punctuation table (applied after Unicode NFKC, which already turns full-width ，：；（）［］！？．
and full-width digits and letters into their ASCII forms):

====================================  ======  =================================================
typed                                 key     why
====================================  ======  =================================================
、 ﹑ ､ (enumeration comma)            ``,``   volunteers type 、 and ， interchangeably in lists
。 ｡ ． (full stops)                  ``.``   one mark, typed in either width
「」『』“”„‟〝〞                       ``"``   quotation marks differ only by keyboard/locale
‘’‚‛                                  ``'``
【】〔〕〖〗〘〙 ［］                    ``[]``  a supplied title is bracketed; brackets are kept
—  –  ―  ‒  −  ⸺  ⸻  ‐                ``-``   dashes in numbers and ranges (so —— becomes --)
〜 ～                                  ``~``   wave dash and full-width tilde are one mark
⋯ …                                   ``...``
・ ‧ ∙ ⋅                               ``·``   the interpunct in transliterated foreign names
zero-width spaces, soft hyphen        (none)  invisible characters pasted from other software
====================================  ======  =================================================

Book-title marks 《》〈〉 are left alone: they carry meaning and have no ASCII twin.
White space is trimmed and collapsed (U+3000 included), and a space next to a CJK character is
dropped, because Chinese does not separate words: 民國 37 年 and 民國37年 are one value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol

from crowdcat.services.reconciliation.variants import fold_forms as _fold_forms

if TYPE_CHECKING:
    import opencc

Precision = Literal["year", "month", "day"]

_PUNCTUATION = str.maketrans(
    {
        "、": ",",
        "。": ".",
        **dict.fromkeys("「」『』“”„‟〝〞", '"'),
        **dict.fromkeys("‘’‚‛", "'"),
        **dict.fromkeys("【〔〖〘", "["),
        **dict.fromkeys("】〕〗〙", "]"),
        **dict.fromkeys("‐‒–—―−⸺⸻", "-"),
        "〜": "~",
        "⋯": "...",
        **dict.fromkeys("・‧∙⋅", "·"),
    }
)
# str.translate with a dict costs ~80 ns a character; a regex search is ~10x cheaper when there
# is nothing to replace, which is nearly always.
_HAS_PUNCTUATION = re.compile("[" + "".join(re.escape(chr(c)) for c in _PUNCTUATION) + "]")
# Removed before NFKC so that a base letter and a combining mark they separated compose.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CJK = (
    "\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_SPACE_BY_CJK = re.compile(f" (?=[{_CJK}])|(?<=[{_CJK}]) ")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    """Create the Traditional-to-Simplified converter once, on first use (it loads dictionaries)."""
    import opencc

    return opencc.OpenCC("t2s")


def _normalize_once(value: str, fold_variants: bool, fold_forms: bool = False) -> str:
    """Run the normalization pipeline a single time."""
    if value.isascii():
        # Fast path: NFKC, the punctuation table and CJK spacing cannot change ASCII text.
        return " ".join(value.lower().split())
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", value))
    if fold_forms:
        text = _fold_forms(text)
    if fold_variants:
        text = _t2s().convert(text)
    text = unicodedata.normalize("NFKC", text.casefold())
    if _HAS_PUNCTUATION.search(text):
        text = text.translate(_PUNCTUATION)
    text = " ".join(text.split())
    if " " in text:
        text = _SPACE_BY_CJK.sub("", text)
    return text


def normalize_text(value: str, *, fold_variants: bool = False, fold_forms: bool = False) -> str:
    """Return the equality key of a short or long text value; ``fold_variants`` folds
    Traditional to Simplified, ``fold_forms`` variant forms of one character (``variants``)."""
    text = _normalize_once(value, fold_variants, fold_forms)
    # Casefolding, NFKC and OpenCC can each re-enable another step in rare cases (a combining
    # mark meeting a new base, a converted character with a compatibility form); iterate to
    # a fixed point so that the key is idempotent.
    for _ in range(3):
        if text.isascii() or (not fold_variants and unicodedata.is_normalized("NFKC", text)):
            break
        again = _normalize_once(text, fold_variants, fold_forms)
        if again == text:
            break
        text = again
    return text


# --- Chinese numerals -------------------------------------------------------------------------

_DIGITS = {
    **dict.fromkeys("〇零○", 0),
    **dict.fromkeys("一壹弌", 1),
    **dict.fromkeys("二貳贰弍兩两", 2),
    **dict.fromkeys("三參叁参叄弎", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陸陆", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}
_UNITS = {**dict.fromkeys("十拾", 10), **dict.fromkeys("百佰", 100), **dict.fromkeys("千仟", 1000)}
_TENS = {**dict.fromkeys("廿卄", 20), "卅": 30, "卌": 40}
_MYRIADS = {**dict.fromkeys("萬万", 10_000), **dict.fromkeys("億亿", 100_000_000)}
_NUMERAL_CHARS = "".join([*_DIGITS, *_UNITS, *_TENS, *_MYRIADS])
_NUMERAL = f"[0-9{_NUMERAL_CHARS}]+"
# 共12頁, 計十二張, 第3件: counting words around a number do not change it.
_INTEGER = re.compile(
    rf"(?:共計|共计|共|計|计|第)?(?P<n>{_NUMERAL}|\d{{1,3}}(?:,\d{{3}})+)"
    r"(?:頁|页|張|张|葉|叶|面|件|份|冊|册|卷|號|号)?"
)


@lru_cache(maxsize=4096)  # the same few numerals (三十七, 五, 十) recur in every date
def _parse_chinese_numeral(text: str) -> int | None:
    """Read a Chinese numeral: positional (一九四八) or with units (三十七, 廿一, 一百零五)."""
    if all(ch in _DIGITS for ch in text):
        # Years and numbers are often written digit by digit: 一九四八, 三七.
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total = section = 0
    digit: int | None = None
    last_unit = last_myriad = 10**12
    zero = False
    for ch in text:
        if ch in _DIGITS:
            if _DIGITS[ch] == 0:
                if digit is not None:
                    return None
                zero = True
            elif digit is not None:
                return None
            else:
                digit = _DIGITS[ch]
        elif ch in _UNITS or ch in _TENS:
            if ch in _TENS:
                if digit is not None:
                    return None
                unit, amount = 10, _TENS[ch]
            else:
                unit = _UNITS[ch]
                if digit is None and unit != 10:
                    return None
                amount = (1 if digit is None else digit) * unit  # 十一 = 11
            if unit >= last_unit:
                return None
            section += amount
            last_unit, digit, zero = unit, None, False
        elif ch in _MYRIADS:
            myriad = _MYRIADS[ch]
            section += digit or 0
            if section == 0 or myriad >= last_myriad:
                return None
            total += section * myriad
            section, digit, zero = 0, None, False
            last_unit, last_myriad = 10**12, myriad
        else:
            return None
    if digit is not None:
        # Colloquial abbreviation: 一百五 = 150, 一千二 = 1200, 一萬五 = 15000 (not after 零).
        if not zero and 100 <= last_unit < 10**12:
            digit *= last_unit // 10
        elif not zero and last_unit == 10**12 and last_myriad < 10**12:
            digit *= last_myriad // 10
        section += digit
    return total + section


def parse_integer(text: str) -> int | None:
    """Read a non-negative integer typed in Arabic, full-width or Chinese numerals, else None."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    match = _INTEGER.fullmatch(compact)
    if match is None:
        return None
    number = match["n"]
    if number.isascii():
        return int(number.replace(",", ""))
    return _parse_chinese_numeral(number)


# --- dates --------------------------------------------------------------------------------------


class ParsedDate(NamedTuple):
    """A date read from typed text: ISO 8601 at the precision that was typed."""

    iso: str
    precision: Precision


_ERA = r"(?P<era>中華民國|中华民国|民國|民国)"
_CJK_DATE = re.compile(
    rf"(?:公元|西元)?{_ERA}?(?P<y>元|{_NUMERAL})年"
    rf"(?:(?P<m>{_NUMERAL})月(?:(?P<d>{_NUMERAL})[日號号]?)?)?"
)
_SEPARATED_DATE = re.compile(
    rf"{_ERA}?(?P<y>\d{{1,4}})(?:(?P<sep>[./-])(?P<m>\d{{1,2}})(?:(?P=sep)(?P<d>\d{{1,2}}))?)?"
)
_COMPACT_DATE = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?")
_ROC_OFFSET = 1911  # 民國元年 = 1912
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _date_part(text: str | None) -> int | None:
    """Read one numeric part of a date (year, month or day)."""
    if text is None:
        return None
    return int(text) if text.isascii() else _parse_chinese_numeral(text)


def _build_date(
    year: int | None, month: int | None, day: int | None, roc: bool
) -> ParsedDate | None:
    """Validate the parts and return the ISO form at the typed precision."""
    if year is None:
        return None
    if roc:
        if not 1 <= year <= 200:
            return None
        year += _ROC_OFFSET
    if not 1000 <= year <= 2999:
        return None
    if month is None:
        return ParsedDate(f"{year:04d}", "year")
    if not 1 <= month <= 12:
        return None
    if day is None:
        return ParsedDate(f"{year:04d}-{month:02d}", "month")
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= day <= (29 if month == 2 and leap else _MONTH_DAYS[month]):
        return None
    return ParsedDate(f"{year:04d}-{month:02d}-{day:02d}", "day")


def parse_date(text: str) -> ParsedDate | None:
    """Read a Gregorian or Republic-era (民國) date at year, month or day precision, else None."""
    if text.isascii():
        # Fast path: 1948-05-10, 1948.5.10, 19480510 need neither NFKC nor the CJK pattern.
        compact = "".join(text.split())
        match = _SEPARATED_DATE.fullmatch(compact) or _COMPACT_DATE.fullmatch(compact)
        if match is None:
            return None
        return _build_date(
            _date_part(match["y"]), _date_part(match["m"]), _date_part(match["d"]), False
        )
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    if _HAS_PUNCTUATION.search(compact):
        compact = compact.translate(_PUNCTUATION)
    if match := _CJK_DATE.fullmatch(compact):
        roc = match["era"] is not None
        if match["y"] == "元":
            if not roc:
                return None
            year: int | None = 1
        else:
            year = _date_part(match["y"])
            # Republic-era documents often drop 民國: 卅七年五月十日 is 民國三十七年. A Gregorian
            # year is never written with fewer than three digits, so a short year is a ROC year.
            roc = roc or (year is not None and year < 100)
        return _build_date(year, _date_part(match["m"]), _date_part(match["d"]), roc)
    match = _SEPARATED_DATE.fullmatch(compact) or _COMPACT_DATE.fullmatch(compact)
    if match is None:
        return None
    roc = match.re is _SEPARATED_DATE and match["era"] is not None
    return _build_date(_date_part(match["y"]), _date_part(match["m"]), _date_part(match["d"]), roc)


# --- per-kind keys ------------------------------------------------------------------------------


def _blank_form(key: str) -> str:
    """A key as compared with blank words: surrounding brackets and a final stop ignored."""
    return key.strip("()[]\"' ").rstrip(".") if key else key


@lru_cache(maxsize=256)  # shared by every FieldRule with the same settings, so caches survive
def make_normalizer(
    kind: str,
    fold_variants: bool = False,
    blank_values: tuple[str, ...] = (),
    choices: tuple[str, ...] = (),
    fold_forms: bool = False,
) -> Callable[[str], tuple[str, bool]]:
    """Build a cached ``value -> (key, flagged)`` function for one field's settings."""

    def text_key(value: str) -> str:
        """The field's text key of a value."""
        return normalize_text(value, fold_variants=fold_variants, fold_forms=fold_forms)

    blank_keys = frozenset(_blank_form(text_key(w)) for w in blank_values) - {""}
    allowed = frozenset(unicodedata.normalize("NFKC", choice).strip() for choice in choices)

    # One bounded cache per field: values repeat within a field (dates, creators, page counts),
    # and a one-argument cache key is much cheaper to hash than the field's whole settings.
    # Dates get more room: 38 Republic years x 365 days x several spellings is ~10^5 strings.
    @lru_cache(maxsize=131072 if kind == "date" else 16384)
    def normalizer(value: str) -> tuple[str, bool]:
        """Return (equality key, flagged); the key of a blank value is ""."""
        if not value or value.isspace():
            return "", False
        if blank_keys and _blank_form(text_key(value)) in blank_keys:
            return "", False
        if kind == "select":
            key = unicodedata.normalize("NFKC", value).strip()
            return key, bool(allowed) and key not in allowed
        if kind == "integer":
            number = parse_integer(value)
            if number is not None:
                return str(number), False
        elif kind == "date":
            date = parse_date(value)
            if date is not None:
                return date.iso, False
        # An integer or date that could not be read is compared as text and flagged for review.
        return text_key(value), kind in ("integer", "date")

    return normalizer


class Normalizing(Protocol):
    """Anything with a field's normalizer (a reconciliation FieldRule)."""

    normalizer: Callable[[str], tuple[str, bool]]


def normalize_value(value: str | None, rule: Normalizing) -> tuple[str, bool]:
    """Return (equality key, flagged) for a typed value; the key of a blank value is ""."""
    return rule.normalizer(value or "")


def precision_of(iso: str) -> Precision:
    """Return the precision of an ISO date key produced by ``parse_date``."""
    return "year" if len(iso) == 4 else "month" if len(iso) == 7 else "day"
