"""Deterministic 卷內文件目錄 (in-volume file lists) for the demo's list project.

Each record is one list page of a Republic-era Zhejiang volume (案卷): a header (全宗號,
目錄號, 案卷號) and 8–20 rows, one per file (順序號, 文號, 責任者, 題名, 日期, 頁數, 備註).
The volumes are invented but follow the matters and bodies of the main demo (content.py).

A 責任者 that repeats the row above is written as the ditto mark 〃, as archivists wrote
such lists. (They wrote 同上 too, but 同 and 上 are not in the bundled font subsets, so the
pages draw 〃 and some demo volunteers type it as 同上.)
"""
from __future__ import annotations

import random
from typing import Any

from crowdcat.demo.content import cn_digits, cn_number

DITTO = "〃"
HEADER_KEYS: tuple[str, ...] = ("fonds_no", "catalog_no", "volume_no")
ROW_KEYS: tuple[str, ...] = ("item_no", "doc_no", "creator", "title", "date", "pages", "notes")
LABELS: dict[str, str] = {
    "fonds_no": "全宗號", "catalog_no": "目錄號", "volume_no": "案卷號", "item_no": "順序號",
    "doc_no": "文號", "creator": "責任者", "title": "題名", "date": "日期", "pages": "頁數",
    "notes": "備註",
}
# Fixed strings a list page prints besides its values.
PAGE_STRINGS: tuple[str, ...] = ("卷內文件目錄", "卷 內 文 件 目 錄", "立卷人", "檢查人", "：")
# Who made up and who checked each list (signed at its foot).
CLERKS: tuple[str, ...] = ("沈季高", "周覺民", "許仲衡", "林兆鈞", "吳紹文", "王立德", "陳孟良")
_DOC_WORD: dict[str, str] = {
    "浙江省政府": "府秘", "杭州市政府": "市總", "財政部": "賦", "內政部": "戶", "軍政部": "役",
    "浙江省建設廳": "建一", "浙江省教育廳": "教三", "浙江省民政廳": "民二",
    "浙江省財政廳": "財稽", "杭州市警察局": "警行", "杭州市衛生局": "衛防",
    "浙江省田賦糧食管理處": "糧徵",
}
_NOTES: tuple[str, ...] = ("", "", "", "", "", "", "抄件", "附件缺", "有批註", "原件有破損",
                           "油印件")

# (fonds_no, catalog_no, volume_no, year of the Republic, hand-written, rows as
# (責任者, 題名)); a 責任者 equal to the row above is written 〃.
_VOLUMES: tuple[tuple[str, str, str, int, bool, tuple[tuple[str, str], ...]], ...] = (
    ("L032", "1", "57", 25, False, (
        ("財政部", "關於整頓田賦徵收辦法的訓令"),
        ("浙江省財政廳", "關於轉發整頓田賦徵收辦法的訓令"),
        ("浙江省財政廳", "關於清理各縣積欠稅款的訓令"),
        ("嘉興縣政府", "關於呈報田賦徵收情形的呈"),
        ("浙江省財政廳", "關於嘉興縣田賦徵收情形的指令"),
        ("紹興縣政府", "關於請求減免田賦的呈"),
        ("浙江省財政廳", "關於紹興縣請求減免田賦的批"),
        ("富陽縣政府", "關於呈送積欠稅款清冊的呈"),
        ("鄞縣縣政府", "關於呈報田賦徵收數目的呈"),
        ("浙江省財政廳", "關於核定各縣田賦預算的訓令"),
        ("財政部", "關於停止徵收營業稅附加的咨"),
        ("浙江省政府", "關於頒發田賦徵收人員服務規程的訓令"),
    )),
    ("L054", "2", "118", 24, True, (
        ("內政部", "關於辦理全國戶口普查的代電"),
        ("浙江省民政廳", "關於轉發戶口普查辦法的訓令"),
        ("浙江省民政廳", "關於保甲編組限期完成的訓令"),
        ("杭州市政府", "關於本市戶口清查辦法的布告"),
        ("杭州市警察局", "關於呈報戶口清查結果的報告"),
        ("杭州市警察局", "關於拱宸橋一帶戶口清查情形的報告"),
        ("杭州市政府", "關於呈報本市戶口清查結果的呈"),
        ("浙江省民政廳", "關於戶口清查結果准予備案的指令"),
        ("杭州市政府", "關於保甲編組辦法的訓令"),
        ("杭州市政府", "關於保甲長服務規程的訓令"),
        ("杭州市警察局", "關於保甲編組完成情形的報告"),
        ("浙江省民政廳", "關於各縣保甲編組限期完成的代電"),
        ("杭州市政府", "關於呈送保甲編組冊的呈"),
        ("浙江省政府", "關於准予保甲編組冊備案的指令"),
        ("杭州市政府", "關於戶口普查經費的呈"),
    )),
    ("L029", "1", "233", 20, True, (
        ("嘉興縣政府", "關於呈送本縣水災損失調查表的呈"),
        ("浙江省政府", "關於嘉興縣水災損失的指令"),
        ("鄞縣縣政府", "關於請撥發賑濟災民糧款的呈"),
        ("浙江省政府", "關於准予撥付賑濟糧款的指令"),
        ("浙江省民政廳", "關於辦理各縣水災賑濟的報告"),
        ("內政部", "關於水災賑濟辦法的咨"),
        ("浙江省政府", "關於頒發水災賑濟辦法的訓令"),
        ("浙江省政府", "關於各縣水災善後辦法的訓令"),
        ("溫州區行政督察專員公署", "關於海塘搶修工程的呈"),
        ("浙江省建設廳", "關於海塘搶修經費的報告"),
    )),
    ("L035", "3", "41", 22, False, (
        ("浙江省建設廳", "關於修築杭富公路的報告"),
        ("浙江省政府", "關於修築杭富公路的指令"),
        ("浙江省建設廳", "關於修築杭富公路徵用民地的公函"),
        ("富陽縣政府", "關於杭富公路徵用民地情形的呈"),
        ("浙江省建設廳", "關於徵用民地地價的訓令"),
        ("浙江省建設廳", "關於公路工程限期完成的訓令"),
        ("杭州市工務局", "關於修理湖濱公園堤岸的呈"),
        ("浙江省建設廳", "關於准予修理湖濱公園堤岸的指令"),
        ("蕭山縣政府", "關於呈報公路工程經費的呈"),
        ("浙江省建設廳", "關於蕭山縣公路工程經費的批"),
        ("財政部", "關於核撥公路工程經費的咨"),
        ("浙江省建設廳", "關於錢塘江大橋工程情形的報告"),
        ("浙江省建設廳", "關於錢塘江大橋通車情形的報告"),
        ("浙江省政府", "關於錢塘江大橋通車的布告"),
        ("杭州市政府", "關於杭富公路通車的布告"),
        ("軍政部", "關於公路修築徵集壯丁的代電"),
        ("浙江省建設廳", "關於呈報公路修築完成情形的呈"),
        ("浙江省政府", "關於准予公路修築完成備案的指令"),
    )),
    ("L038", "1", "96", 26, True, (
        ("浙江省教育廳", "關於各縣推行國民教育的訓令"),
        ("浙江省教育廳", "關於籌設省立圖書館分館的公函"),
        ("杭州市政府", "關於商借浙江大學校舍的公函"),
        ("國立浙江大學", "關於商借校舍一案的公函"),
        ("浙江省教育廳", "關於國民教育經費的訓令"),
        ("嘉興縣政府", "關於呈報推行國民教育情形的呈"),
        ("浙江省教育廳", "關於嘉興縣推行國民教育情形的指令"),
        ("浙江省政府", "關於核定教育經費預算的訓令"),
    )),
    ("L057", "1", "12", 29, False, (
        ("杭州市衛生局", "關於防治霍亂疫情的報告"),
        ("杭州市政府", "關於防治霍亂疫情的指令"),
        ("杭州市衛生局", "關於防疫辦法的布告"),
        ("杭州市衛生局", "關於霍亂疫情的報告"),
        ("浙江省民政廳", "關於各縣防治霍亂的訓令"),
        ("杭州市警察局", "關於辦理防疫情形的報告"),
        ("杭州市衛生局", "關於防疫經費的呈"),
        ("杭州市政府", "關於准予撥付防疫經費的指令"),
        ("杭州市衛生局", "關於設立防疫所的呈"),
        ("杭州市政府", "關於准予設立防疫所的指令"),
        ("杭州市商會", "關於請求平抑米價的呈"),
        ("杭州市衛生局", "關於防疫完成情形的報告"),
        ("內政部", "關於各省防疫辦法的代電"),
        ("浙江省政府", "關於轉發防疫辦法的訓令"),
    )),
    ("L041", "2", "305", 33, True, (
        ("軍政部", "關於徵購軍糧的代電"),
        ("浙江省政府", "關於轉發徵購軍糧辦法的訓令"),
        ("浙江省田賦糧食管理處", "關於徵購軍糧的代電"),
        ("浙江省田賦糧食管理處", "關於各縣徵購軍糧數目的訓令"),
        ("嘉興縣政府", "關於呈報徵購軍糧情形的呈"),
        ("浙江省田賦糧食管理處", "關於嘉興縣徵購軍糧情形的指令"),
        ("富陽縣政府", "關於請求減免軍糧的呈"),
        ("浙江省田賦糧食管理處", "關於富陽縣請求減免軍糧的批"),
        ("紹興縣政府", "關於呈送軍糧徵購清冊的呈"),
        ("蕭山縣政府", "關於呈報軍糧撥付情形的呈"),
        ("浙江省田賦糧食管理處", "關於軍糧撥付辦法的訓令"),
        ("浙江省田賦糧食管理處", "關於軍糧保管辦法的訓令"),
        ("財政部", "關於田賦徵實的代電"),
        ("浙江省田賦糧食管理處", "關於田賦徵實辦法的訓令"),
        ("鄞縣縣政府", "關於呈報田賦徵實情形的呈"),
        ("浙江省田賦糧食管理處", "關於鄞縣田賦徵實情形的指令"),
        ("杭州市商會", "關於請求平抑米價的呈"),
        ("杭州市政府", "關於平抑米價的布告"),
        ("浙江省保安司令部", "關於軍糧保安辦法的代電"),
        ("浙江省田賦糧食管理處", "關於軍糧徵購完成情形的報告"),
    )),
)


def _date(year: int, month: int, day: int, form: int) -> str:
    """A row's date as a list writes it: 民國二十五年三月十日, 廿五年三月十日 or 民國25年3月10日."""
    if form == 0:
        return f"民國{cn_number(year)}年{cn_number(month)}月{cn_number(day)}日"
    if form == 1:
        return f"{cn_number(year, abbrev=True)}年{cn_number(month)}月{cn_number(day)}日"
    return f"民國{year}年{month}月{day}日"


def _doc_no(rng: random.Random, creator: str, title: str, arabic: bool) -> str:
    """A file's issuing number, e.g. 財稽字第一二三號; reports and county papers have none."""
    word = _DOC_WORD.get(creator)
    if word is None or title.endswith("報告"):
        return ""
    number = rng.randint(12, 2480)
    return f"{word}字第{number if arabic else cn_digits(number)}號"


def _build(seed: int = 1936) -> list[dict[str, Any]]:
    """Build the list records: dates rise through the volume's year, details seeded."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for index, (fonds, catalog, volume, year, hand, files) in enumerate(_VOLUMES):
        form = (1 if hand else 0) if index % 3 else 2
        month, day = rng.randint(1, 3), rng.randint(1, 20)
        rows: list[dict[str, str]] = []
        previous = None
        for number, (creator, title) in enumerate(files, start=1):
            rows.append({
                "item_no": str(number),
                "doc_no": _doc_no(rng, creator, title, arabic=not hand and number % 2 == 0),
                "creator": DITTO if creator == previous else creator,
                "title": title,
                "date": _date(year, month, day, form),
                "pages": str(rng.randint(1, 12)),
                "notes": rng.choice(_NOTES),
            })
            previous = creator
            day += rng.randint(3, 16)
            if day > 28:
                month, day = min(12, month + 1), day - 28
        records.append({"reference": f"list-{index + 1:03d}", "fonds_no": fonds,
                        "catalog_no": catalog, "volume_no": volume, "hand": hand,
                        "rows": rows})
    return records


LIST_RECORDS: list[dict[str, Any]] = _build()


def header(record: dict[str, Any]) -> dict[str, str]:
    """The header values of a list page (全宗號, 目錄號, 案卷號)."""
    return {key: record[key] for key in HEADER_KEYS}


def resolved_rows(record: dict[str, Any]) -> list[dict[str, str]]:
    """The rows with each 〃 replaced by the value of the row above, as a reader takes them."""
    rows: list[dict[str, str]] = []
    for row in record["rows"]:
        rows.append({key: rows[-1][key] if value == DITTO and rows else value
                     for key, value in row.items()})
    return rows


def list_characters() -> str:
    """Every character the list pages draw (sorted, unique)."""
    parts: list[str] = list(PAGE_STRINGS) + list(LABELS.values()) + list(CLERKS)
    for record in LIST_RECORDS:
        parts += [str(record[key]) for key in HEADER_KEYS]
        parts += [value for row in record["rows"] for value in row.values()]
    return "".join(sorted(set("".join(parts))))
