"""Variant forms of Chinese characters (異體字) folded to one form, for fields that opt in.

Folding Traditional to Simplified (``fold_variants``) makes 髮 and 發, 後 and 后 one key; many
Republic-era catalogues must keep those apart and only want the *same* character written in
another form to agree: 爲/為, 着/著, 裏/裡, 綫/線, 敍/敘, 衞/衛, 峯/峰, 啓/啟, 説/說.

The table is read from OpenCC's own variant dictionaries (the ``opencc`` package already
installed, nothing downloaded): a character is taken to OpenCC's standard form through the Hong
Kong and Taiwan reverse tables (HKVariantsRev, TWVariantsRev) and then to the Taiwan form
(TWVariants), the Ministry of Education's standard. Only each dictionary's first candidate is
used, so one-to-many entries (麼 → 麼 么) never chain distinct characters together.

OpenCC has no entry for a few old printed forms (舊字形) common in Republic-era documents; they
are added below (``OLD_FORMS``), each the same Unihan character as its standard form.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Old printed forms OpenCC's variant tables do not list, and the Taiwan form they fold to.
OLD_FORMS = {
    "册": "冊", "眞": "真", "敎": "教", "淸": "清", "値": "值", "硏": "研", "卽": "即",
    "旣": "既", "槪": "概", "吿": "告", "靑": "青", "査": "查", "内": "內", "强": "強",
    "鷄": "雞", "禀": "稟", "倂": "併", "凖": "準", "滙": "匯", "恒": "恆",
}
# The CJK blocks whose characters are looked up: Extension A, the Unified Ideographs and the
# compatibility ideographs (which NFKC already folds, but OpenCC lists some of them too).
_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@lru_cache(maxsize=1)
def variant_table() -> dict[int, str]:
    """The folding table ``{code point: Taiwan form}``, built once from OpenCC (~0.2 s)."""
    import opencc

    chars = [chr(c) for low, high in _BLOCKS for c in range(low, high + 1)]
    # One character a line: OpenCC's phrase dictionaries never match across a line break.
    joined = "\n".join(chars)
    steps = [
        dict(zip(chars, opencc.OpenCC(config).convert(joined).split("\n"), strict=True))
        for config in ("hk2t", "tw2t", "t2tw")
    ]
    table: dict[int, str] = {}
    for char in chars:
        folded = char
        for step in steps:
            folded = step.get(folded, folded)
        if folded != char and len(folded) == 1:
            table[ord(char)] = folded
    for old, standard in OLD_FORMS.items():
        table.setdefault(ord(old), table.get(ord(standard), standard))
    return table


@lru_cache(maxsize=1)
def _has_variant() -> re.Pattern[str]:
    """A pattern finding any character the table folds (cheaper than translating every value)."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(variant_table())) + "]")


def fold_forms(text: str) -> str:
    """Write every variant form in ``text`` in its Taiwan standard form (爲 → 為, 綫 → 線)."""
    if _has_variant().search(text) is None:
        return text
    return text.translate(variant_table())
