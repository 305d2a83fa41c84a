"""Invisible and direction-changing characters: which are refused, which are dropped.

One rule for all text that people or imports put into crowdcat: values keyed in the form
or sent to the API, reviewers' corrections, scan names and IIIF canvas labels, metadata CSV
cells, and the project and field settings administrators type. Such text reaches reviewers'
screens, the export CSV and the archive's own system, where a character nobody can see
can make a value read differently from what is stored (U+202E RIGHT-TO-LEFT OVERRIDE shows
``abc‮txt.exe`` as ``abcexe.txt``), split one value into two that look the same, or break
the reading program (NUL ends a PostgreSQL JSON value).

=====================================================  ===========  ==========================
characters                                             what happens why
=====================================================  ===========  ==========================
bidirectional embeddings and overrides U+202A–U+202E,  refused      they reorder what is shown:
isolates U+2066–U+2069                                              the screen lies about the text
control characters U+0000–U+001F, U+007F–U+009F        refused      invisible; some break storage
(except tab, line feed and carriage return)
other format characters (Cf): U+0600–U+0605,           refused      invisible or hidden text;
U+06DD, U+070F, U+0890–U+0891, U+08E2, U+206A–U+206F,               no use in a catalog value
U+FFF9–U+FFFB, U+E0001, tag characters U+E0020–U+E007F
outside an emoji flag sequence, and the rest
zero-width space U+200B, word joiner U+2060,           dropped      pasted along from web pages,
invisible operators U+2061–U+2064, byte order mark                  PDFs and word processors;
U+FEFF, soft hyphen U+00AD, direction marks U+200E,                 they carry nothing a
U+200F and U+061C, Mongolian vowel separator U+180E                 catalog value needs
zero-width joiner U+200D and non-joiner U+200C         kept between two visible non-ASCII
                                                       characters (emoji such as 👨‍👩‍👧, Indic and
                                                       Persian words), dropped elsewhere
tag characters U+E0020–U+E007F after 🏴 U+1F3F4,       kept         subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿)
ended by U+E007F
variation selectors U+FE00–U+FE0F, U+E0100–U+E01EF     kept         emoji presentation and CJK
                                                                    ideographic variation
                                                                    sequences (葛󠄀); not format
                                                                    characters
private-use characters                                 kept         rare characters of archives'
                                                                    own fonts
tab                                                    kept         white space (trimmed at the
                                                                    ends, collapsed for votes)
line feed                                              kept in long text; refused in a
                                                       single-line field
carriage return, CR LF, U+2028, U+2029                 one line feed in long text (browsers
                                                       send a text area's lines as CR LF);
                                                       refused in a single-line field
=====================================================  ===========  ==========================

Refused means the whole input is refused with a message that names the field and the
character (its code point and Unicode name, ``U+202E RIGHT-TO-LEFT OVERRIDE``) and nothing is
saved: the person can remove it, whereas dropping a reordering character would store a
text that reads differently from what they saw. Dropped characters are removed silently:
they cannot be seen, so nothing the person saw changes. Nearly every value contains none of
these characters, and finding that out is one search of a precompiled pattern.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l

DIRECTION = "direction"
LINE_BREAK = "line break"
INVISIBLE = "invisible"

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_DROPPED = "\u00ad\u061c\u180e\u200b\u200e\u200f\u2060-\u2064\ufeff"
_JOINERS = "\u200c\u200d"
_TAGS = "\U000e0020-\U000e007f"
_LINE_BREAKS = "\r\u2028\u2029"
# Every control (Cc), format (Cf) and line or paragraph separator (Zl, Zp) character of
# Unicode 14 (Python 3.11) except tab and line feed; tests/main/test_text_safety.py checks the
# list against the running Python's Unicode data, so a new format character is a decision.
_OTHER_FORMAT = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2"
                 "\u206a-\u206f\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
                 "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001")
_SPECIAL = f"{_BIDI_CONTROLS}{_DROPPED}{_JOINERS}{_TAGS}{_LINE_BREAKS}{_OTHER_FORMAT}"
# What a single-line value may not hold as is, and what long text may not.
_SCAN = re.compile(f"[{_SPECIAL}\n]")
_SCAN_MULTILINE = re.compile(f"[{_SPECIAL}]")
_IS_BIDI = re.compile(f"[{_BIDI_CONTROLS}]")
_IS_DROPPED = re.compile(f"[{_DROPPED}]")
_IS_TAG = re.compile(f"[{_TAGS}]")
_BLACK_FLAG = "\U0001f3f4"
_CANCEL_TAG = "\U000e007f"

# Control characters have no Unicode name; these are their standard aliases.
_C0_NAMES = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
    "ENQUIRY", "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED",
    "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN",
    "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE",
)


class Refused(ValueError):
    """Text holding a character the rule refuses; `char` is the first such character."""

    def __init__(self, char: str, kind: str) -> None:
        super().__init__(f"{describe(char)} ({kind})")
        self.char = char
        self.kind = kind

    def message(self, field: Any) -> LazyString:
        """What the person is told, naming `field` (a label, or a line and column)."""
        described = describe(self.char)
        if self.kind == DIRECTION:
            return _l("%(field)s: %(char)s is an invisible character that changes the order "
                      "in which text is shown, so it cannot be stored. Remove it and try "
                      "again.", field=field, char=described)
        if self.kind == LINE_BREAK:
            return _l("%(field)s takes a single line: remove the line break (%(char)s) and "
                      "try again.", field=field, char=described)
        return _l("%(field)s: %(char)s is an invisible control character that cannot be "
                  "stored. Remove it and try again.", field=field, char=described)


def describe(char: str) -> str:
    """A character as people can look it up: ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    code = ord(char)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    else:
        name = unicodedata.name(char, "CONTROL" if code <= 0x9F else "FORMAT CHARACTER")
    return f"U+{code:04X} {name}"


def clean(text: str, *, multiline: bool = False) -> str:
    """`text` by the rule above: dropped characters removed, line ends as line feeds.

    Raises Refused naming the first refused character. `multiline` is for long text,
    which keeps its lines; any other field takes one line.
    """
    scan = _SCAN_MULTILINE if multiline else _SCAN
    if scan.search(text) is None:
        return text
    return _clean_slowly(text, multiline)


def _clean_slowly(text: str, multiline: bool) -> str:
    """clean() once the fast search found something: character by character."""
    if multiline:
        text = text.replace("\r\n", "\n")
    kept: list[str] = []
    last = len(text) - 1
    for index, char in enumerate(text):
        if not _SCAN.match(char) or char == "\n" and multiline:
            kept.append(char)
        elif _IS_DROPPED.match(char):
            continue
        elif char in _JOINERS:
            if 0 < index < last and _joins(text[index - 1]) and _joins(text[index + 1]):
                kept.append(char)
        elif _IS_BIDI.match(char):
            raise Refused(char, DIRECTION)
        elif char in "\n\r\u2028\u2029":
            if not multiline:
                raise Refused(char, LINE_BREAK)
            kept.append("\n")
        elif _IS_TAG.match(char) and _in_flag(text, index):
            kept.append(char)
        else:
            raise Refused(char, INVISIBLE)
    return "".join(kept)


def _joins(neighbour: str) -> bool:
    """Whether a joiner next to this character may be part of a sequence (emoji, Indic)."""
    return not neighbour.isascii() and not neighbour.isspace() and not _SCAN.match(neighbour)


def _in_flag(text: str, index: int) -> bool:
    """Whether the tag character at `index` is inside 🏴 + tags + cancel tag."""
    start = index
    while start > 0 and _IS_TAG.match(text[start - 1]):
        start -= 1
    if start == 0 or text[start - 1] != _BLACK_FLAG:
        return False
    end = index
    while end < len(text) and _IS_TAG.match(text[end]) and text[end] != _CANCEL_TAG:
        end += 1
    return end < len(text) and text[end] == _CANCEL_TAG


def visible(text: str) -> str:
    """`text` with every character the rule does not keep as is written ⟨U+XXXX⟩ (for
    showing a refused name, such as a file's, without letting it reorder the page)."""
    if _SCAN_MULTILINE.search(text) is None:
        return text
    return "".join(f"⟨U+{ord(c):04X}⟩" if _SCAN_MULTILINE.match(c) else c for c in text)


def field_label(labels: dict[str, str] | None, key: str) -> LazyString:
    """A field's label in the language of whoever reads the message (lazy)."""
    return LazyString(_label_now, dict(labels or {}), key)


def _label_now(labels: dict[str, str], key: str) -> str:
    """The label in the current locale, else Traditional Chinese, else the key."""
    locale = get_locale()
    return labels.get(str(locale) if locale else "") or labels.get("zh_Hant") or key
