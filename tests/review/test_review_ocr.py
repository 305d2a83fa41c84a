"""The review screen shows the machine reading beside the keyed values, as a hint."""
from __future__ import annotations

from crowdcat.models import Item
from crowdcat.services.ocr import pipeline
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, get_engine

AGREED = {"title": "呈報縣政府修築公路經費", "date": "民國三十七年五月十日", "pages": "3"}
LINES = [{"text": "事由：為呈報縣政府修築公路經費由", "confidence": 0.97, "box": [10, 10, 40, 600],
          "polygon": [], "vertical": True},
         {"text": "中華民國三十七年五月十日", "confidence": 0.72, "box": [60, 10, 40, 500],
          "polygon": [], "vertical": True}]


def test_the_reading_is_listed_and_found_values_are_pointed_out(client, factory, rf, reviewer,
                                                                session):
    project = factory.project()
    entry = rf.entry(project, [AGREED, AGREED])
    image = session.get(Item, entry.item_id).images[0]
    pipeline.store(session, image, get_engine(DEFAULT_ENGINE),
                   pipeline.Reading(lines=LINES, vertical=True))
    session.commit()
    html = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    assert "機器辨識（OCR）" in html
    assert '<ol class="ocr-lines vertical"' in html
    assert '<li class="low">中華民國三十七年五月十日</li>' in html  # low confidence marked
    # Beside the title and the date: the line the keyed value was found in; not beside 頁數 3.
    assert html.count("機器辨識（OCR）中：") == 2
    assert "<q lang=\"zh-Hant\">事由：為呈報縣政府修築公路經費由</q>" in html
    # A hint only: the proposed values are the volunteers', unchanged.
    assert f'value="{AGREED["title"]}"' in html


def test_without_a_reading_the_screen_has_no_ocr_panel(client, factory, rf, reviewer):
    entry = rf.entry(factory.project(), [AGREED, AGREED])
    html = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    assert 'id="review-ocr"' not in html and "機器辨識（OCR）中：" not in html


def test_each_page_of_an_item_has_its_reading_and_values_are_found_on_any_page(
        client, factory, rf, reviewer, session):
    project = factory.project()
    item = factory.item(project, images=3)
    entry = rf.entry(project, [AGREED, AGREED], page=item)
    first, _, last = item.images
    engine = get_engine(DEFAULT_ENGINE)
    pipeline.store(session, first, engine, pipeline.Reading(lines=LINES[:1], vertical=True))
    pipeline.store(session, last, engine, pipeline.Reading(lines=LINES[1:], vertical=True))
    session.commit()
    html = client.get(f"/review/entries/{entry.id}").get_data(as_text=True)
    # The title stands on page 1, the date on the last page: both are pointed out.
    assert "<q lang=\"zh-Hant\">事由：為呈報縣政府修築公路經費由</q>" in html
    assert "<q lang=\"zh-Hant\">中華民國三十七年五月十日</q>" in html
    assert "第 1 / 3 頁</h3>" in html and "第 3 / 3 頁</h3>" in html
    assert "第 2 / 3 頁</h3>" not in html  # page 2 has no reading
    # The viewer beside the fields has the item's page strip.
    assert 'class="viewer-pager"' in html
    for image in item.images:
        assert f"/scans/{image.id}/thumbnail" in html
