"""OCR suggestions: the three extractors over recognised lines, and over an item's pages."""
from __future__ import annotations

import pytest

from crowdcat.models import FieldKind
from crowdcat.services.ocr import pipeline, suggestions
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, get_engine
from crowdcat.services.ocr.suggestions import date, doc_no, title


@pytest.mark.parametrize(("lines", "expected"), [
    (["浙江省政府訓令", "府秘字第589號"], "府秘字第589號"),
    (["浙江省政府訓令府秘字第五八九號"], "府秘字第五八九號"),  # the prefix stops at 令
    (["（三七）建一字第４５號"], "（三七）建一字第４５號"),  # full-width digits, year in brackets
    (["文號：財字第一二三号"], "財字第一二三号"),
    (["府 秘 字 第 一 二 三 號"], "府秘字第一二三號"),  # OCR spaces out the characters
    (["事由為整頓田賦由", "中華民國三十七年五月十日"], None),
    (["字第十號"], None),  # no prefix: not a document number
])
def test_document_number(lines, expected):
    assert doc_no(lines) == expected


@pytest.mark.parametrize(("lines", "expected"), [
    (["呈為請撥經費由", "謹呈", "浙江省政府主席", "中華民國三十七年五月十日", "杭州市長 周象賢"],
     "中華民國三十七年五月十日"),
    (["民國卅七年五月", "附件"], "民國卅七年五月"),
    (["1948年5月10日"], "1948年5月10日"),
    (["三十七年十三月一日"], None),  # no thirteenth month: not a date
    (["民國三十七年五月十日"] + ["正文"] * 10, None),  # only the last lines are searched
    (["本府於民國二十年一月一日成立", "特此令知", "中華民國三十七年五月十日"],
     "中華民國三十七年五月十日"),  # the lowest date: the document's own
])
def test_date_in_the_last_lines(lines, expected):
    assert date(lines) == expected


@pytest.mark.parametrize(("lines", "expected"), [
    (["浙江省政府訓令", "事由：為整頓田賦徵收辦法由", "令杭州市政府"], "整頓田賦徵收辦法"),
    (["事由為整頓田賦徵收辦法由"], "整頓田賦徵收辦法"),  # a vertical column, no colon
    (["案由", "為呈報本年度預算由"], "呈報本年度預算"),  # the label alone in its cell
    (["事由：關於辦理戶口普查的代電。"], "關於辦理戶口普查的代電"),  # no framing to strip
    (["令杭州市政府"], None),
])
def test_title_after_the_subject_label(lines, expected):
    assert title(lines) == expected


FIELDS = [
    {"key": "doc_no", "kind": FieldKind.TEXT, "labels": {"zh_Hant": "文號"},
     "options": {"ocr_suggest": "doc_no"}},
    {"key": "title", "kind": FieldKind.TEXT, "labels": {"zh_Hant": "題名"},
     "options": {"ocr_suggest": "title"}},
    {"key": "date", "kind": FieldKind.DATE, "labels": {"zh_Hant": "日期"},
     "options": {"ocr_suggest": "date"}},
    {"key": "creator", "kind": FieldKind.TEXT, "labels": {"zh_Hant": "責任者"}},
]


def _read(session, image, texts):
    lines = [{"text": text, "confidence": 0.9, "box": [0, 40 * n, 300, 40], "vertical": False}
             for n, text in enumerate(texts)]
    pipeline.store(session, image, get_engine(DEFAULT_ENGINE), pipeline.Reading(lines=lines))
    session.commit()


def test_an_items_number_and_title_come_from_its_first_page_and_date_from_its_last(session,
                                                                                  factory):
    project = factory.project(fields=FIELDS)
    item = factory.item(project, images=3)
    first, middle, last = item.images
    _read(session, first, ["浙江省政府訓令", "府秘字第589號", "事由：為整頓田賦徵收辦法由"])
    _read(session, middle, ["民國二十年一月一日", "建字第1號"])
    _read(session, last, ["此令", "中華民國三十七年五月十日"])
    found = suggestions.for_item(session, item)
    assert {key: value["value"] for key, value in found.items()} == {
        "doc_no": "府秘字第589號", "title": "整頓田賦徵收辦法", "date": "中華民國三十七年五月十日"}
    assert found["date"]["image_id"] == last.id and found["date"]["position"] == 3
    assert found["doc_no"]["image_id"] == first.id


def test_an_unread_or_failed_page_suggests_nothing(session, factory):
    project = factory.project(fields=FIELDS)
    item = factory.item(project, images=2)
    pipeline.store(session, item.images[0], get_engine(DEFAULT_ENGINE),
                   pipeline.Reading(error="the scan could not be decoded"))
    session.commit()
    assert suggestions.for_item(session, item) == {}
