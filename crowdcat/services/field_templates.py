"""Field templates a project can start from.

Each template is a list of plain field definitions (the FieldSpec columns). The
Republic-era file-level template follows the 民國檔案文件級目錄 used by Chinese
provincial archives, in line with DA/T 22 and DA/T 18.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crowdcat.models import FieldKind, FieldSpec, Project

FieldDef = dict[str, Any]

DOC_TYPES = ["訓令", "指令", "命令", "呈", "咨", "公函", "代電", "布告", "報告", "批",
             "簽呈", "通知", "電報", "函", "其他"]
CLASSIFICATIONS = ["普通", "密", "機密", "絕密"]
LANGUAGES = ["漢語", "英語", "日語", "俄語", "漢英對照", "其他"]
# Typed when a value is really absent; they count as blank when votes are counted.
BLANK_VALUES = ["無", "无", "不詳", "不详", "/", "-"]


def _f(key: str, kind: FieldKind, hant: str, hans: str, en: str, **extra: Any) -> FieldDef:
    """One field definition with labels in the three UI languages."""
    return {"key": key, "kind": kind, "labels": {"zh_Hant": hant, "zh_Hans": hans, "en": en}} | extra


def _help(hant: str, hans: str, en: str) -> dict[str, str]:
    """Help text in the three UI languages."""
    return {"zh_Hant": hant, "zh_Hans": hans, "en": en}


REPUBLIC_FILE_LEVEL: list[FieldDef] = [
    _f("fonds_no", FieldKind.REFERENCE, "全宗號", "全宗号", "Fonds no."),
    _f("catalog_no", FieldKind.REFERENCE, "目錄號", "目录号", "Catalog no."),
    _f("volume_no", FieldKind.REFERENCE, "案卷號", "案卷号", "File no."),
    _f("item_no", FieldKind.REFERENCE, "件號", "件号", "Item no."),
    _f("reference_code", FieldKind.REFERENCE, "檔號", "档号", "Reference code", keyed=False,
       help=_help("由全宗號-目錄號-案卷號-件號組成，不需著錄。", "由全宗号-目录号-案卷号-件号组成，不需著录。",
                  "Composed from fonds-catalog-file-item; not keyed.")),
    _f("title", FieldKind.TEXT, "題名", "题名", "Title", required=True,
       options={"fold_variants": True},
       help=_help("照錄原文題名；原件無題名時自擬，並加 [ ]。",
                  "照录原文题名；原件无题名时自拟，并加 [ ]。",
                  "Copy the title as written; a title you supply goes in [ ].")),
    _f("creator", FieldKind.TEXT, "責任者", "责任者", "Creator",
       options={"fold_variants": True, "blank_values": BLANK_VALUES},
       help=_help("發文機關或個人。", "发文机关或个人。", "Issuing body or person.")),
    _f("doc_no", FieldKind.TEXT, "文號", "文号", "Document no.",
       options={"blank_values": BLANK_VALUES},
       help=_help("如「府秘字第一二三號」；沒有則留空。", "如“府秘字第一二三号”；没有则留空。",
                  "E.g. 府秘字第一二三號; leave empty if none.")),
    _f("recipient", FieldKind.TEXT, "受文者", "受文者", "Recipient",
       options={"fold_variants": True, "blank_values": BLANK_VALUES}),
    _f("date", FieldKind.DATE, "日期", "日期", "Date", required=True,
       help=_help("照原件著錄，如「民國三十七年五月十日」，系統會換算為公元。",
                  "照原件著录，如“民国三十七年五月十日”，系统会换算为公元。",
                  "As written, e.g. 民國三十七年五月十日; converted to the Gregorian calendar.")),
    _f("pages", FieldKind.INTEGER, "頁數", "页数", "Pages"),
    _f("doc_type", FieldKind.SELECT, "文種", "文种", "Document type", choices=DOC_TYPES),
    _f("classification", FieldKind.SELECT, "密級", "密级", "Classification",
       choices=CLASSIFICATIONS),
    _f("language", FieldKind.SELECT, "語種", "语种", "Language", choices=LANGUAGES,
       options={"default": "漢語"}),
    _f("notes", FieldKind.LONG_TEXT, "附註", "附注", "Notes",
       options={"fuzzy_threshold": 90, "blank_values": BLANK_VALUES}),
]

TEMPLATES: dict[str, list[FieldDef]] = {"republic_file_level": REPUBLIC_FILE_LEVEL}


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
