# ruff: noqa: E501  (a data table: one judged case per line reads best)
"""A judged set of reconciliation decisions: invented readings, each with the right outcome.

Every case is one field of one page as three (sometimes two or four) volunteers typed it, and
what a careful curator would decide from those readings alone: the right value, or ``HUMAN``
when nobody could tell without the scan (then sending the field to review is the right answer).
The data is invented, in the shapes the crowd produces: truncations, typos, swapped digits,
punctuation and list joiners, blank against a lone value, dates and numerals typed differently.
``numbers_differ`` marks cases whose readings disagree on a number: a decision there must never
be wrong. Used by tests/services/reconciliation/test_judged.py and benchmarks/reconcile_judged.py.
"""

from __future__ import annotations

from typing import Any, NamedTuple

HUMAN = None  # a human must look at the scan

# The fields, as the project templates configure them (crowdcat/services/projects/templates.py).
ZH_BLANK = ["無", "无", "空白", "缺", "不詳", "不详", "未詳", "未详", "不明", "/", "-"]
EN_BLANK = ["none", "n/a", "na", "unknown", "not given", "s.n.", "illegible", "/", "-"]
FIELDS: dict[str, tuple[str, dict[str, Any]]] = {
    "title": ("text", {"fold_variants": True, "contain": True}),
    "creator": ("text", {"fold_variants": True, "blank_values": ZH_BLANK}),
    "doc_no": ("text", {"blank_values": ZH_BLANK, "loose": False, "contain": False}),
    "notes": ("long_text", {"fuzzy_threshold": 90, "blank_values": ZH_BLANK}),
    "date": ("date", {}),
    "pages": ("integer", {}),
    "locality": ("long_text", {"fuzzy_threshold": 85, "blank_values": EN_BLANK}),
    "habitat": ("long_text", {"fuzzy_threshold": 85, "blank_values": EN_BLANK}),
    "collector": ("text", {"blank_values": EN_BLANK}),
    "collector_no": ("text", {"blank_values": EN_BLANK, "loose": False, "contain": False}),
    "taxon": ("text", {"loose": False, "contain": False}),
    "coordinates": ("text", {"contain": False}),
    "township": ("text", {"loose": False, "contain": False}),
}
# Options the engine before issue 18 understood (the others did not exist).
OLD_OPTIONS = ("fold_variants", "fuzzy_threshold", "blank_values", "choices")


class Case(NamedTuple):
    """One judged decision."""

    field: str
    votes: tuple[str, ...]
    right: str | None  # the right value ("" = blank), or HUMAN
    numbers_differ: bool = False
    note: str = ""


C = Case
CASES: list[Case] = [
    # --- numbers that differ: never merged, never decided wrongly ---------------------------
    C("coordinates", ("N 29.4769, W 86.6196", "N 29.4769, W 86.6196", "N 24.4769, W 87.6196"),
      "N 29.4769, W 86.6196", True, "one misread coordinate pair"),
    C("locality", ("Sandy flats 3 mi N of Bell, N 29.4769 W 86.6196",
                   "Sandy flats 3 mi N of Bell, N 24.4769 W 86.6196",
                   "Sandy flats 3 mi N of Bell, N 29.4769 W 86.6196"),
      "Sandy flats 3 mi N of Bell, N 29.4769 W 86.6196", True, "coordinates in long text"),
    C("locality", ("Sandy flats 3 mi N of Bell, N 29.4769 W 86.6196",
                   "Sandy flats 3 mi N of Bell, N 24.4769 W 86.6196",
                   "Sandy flats 8 mi N of Bell, N 29.4769 W 86.6196"),
      HUMAN, True, "each reading differs from the others in a number"),
    C("township", ("T34S R42E", "T35S R42E", "T34S R42E"), "T34S R42E", True),
    C("township", ("T34S R42E", "T35S R42E"), HUMAN, True),
    C("collector_no", ("38620", "38260", "38620"), "38620", True, "swapped digits"),
    C("collector_no", ("38620", "38260"), HUMAN, True),
    C("habitat", ("Oak scrub, burned in 1948, plot 7", "Oak scrub, burned in 1949, plot 7",
                  "Oak scrub, burned in 1948, plot 7"),
      "Oak scrub, burned in 1948, plot 7", True, "a year"),
    C("habitat", ("Oak scrub, burned in 1948, plot 7", "Oak scrub, burned in 1949, plot 7"),
      HUMAN, True),
    C("notes", ("本件附有民國三十七年度田賦徵實清冊一份", "本件附有民國三十六年度田賦徵實清冊一份",
                "本件附有民國三十七年度田賦徵實清冊一份"),
      "本件附有民國三十七年度田賦徵實清冊一份", True, "a Chinese year"),
    C("notes", ("本件附有民國三十七年度田賦徵實清冊一份", "本件附有民國三十六年度田賦徵實清冊一份"),
      HUMAN, True),
    C("notes", ("附收據三張，清冊一份", "附收據五張，清冊一份", "附收據八張，清冊一份"),
      HUMAN, True, "a count read three ways"),
    C("locality", ("Township T34S R 42 E, sec. 9", "Township T34S R 4",
                   "Township T34S R 42 E, sec. 9"),
      "Township T34S R 42 E, sec. 9", True, "a truncated number is another number"),
    C("locality", ("Township T34S R 42 E, sec. 9", "Township T34S R 4"), HUMAN, True),
    C("doc_no", ("府秘字第一二三號", "府秘字第一二八號", "府秘字第一二三號"), "府秘字第一二三號", True),
    C("doc_no", ("府秘字第123號", "府秘字第一二三號", "府秘字第128號"), HUMAN, True,
      "Chinese and Arabic digits are not folded in an identifier; one is different"),
    C("pages", ("12", "21", "十二"), "12", True, "swapped digits against a Chinese numeral"),
    C("coordinates", ("N 29.4769, W 86.6196", "N 29.4769, W 86.6169"), HUMAN, True),
    # --- punctuation, spacing and list joiners -------------------------------------------------
    C("collector", ("J. K. Smith", "J K Smith", "J.K. Smith"), "J. K. Smith"),
    C("collector", ("A. Li, B. Wu", "A. Li & B. Wu", "A. Li and B. Wu"), "A. Li, B. Wu"),
    C("collector", ("A. Li; B. Wu", "A. Li & B. Wu", "A. Li with B. Wu"), "A. Li & B. Wu"),
    C("collector", ("R. Moran & C. Hall", "R. Moran and C. Hall", "R.Moran & C.Hall"),
      "R. Moran & C. Hall"),
    C("habitat", ("var humilis, on limestone", "var. humilis, on limestone",
                  "var. humilis on limestone"), "var. humilis, on limestone"),
    C("creator", ("廣東省政府、民政廳", "廣東省政府，民政廳", "廣東省政府 民政廳"), "廣東省政府、民政廳"),
    C("creator", ("廣東省政府及民政廳", "廣東省政府、民政廳", "廣東省政府暨民政廳"), "廣東省政府、民政廳",
      note="及/暨 read as a list joiner; the medoid 、 shown"),
    C("title", ("關於辦理戶口普查、登記的呈", "關於辦理戶口普查 登記的呈", "關於辦理戶口普查，登記的呈"),
      "關於辦理戶口普查、登記的呈"),
    C("title", ("關於「田賦」徵收的呈。", "關於田賦徵收的呈", "關於田賦徵收的呈"), "關於田賦徵收的呈"),
    C("coordinates", ("N29.4769 W86.6196", "N 29.4769, W 86.6196", "N 29.4769 W 86.6196"),
      "N 29.4769 W 86.6196"),
    C("locality", ("Bell, Gilchrist Co.", "Bell , Gilchrist Co", "Bell; Gilchrist Co."),
      "Bell, Gilchrist Co."),
    C("collector", ("Smith, J.", "Smith J", "Smith, J"), "Smith, J"),
    C("taxon", ("Quercus minima var. humilis", "Quercus minima var humilis",
                "Quercus minima var. humilis"), "Quercus minima var. humilis",
      note="scientific names opt out of the loose key: the majority still decides"),
    # --- truncations: the most complete reading, marked contained ------------------------------
    C("habitat", ("Burned oak scrub, plot 7", "Burned oak scrub", "Burned oak scrub"),
      "Burned oak scrub, plot 7"),
    C("habitat", ("Burned oak scrub, plot 7", "Burned oak scrub"), "Burned oak scrub, plot 7"),
    C("locality", ("Sandy flats 3 mi N of Bell", "Sandy flats 3 mi N of Bell, N 29.4769 W 86.6196",
                   "Sandy flats 3 mi N of Bell"),
      "Sandy flats 3 mi N of Bell, N 29.4769 W 86.6196", note="without the coordinates"),
    C("title", ("關於辦理戶口普查的代電", "辦理戶口普查代電", "關於辦理戶口普查的代電"),
      "關於辦理戶口普查的代電"),
    C("title", ("關於辦理戶口普查的代電", "辦理戶口普查代電"), "關於辦理戶口普查的代電"),
    C("title", ("為請撥經費事呈", "請撥經費呈", "請撥經費呈"), "為請撥經費事呈"),
    C("title", ("呈報縣政府修築公路經費案", "呈報縣政府修築公路經費", "呈報縣政府修築公路經費案"),
      "呈報縣政府修築公路經費案"),
    C("notes", ("附清冊一份，收據三張", "附清冊一份", "附清冊一份，收據三張"), "附清冊一份，收據三張"),
    C("habitat", ("Flowers yellow, in dense racemes on old fields",
                  "Flowers yellow, in dense racemes", "Flowers yellow, in dense racemes"),
      "Flowers yellow, in dense racemes on old fields"),
    C("locality", ("Gainesville, Alachua Co., Florida", "Gainesville, Alachua Co.",
                   "Gainesville, Alachua Co., Florida"), "Gainesville, Alachua Co., Florida"),
    C("taxon", ("Quercus minima", "Quercus minima var. humilis", "Quercus minima"),
      "Quercus minima", note="a taxon with a variety is another taxon: no containment"),
    C("doc_no", ("府秘字第一二三號之一", "府秘字第一二三號", "府秘字第一二三號"), "府秘字第一二三號",
      note="a 文號 with a suffix is another document"),
    # --- typos: the commonest spelling shown, never the code-point-smallest --------------------
    C("habitat", ("Flws yellow", "Flws yellow", "Flowers yellos"), "Flws yellow"),
    C("habitat", ("Flowers yellos in dense racemes", "Flowers yellow in dense racemes",
                  "Flowers yellow in dense racemse"), "Flowers yellow in dense racemes",
      note="three typos: the medoid"),
    C("notes", ("本件附有民國三十七年度田賦徵實清冊一份", "本件附有民國三十七年度田賦徵實清册一份",
                "本件附有民國三十七年度田賦徵實清冊一份"), "本件附有民國三十七年度田賦徵實清冊一份"),
    C("collector", ("Moran", "Moran", "Moram"), "Moran"),
    C("creator", ("廣東省民政廳", "廣東省民政廳", "廣東省民政聽"), "廣東省民政廳"),
    C("title", ("關於徵收田賦的呈", "關於徵收田賦的呈", "關於徵收田租的呈"), "關於徵收田賦的呈"),
    C("habitat", ("Pine flatwoods with saw palmetto", "Pine flatwods with saw palmetto",
                  "Pine flatwoods with saw palmetto"), "Pine flatwoods with saw palmetto"),
    C("collector", ("Moran", "Moram"), HUMAN, note="two readings, no majority"),
    # --- blank against a lone value ------------------------------------------------------------
    C("collector_no", ("", "38620", ""), HUMAN, note="a lone number against two blanks"),
    C("collector", ("", "", "R. Moran"), HUMAN),
    C("creator", ("", "廣東省政府", ""), HUMAN),
    C("doc_no", ("", "府秘字第一二三號", ""), HUMAN),
    C("collector", ("", "s.n.", ""), ""),
    C("creator", ("", "不詳", ""), ""),
    C("notes", ("無", "", ""), ""),
    C("collector", ("unknown", "n/a", ""), ""),
    C("collector_no", ("", "", "", "38620"), "", note="three blanks against one: blank"),
    C("habitat", ("", "", ""), ""),
    # --- dates and numerals typed differently ---------------------------------------------------
    C("date", ("民國三十七年五月十日", "民國37年5月10日", "1948-05-10"), "民國37年5月10日"),
    C("date", ("卅七年五月十日", "1948.5.10", "民國37年5月10日"), "民國37年5月10日"),
    C("date", ("民國三十七年五月", "1948-05-10", "民國三十七年五月十日"), "民國三十七年五月十日",
      True, "a month against a day: two of three agree"),
    C("date", ("民國三十七年五月十日", "民國三十七年五月十一日", "民國三十七年五月十日"),
      "民國三十七年五月十日", True),
    C("pages", ("十二", "12", "共12頁"), "12"),
    C("pages", ("3", "三", "8"), "3", True),
    # --- hard ones (the rules are not expected to get all of these) ----------------------------
    C("habitat", ("Flowers yellow", "Flowers yelow"), "Flowers yellow", note="an obvious typo, 1:1"),
    C("locality", ("Oak scrub, plot 7", "Oak scrub"), "Oak scrub, plot 7",
      note="too short to be taken as a truncation"),
    C("habitat", ("Burned oak scrub, plot 7", "Burnd oak scrub"), "Burned oak scrub, plot 7",
      note="a truncation with a typo"),
    C("locality", ("Alachua County", "Alachua Co.", "Alachua Co."), "Alachua Co."),
    C("title", ("爲請撥經費事呈", "為請撥經費事呈"), "為請撥經費事呈", note="a variant character"),
    C("collector", ("Smith", "J. Smith", "John Smith"), HUMAN),
    C("date", ("民國37年", "1948-05-10", "民國37年5月"), HUMAN),
    # --- genuinely different readings ------------------------------------------------------------
    C("title", ("關於徵收田賦的呈", "關於籌設小學的呈", "關於修築公路的呈"), HUMAN),
    C("creator", ("廣東省政府", "廣東省政府秘書處", "廣東省政府"), "廣東省政府",
      note="names never contain: the majority decides"),
    C("creator", ("廣東省政府", "廣東省政府秘書處"), HUMAN),
]


def same_value(field: str, a: str, b: str) -> bool:
    """Whether a judge would call two values the same: equal keys, or equal but for marks."""
    from crowdcat.services.reconciliation.keys import loose_key
    from crowdcat.services.reconciliation.voting import FieldRule

    kind, options = FIELDS[field]
    rule = FieldRule.from_options(field, kind, options)
    if rule.normalizer(a)[0] == rule.normalizer(b)[0]:
        return True
    return kind in ("text", "long_text") and loose_key(a) == loose_key(b) != ""


def judge(case: Case, status: str, value: str | None) -> str:
    """"right", "review" (sent to a human, though the readings decide it) or "wrong"."""
    decided = status != "conflict"
    if case.right is HUMAN:
        return "wrong" if decided else "right"
    if not decided:
        return "review"
    shown = "" if status == "blank" else value or ""
    if case.right == "":
        return "right" if shown == "" else "wrong"
    return "right" if shown and same_value(case.field, shown, case.right) else "wrong"
