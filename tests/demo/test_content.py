"""Demo project content and page images: records, font coverage, JPEG output, determinism."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from crowdcat.demo import content as demo_content
from crowdcat.demo.content import (
    CLASSIFICATIONS,
    DEMO_RECORDS,
    DOC_TYPES,
    FIELD_KEYS,
    LANGUAGES,
    MULTI_PAGE,
    all_characters,
    image_count,
    seal_text,
)
from crowdcat.demo.images import (
    STYLES,
    render_all,
    render_page,
    render_with_text,
    style_for,
)
from crowdcat.demo.paper import FONT_DIR, FONT_FILES, HEIGHT, WIDTH, font

REFS = ("fonds_no", "catalog_no", "volume_no", "item_no")
NOT_A_GLYPH = "\ue000"  # a private-use code point no subset maps: draws .notdef


def _glyph(kind: str, ch: str) -> bytes:
    """Draw one character and return its pixels."""
    image = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(image).text((32, 32), ch, fill=255, font=font(kind, 40), anchor="mm")
    return image.tobytes()


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, str, bytes]]:
    """Render the whole demo once for the tests in this module."""
    return list(render_all())


@pytest.mark.parametrize("kind", sorted(FONT_FILES))
def test_font_subsets_cover_every_demo_character(kind: str) -> None:
    notdef = _glyph(kind, NOT_A_GLYPH)
    tofu = [ch for ch in all_characters() if not ch.isspace() and _glyph(kind, ch) == notdef]
    assert tofu == []


def test_font_files_are_small_and_licensed() -> None:
    for name in FONT_FILES.values():
        assert (FONT_DIR / name).stat().st_size < 300 * 1024
    assert len(list(FONT_DIR.glob("OFL-*.txt"))) == len(FONT_FILES)
    assert (FONT_DIR / "README.md").is_file()


def test_records_have_the_template_fields_and_valid_choices() -> None:
    assert 25 <= len(DEMO_RECORDS) <= 40
    for record in DEMO_RECORDS:
        assert tuple(record) == FIELD_KEYS
        assert record["title"] and record["creator"] and record["date"]
        assert isinstance(record["pages"], int) and record["pages"] > 0
        assert record["doc_type"] in DOC_TYPES
        assert record["classification"] in CLASSIFICATIONS
        assert record["language"] in LANGUAGES
        assert all(isinstance(record[key], str) for key in FIELD_KEYS if key != "pages")
    assert any(r["title"].startswith("[") and r["title"].endswith("]") for r in DEMO_RECORDS)
    assert {r["doc_type"] for r in DEMO_RECORDS} == set(DOC_TYPES)


def test_records_are_deterministic() -> None:
    assert demo_content._build() == DEMO_RECORDS
    assert all_characters() == all_characters()


def test_dates_come_in_mixed_typed_forms() -> None:
    dates = [r["date"] for r in DEMO_RECORDS]
    assert any(d.startswith("中華民國") for d in dates)
    assert any(any(c.isdigit() for c in d) for d in dates)
    assert any(d[0] in "廿卅" for d in dates)
    assert any(not d.endswith("日") for d in dates)


def test_render_all_yields_valid_jpegs(pages: list[tuple[str, str, bytes]]) -> None:
    names = [name for _, name, _ in pages]
    assert names[:6] == ["demo-001.jpg", "demo-002-01.jpg", "demo-002-02.jpg",
                         "demo-002-03.jpg", "demo-002-04.jpg", "demo-003.jpg"]
    assert len(names) == len(DEMO_RECORDS) + sum(n - 1 for n in MULTI_PAGE.values())
    assert [item for item, _, _ in pages].count("demo-002") == 4
    for _, _, data in pages:
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert image.size == (WIDTH, HEIGHT)
            assert image.mode == "RGB"
            image.load()
    assert sum(len(data) for _, _, data in pages) < 10 * 1024 * 1024


def test_a_multi_page_document_has_its_date_and_seal_on_its_last_page() -> None:
    for index, count in MULTI_PAGE.items():
        record = DEMO_RECORDS[index]
        assert record["pages"] == count == image_count(index)
        style = style_for(record, index)
        first = "".join(render_with_text(record, index, style=style, part="first")[1])
        last = "".join(render_with_text(record, index, style=style, part="last")[1])
        assert record["title"] in first and record["date"] not in first
        assert seal_text(record) not in first
        assert record["date"] in last and seal_text(record) in last
        assert record["title"] not in last


def test_pages_print_the_record_and_only_covered_characters() -> None:
    covered = set(all_characters())
    samples = [(i, style_for(r, i)) for i, r in enumerate(DEMO_RECORDS[:6])]
    samples += [(0, style) for style in STYLES]
    for index, style in samples:
        record = DEMO_RECORDS[index]
        _, drawn = render_with_text(record, index, style=style)
        shown = "".join(drawn)
        assert set(shown) <= covered
        for key in ("title", "creator", "doc_no", "date", *REFS, "pages"):
            assert str(record[key]) in shown, (index, style, key)


def test_supplied_titles_only_appear_on_forms() -> None:
    for index, record in enumerate(DEMO_RECORDS):
        if record["title"].startswith("["):
            assert style_for(record, index) in ("cover", "catalog")


def test_rendering_is_deterministic() -> None:
    for index in (0, 5):
        record = DEMO_RECORDS[index]
        style = style_for(record, index)
        first = render_page(record, index, style=style)
        second = render_page(record, index, style=style)
        assert first.tobytes() == second.tobytes()


def test_unknown_style_is_rejected() -> None:
    with pytest.raises(ValueError):
        render_page(DEMO_RECORDS[0], 0, style="watercolour")
