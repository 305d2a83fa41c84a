"""Deterministic Republic-era (民國) file-level catalog records for the demo project."""

from __future__ import annotations

import random
from typing import Any

DOC_TYPES: tuple[str, ...] = ("訓令", "指令", "呈", "咨", "公函", "代電", "布告", "報告", "批")
CLASSIFICATIONS: tuple[str, ...] = ("普通", "密", "機密", "絕密")
LANGUAGES: tuple[str, ...] = ("漢語", "英語", "日語", "漢英對照")
FIELD_KEYS: tuple[str, ...] = (
    "fonds_no", "catalog_no", "volume_no", "item_no", "title", "creator", "doc_no",
    "recipient", "date", "pages", "doc_type", "classification", "language", "notes",
)

# (creator, doc_type, title, recipient); a title in [ ] was supplied by the cataloguer.
_SOURCES: tuple[tuple[str, str, str, str], ...] = (
    ("浙江省政府", "訓令", "浙江省政府關於整頓田賦徵收辦法的訓令", "杭州市政府"),
    ("杭州市政府", "呈", "杭州市政府關於呈報本市戶口清查結果的呈", "浙江省政府"),
    ("財政部", "咨", "財政部關於停止徵收營業稅附加的咨", "浙江省政府"),
    ("浙江省政府", "指令", "浙江省政府關於准予撥付西湖疏浚經費的指令", "杭州市政府"),
    ("杭州市警察局", "報告", "杭州市警察局關於拱宸橋一帶火災情形的報告", "杭州市政府"),
    ("浙江省建設廳", "公函", "浙江省建設廳關於修築杭富公路徵用民地的公函", "富陽縣政府"),
    ("浙江省教育廳", "訓令", "浙江省教育廳關於各縣推行國民教育的訓令", "各縣政府"),
    ("內政部", "代電", "內政部關於辦理全國戶口普查的代電", "浙江省政府"),
    ("杭州市政府", "布告", "杭州市政府關於嚴禁私宰耕牛的布告", "全市民眾"),
    ("鄞縣縣政府", "呈", "鄞縣縣政府關於請撥發賑濟災民糧款的呈", "浙江省政府"),
    ("浙江省政府", "批", "浙江省政府關於紹興商會請求減免貨物稅的批", "紹興縣商會"),
    ("浙江省民政廳", "訓令", "浙江省民政廳關於保甲編組限期完成的訓令", "各縣縣長"),
    ("杭州市衛生局", "報告", "杭州市衛生局關於防治霍亂疫情的報告", "杭州市政府"),
    ("浙江省田賦糧食管理處", "代電", "浙江省田賦糧食管理處關於徵購軍糧的代電", "嘉興縣政府"),
    ("嘉興縣政府", "呈", "嘉興縣政府關於呈送本縣水災損失調查表的呈", "浙江省政府"),
    ("浙江高等法院", "公函", "浙江高等法院關於移送監犯名冊的公函", "浙江省政府"),
    ("浙江省政府", "訓令", "浙江省政府關於頒發公務員服務規程的訓令", "各廳處局"),
    ("財政部", "指令", "財政部關於核定浙江省地方預算的指令", "浙江省財政廳"),
    ("杭州市政府", "公函", "杭州市政府關於商借浙江大學校舍的公函", "國立浙江大學"),
    ("浙江省財政廳", "訓令", "浙江省財政廳關於清理各縣積欠稅款的訓令", "各縣縣政府"),
    ("溫州區行政督察專員公署", "呈", "溫州區行政督察專員公署關於海塘搶修工程的呈", "浙江省政府"),
    ("浙江省建設廳", "報告", "浙江省建設廳關於錢塘江大橋通車情形的報告", "浙江省政府"),
    ("杭州市商會", "呈", "杭州市商會關於請求平抑米價的呈", "杭州市政府"),
    ("浙江省政府", "布告", "浙江省政府關於查禁鴉片煙毒的布告", "全省民眾"),
    ("軍政部", "代電", "軍政部關於徵集兵役壯丁的代電", "浙江省政府"),
    ("杭州市政府", "報告", "[杭州市政府關於清查敵偽產業的報告]", "浙江省政府"),
    ("浙江省教育廳", "公函", "[浙江省教育廳關於籌設省立圖書館分館的函]", "杭州市政府"),
    ("浙江省民政廳", "指令", "[浙江省民政廳關於准予設立蕭山縣救濟院的指令]", "蕭山縣政府"),
    ("杭州市工務局", "呈", "[杭州市工務局關於修理湖濱公園堤岸的呈]", "杭州市政府"),
    ("浙江省保安司令部", "代電", "浙江省保安司令部關於清剿浙東土匪的代電", "浙江省政府"),
)

_FONDS: dict[str, str] = {
    "浙江省政府": "L029", "杭州市政府": "L054", "財政部": "L001", "內政部": "L002",
    "軍政部": "L003", "浙江高等法院": "L036", "杭州市警察局": "L056",
}
_DOC_WORD: dict[str, str] = {
    "浙江省政府": "府秘", "杭州市政府": "市總", "財政部": "賦", "內政部": "戶",
    "軍政部": "役", "浙江省建設廳": "建一", "浙江省教育廳": "教三", "浙江省民政廳": "民二",
    "浙江省財政廳": "財稽", "杭州市警察局": "警行", "杭州市衛生局": "衛防", "浙江高等法院": "院刑",
}
_SIGNERS: tuple[str, ...] = ("陳孟良", "林兆鈞", "周覺民", "吳紹文", "沈季高", "王立德", "許仲衡")
_NOTES: tuple[str, ...] = (
    "", "", "", "", "", "原件有破損", "附件缺", "有批註", "抄件", "油印件", "蓋有騎縫章",
)
_DIGITS = "〇一二三四五六七八九"
_CLASSIFIED: dict[int, str] = {0: "機密", 9: "密", 14: "絕密"}

LABELS: dict[str, str] = {
    "fonds_no": "全宗號", "catalog_no": "目錄號", "volume_no": "案卷號", "item_no": "件號",
    "title": "題名", "creator": "責任者", "doc_no": "文號", "recipient": "受文者",
    "date": "日期", "pages": "頁數", "doc_type": "文種", "classification": "密級",
    "language": "語種", "notes": "備註",
}
# Fixed strings the page images print besides record values and body text.
PAGE_STRINGS: tuple[str, ...] = (
    "案卷封面", "全宗名稱", "案卷題名", "起止日期", "本卷共", "頁", "保管期限", "永久",
    "卷內文件目錄", "順序號", "頁號", "第", "號", "歸檔", "事由", "為", "由", "收文",
    "立卷人", "檢查人", "字", "附件", "印", "：", "，", "。", "、", "（", "）", "年度",
    "右令", "謹呈", "此致", "主席", "局長", "廳長", "部長", "縣長", "院長", "會長",
    "專員", "司令", "處長", "市長", "—", "〇", "〔", "〕",
)

_BODIES: dict[str, str] = {
    "訓令": "案查{s}一案，前經通令在案。茲據呈報前來，核與規定尚屬相符。"
            "除分令外，合行令仰該{r}即便遵照辦理，具報為要。此令。",
    "指令": "呈一件，為{s}由。呈悉。所請尚屬可行，准予照辦，仰即知照。此令。",
    "呈": "竊查{s}一案，業經遵令督促所屬切實辦理，茲將辦理情形彙案陳明，"
          "理合備文呈請鑒核示遵。謹呈",
    "咨": "為咨行事。查{s}一案，經本部詳加審核，相應咨請貴{r}查照辦理，並希見復為荷。此咨",
    "公函": "逕啟者：查{s}一案，事關公務，亟待辦理，相應函請貴{r}查照辦理，並希見復為荷。此致",
    "代電": "{r}鈞鑒：查{s}一案，亟應迅予辦理，希即轉令所屬遵照，並將辦理情形電復為要。",
    "布告": "為布告事：照得{s}一事，關係地方治安民生至鉅，自布告之日起切實施行，"
            "仰各界人等一體周知，切切此布。",
    "報告": "謹將{s}一事，分陳如次：一、經過情形，已於另冊詳列；二、善後辦法，"
            "擬請從速核定。理合具文報請鑒核。",
    "批": "原呈悉。所請{s}一節，查與現行法令不符，礙難照准，仰即知照。此批。",
}
_HEADS: dict[str, str] = {
    "政府": "主席", "市政府": "市長", "部": "部長", "廳": "廳長", "局": "局長", "縣政府": "縣長",
    "法院": "院長", "商會": "會長", "公署": "專員", "司令部": "司令", "處": "處長",
}


def cn_number(n: int, *, abbrev: bool = False) -> str:
    """Write 0–99 in Chinese numerals, optionally with 廿 and 卅."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    if abbrev and tens in (2, 3):
        return "廿卅"[tens - 2] + (_DIGITS[ones] if ones else "")
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def cn_digits(n: int) -> str:
    """Write a number digit by digit in Chinese numerals (一二三 for 123)."""
    return "".join(_DIGITS[int(d)] for d in str(n))


def _date(rng: random.Random, year: int, form: int) -> str:
    """Render a Republic-era date in one of the mixed forms found on documents."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if form == 0:
        return f"中華民國{cn_number(year)}年{cn_number(month)}月{cn_number(day)}日"
    if form == 1:
        return f"民國{cn_number(year)}年{cn_number(month)}月{cn_number(day)}日"
    if form == 2:
        return f"{cn_number(year, abbrev=True)}年{cn_number(month)}月{cn_number(day)}日"
    if form == 3:
        return f"民國{year}年{month}月{day}日"
    return f"民國{cn_number(year, abbrev=True)}年{cn_number(month)}月"


def _fonds(creator: str) -> str:
    """Return a stable made-up fonds number for a creator without a listed one."""
    others = sorted({c for c, _, _, _ in _SOURCES} - set(_FONDS))
    return f"L{60 + 7 * others.index(creator):03d}"


# Records scanned as several pages (record index -> images): a 呈 of four pages whose seal
# and date stand on its last page, a 代電 of two; the others are single pages, e.g. the 公函.
MULTI_PAGE: dict[int, int] = {1: 4, 13: 2}


def _build(seed: int = 1937) -> list[dict[str, Any]]:
    """Build the demo records from the curated sources with seeded details."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for i, (creator, doc_type, title, recipient) in enumerate(_SOURCES):
        year = rng.randint(17, 38)
        word = _DOC_WORD.get(creator)
        number = rng.randint(12, 2480)
        if word is None or doc_type == "報告":
            doc_no = ""
        elif i % 3 == 0:
            doc_no = f"{word}字第{number}號"
        else:
            doc_no = f"{word}字第{cn_digits(number)}號"
        rng.random()  # keeps the seeded sequence of the other details stable
        # A few classified files: the demo imports them as restricted (staff only).
        classification = _CLASSIFIED.get(i, "普通")
        records.append({
            "fonds_no": _FONDS.get(creator) or _fonds(creator),
            "catalog_no": str(rng.randint(1, 3)),
            "volume_no": str(rng.randint(1, 640)),
            "item_no": str(rng.randint(1, 40)),
            "title": title,
            "creator": creator,
            "doc_no": doc_no,
            "recipient": recipient,
            "date": _date(rng, year, i % 5),
            # A multi-page document's 頁數 is its number of scanned pages.
            "pages": MULTI_PAGE.get(i, rng.randint(1, 12)),
            "doc_type": doc_type,
            "classification": classification,
            "language": "漢語",
            "notes": rng.choice(_NOTES),
        })
    return records


DEMO_RECORDS: list[dict[str, Any]] = _build()


def image_count(index: int) -> int:
    """How many scanned pages (images) the record at `index` has."""
    return MULTI_PAGE.get(index, 1)


def subject(record: dict[str, Any]) -> str:
    """Return the matter of a record's title (the words between 關於 and 的)."""
    title = record["title"].strip("[]")
    start = title.find("關於")
    middle = title[start + 2:] if start >= 0 else title
    end = middle.rfind("的")
    return middle[:end] if end > 0 else middle


def signer(record: dict[str, Any], index: int) -> str:
    """Return the signing line, e.g. 主席　陳孟良."""
    creator = record["creator"]
    head = next((v for k, v in sorted(_HEADS.items(), key=lambda kv: -len(kv[0]))
                 if creator.endswith(k)), "主席")
    return f"{head}　{_SIGNERS[index % len(_SIGNERS)]}"


def body_text(record: dict[str, Any]) -> str:
    """Return the body of the document page for a record."""
    recipient = record["recipient"]
    short = recipient[2:] if recipient.startswith("浙江") else recipient
    return _BODIES[record["doc_type"]].format(s=subject(record), r=short)


def seal_text(record: dict[str, Any]) -> str:
    """Return the text of the issuing body's seal, e.g. 浙江省政府印."""
    return record["creator"] + "印"


def all_characters() -> str:
    """Return every character the demo page images render (sorted, unique)."""
    parts: list[str] = list(PAGE_STRINGS) + list(LABELS.values())
    parts += list(DOC_TYPES) + list(CLASSIFICATIONS) + list(LANGUAGES) + list(_HEADS.values())
    parts += list(_SIGNERS) + list(_NOTES) + [_DIGITS, "十廿卅", "0123456789-　 "]
    for i, record in enumerate(DEMO_RECORDS):
        parts += [str(v) for v in record.values()]
        parts += [body_text(record), seal_text(record), signer(record, i), subject(record)]
    return "".join(sorted(set("".join(parts))))
