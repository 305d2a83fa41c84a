"""Field templates a project can start from.

Each template is a list of plain field definitions (the FieldSpec columns). The
Republic-era file-level template follows the 民國檔案文件級目錄 used by Chinese
provincial archives, in line with DA/T 22 and DA/T 18.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crowdcat.models import FieldKind, FieldSpec, Project
from crowdcat.services.reconciliation.blank_words import blank_words

FieldDef = dict[str, Any]

DOC_TYPES = ["訓令", "指令", "命令", "呈", "咨", "公函", "代電", "布告", "報告", "批",
             "簽呈", "通知", "電報", "函", "其他"]
CLASSIFICATIONS = ["普通", "密", "機密", "絕密"]
LANGUAGES = ["漢語", "英語", "日語", "俄語", "漢英對照", "其他"]
# Typed when a value is really absent; they count as blank when votes are counted (the lists
# and why: crowdcat/services/reconciliation/blank_words.py). Editable per field.
BLANK_VALUES = blank_words("zh")
BLANK_VALUES_EN = blank_words("en")
# How values are compared (crowdcat/services/reconciliation/voting.py): text fields ignore
# punctuation, spaces and list joiners ("loose") and long text accepts a truncated reading as
# part of the complete one ("contain"). A title is often typed short (關於辦理戶口普查的代電 /
# 辦理戶口普查代電), so it contains; an identifier (文號, reference code) is compared as typed,
# because 府秘字第一二三號之一 is another document than 府秘字第一二三號. Names (creator,
# recipient) keep the loose key but never contain: 廣東省政府 is not 廣東省政府秘書處.
TITLE = {"contain": True}
IDENTIFIER = {"loose": False, "contain": False}
# options["ocr_suggest"]: which OCR extractor proposes a value beside the field, when the
# project shows suggestions (crowdcat/services/ocr/suggestions.py; off by default).


def _f(key: str, kind: FieldKind, hant: str, hans: str, en: str, **extra: Any) -> FieldDef:
    """One field definition with labels in the three UI languages."""
    labels = {"zh_Hant": hant, "zh_Hans": hans, "en": en}
    return {"key": key, "kind": kind, "labels": labels} | extra


def _help(hant: str, hans: str, en: str) -> dict[str, str]:
    """Help text in the three UI languages."""
    return {"zh_Hant": hant, "zh_Hans": hans, "en": en}


REPUBLIC_FILE_LEVEL: list[FieldDef] = [
    _f("fonds_no", FieldKind.REFERENCE, "全宗號", "全宗号", "Fonds no."),
    _f("catalog_no", FieldKind.REFERENCE, "目錄號", "目录号", "Catalog no."),
    _f("volume_no", FieldKind.REFERENCE, "案卷號", "案卷号", "File no."),
    _f("item_no", FieldKind.REFERENCE, "件號", "件号", "Item no."),
    _f("reference_code", FieldKind.REFERENCE, "檔號", "档号", "Reference code", keyed=False,
       help=_help("由全宗號-目錄號-案卷號-件號組成，不需著錄。",
                  "由全宗号-目录号-案卷号-件号组成，不需著录。",
                  "Composed from fonds-catalog-file-item; not keyed.")),
    _f("title", FieldKind.TEXT, "題名", "题名", "Title", required=True,
       options={"fold_variants": True, "ocr_suggest": "title"} | TITLE,
       help=_help("照錄原文題名；原件無題名時自擬，並加 [ ]。",
                  "照录原文题名；原件无题名时自拟，并加 [ ]。",
                  "Copy the title as written; a title you supply goes in [ ].")),
    _f("creator", FieldKind.TEXT, "責任者", "责任者", "Creator",
       options={"fold_variants": True, "blank_values": BLANK_VALUES},
       help=_help("發文機關或個人。", "发文机关或个人。", "Issuing body or person.")),
    _f("doc_no", FieldKind.TEXT, "文號", "文号", "Document no.",
       options={"blank_values": BLANK_VALUES, "ocr_suggest": "doc_no"} | IDENTIFIER,
       help=_help("如「府秘字第一二三號」；沒有則留空。", "如“府秘字第一二三号”；没有则留空。",
                  "E.g. 府秘字第一二三號; leave empty if none.")),
    _f("recipient", FieldKind.TEXT, "受文者", "受文者", "Recipient",
       options={"fold_variants": True, "blank_values": BLANK_VALUES}),
    _f("date", FieldKind.DATE, "日期", "日期", "Date", required=True,
       options={"ocr_suggest": "date"},
       help=_help("照原件著錄，如「民國三十七年五月十日」，系統會換算為公元。",
                  "照原件著录，如“民国三十七年五月十日”，系统会换算为公元。",
                  "As written, e.g. 民國三十七年五月十日; converted to the Gregorian calendar.")),
    # Prefilled on the keying screen with the item's number of images (editable).
    _f("pages", FieldKind.INTEGER, "頁數", "页数", "Pages", options={"page_count": True}),
    _f("doc_type", FieldKind.SELECT, "文種", "文种", "Document type", choices=DOC_TYPES),
    _f("classification", FieldKind.SELECT, "密級", "密级", "Classification",
       choices=CLASSIFICATIONS),
    _f("language", FieldKind.SELECT, "語種", "语种", "Language", choices=LANGUAGES,
       options={"default": "漢語"}),
    _f("notes", FieldKind.LONG_TEXT, "附註", "附注", "Notes",
       options={"fuzzy_threshold": 90, "blank_values": BLANK_VALUES}),
]

RETENTION_PERIODS = ["永久", "定期30年", "定期10年"]
SECRECY_LEVELS = ["非密", "秘密", "機密", "絕密"]

# DA/T 22-2015 (歸檔文件整理規則), item level (件): 檔號 = 全宗號-年度-保管期限-機構(問題)-件號.
DAT22_ITEM_LEVEL: list[FieldDef] = [
    _f("fonds_no", FieldKind.REFERENCE, "全宗號", "全宗号", "Fonds no."),
    _f("year", FieldKind.REFERENCE, "年度", "年度", "Year",
       help=_help("文件形成年度，四位數字，如 1948。", "文件形成年度，四位数字，如 1948。",
                  "Year the document was made, four digits, e.g. 1948.")),
    _f("retention", FieldKind.SELECT, "保管期限", "保管期限", "Retention period",
       choices=RETENTION_PERIODS),
    _f("org_class", FieldKind.REFERENCE, "機構（問題）", "机构（问题）", "Organization or subject",
       help=_help("機構或問題分類代號；未分類時留空。", "机构或问题分类代号；未分类时留空。",
                  "Organization or subject class code; empty when not classified.")),
    _f("item_no", FieldKind.REFERENCE, "件號", "件号", "Item no."),
    _f("reference_code", FieldKind.REFERENCE, "檔號", "档号", "Reference code", keyed=False,
       help=_help("由全宗號-年度-保管期限-機構（問題）-件號組成，不需著錄。",
                  "由全宗号-年度-保管期限-机构（问题）-件号组成，不需著录。",
                  "Composed from fonds-year-retention-organization-item; not keyed.")),
    _f("creator", FieldKind.TEXT, "責任者", "责任者", "Creator",
       options={"fold_variants": True, "blank_values": BLANK_VALUES}),
    _f("doc_no", FieldKind.TEXT, "文號", "文号", "Document no.",
       options={"blank_values": BLANK_VALUES} | IDENTIFIER),
    _f("title", FieldKind.TEXT, "題名", "题名", "Title", required=True,
       options={"fold_variants": True} | TITLE),
    _f("date", FieldKind.DATE, "日期", "日期", "Date", required=True),
    _f("classification", FieldKind.SELECT, "密級", "密级", "Security classification",
       choices=SECRECY_LEVELS),
    _f("pages", FieldKind.INTEGER, "頁數", "页数", "Pages", options={"page_count": True}),
    _f("notes", FieldKind.LONG_TEXT, "備註", "备注", "Notes",
       options={"fuzzy_threshold": 90, "blank_values": BLANK_VALUES}),
]

ENGLISH_ARCHIVAL: list[FieldDef] = [
    _f("reference_code", FieldKind.TEXT, "檔號", "档号", "Reference code", options=IDENTIFIER),
    _f("title", FieldKind.TEXT, "題名", "题名", "Title", required=True, options=TITLE),
    _f("creator", FieldKind.TEXT, "責任者", "责任者", "Creator",
       options={"blank_values": BLANK_VALUES_EN}),
    _f("date", FieldKind.DATE, "日期", "日期", "Date", required=True),
    _f("extent", FieldKind.TEXT, "數量", "数量", "Extent",
       help=_help("如「3 頁」。", "如“3 页”。", "E.g. 3 pages.")),
    _f("scope_content", FieldKind.LONG_TEXT, "內容提要", "内容提要", "Scope and content",
       options={"fuzzy_threshold": 85, "blank_values": BLANK_VALUES_EN}),
    _f("notes", FieldKind.LONG_TEXT, "附註", "附注", "Notes",
       options={"fuzzy_threshold": 90, "blank_values": BLANK_VALUES_EN}),
]

TEMPLATES: dict[str, list[FieldDef]] = {
    "republic_file_level": REPUBLIC_FILE_LEVEL,
    "dat22_item_level": DAT22_ITEM_LEVEL,
    "english_archival": ENGLISH_ARCHIVAL,
}
# How each template composes its reference code (檔號) from its fields.
REFERENCE_FORMATS: dict[str, str] = {
    "republic_file_level": "{fonds_no}-{catalog_no}-{volume_no}-{item_no}",
    "dat22_item_level": "{fonds_no}-{year}-{retention}-{org_class}-{item_no}",
    "english_archival": "{reference_code}",  # keyed whole
}


def apply_template(session: Session, project: Project, name: str) -> list[FieldSpec]:
    """Give a project (that has no fields yet) the fields of template `name`."""
    if name not in TEMPLATES:
        raise KeyError(name)
    specs = [
        FieldSpec(position=i, **({"required": False, "keyed": True, "choices": [], "options": {},
                                  "help": {}} | definition))
        for i, definition in enumerate(TEMPLATES[name])
    ]
    project.fields.extend(specs)
    session.flush()
    return specs
