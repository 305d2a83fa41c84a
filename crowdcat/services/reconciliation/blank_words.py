"""Words volunteers type when a field is really empty, shipped per template language.

A field's blank words (its ``blank_values`` option, editable per field in the field editor)
count as a blank vote: ``無`` and an empty box agree, and a lone ``不詳`` against two empty
boxes is no value that a blank majority would lose. They are compared as equality keys
(width, case and the punctuation table of ``normalization`` do not matter) and a pair of
surrounding brackets or a final full stop is ignored: ``（無）``, ``[不詳]`` and ``n.a.`` work.

Chinese (``zh``), chosen for Republic-era and modern archival description:

- 無 / 无 (none), 空白 (left blank), 缺 / 闕 / 阙 (missing), 從缺 / 从缺 (left vacant);
- 不詳 / 不详 / 未詳 / 未详 / 不明 / 無考 / 无考 / 待考 (not known, not established);
- 無法辨認 / 无法辨认 (illegible);
- ``/`` and ``-``, typed as placeholders.

English (``en``): none, n/a, na, nil, unknown, not given, not stated, s.n. (sine nomine),
s.l. (sine loco), n.d. (no date), illegible, blank, and ``/`` and ``-``.

Not in the lists on purpose: 〇 and 0 (a number), 其他 / other (a real select choice), 同上 /
ditto (a value copied from the previous entry, which a reviewer must see).
"""

from __future__ import annotations

BLANK_WORDS: dict[str, tuple[str, ...]] = {
    "zh": (
        "無", "无", "空白", "缺", "闕", "阙", "從缺", "从缺", "不詳", "不详", "未詳", "未详",
        "不明", "無考", "无考", "待考", "無法辨認", "无法辨认", "/", "-",
    ),
    "en": (
        "none", "n/a", "na", "nil", "unknown", "not given", "not stated", "s.n.", "s.l.",
        "n.d.", "illegible", "blank", "/", "-",
    ),
}


def blank_words(language: str) -> list[str]:
    """The default blank words of a template language ("zh" or "en"), as a new list."""
    return list(BLANK_WORDS[language])
