"""The default OCR engine, for real (no mock), on images whose text the test drew."""
from __future__ import annotations

from PIL import Image

from crowdcat.services.ocr import layout
from crowdcat.services.ocr.engines import DEFAULT_ENGINE, RawLine, get_engine
from crowdcat.services.ocr.pipeline import read_image
from crowdcat.services.ocr.rapid import model_dir
from tests.services.ocr.conftest import HORIZONTAL, VERTICAL, text_image


def test_the_default_engine_reads_printed_traditional_chinese_with_boxes():
    image = text_image()
    reading = read_image(get_engine(DEFAULT_ENGINE), image)
    assert reading.error is None and not reading.vertical
    assert [line["text"] for line in reading.lines] == list(HORIZONTAL)
    first, second = reading.lines
    assert first["box"][1] < second["box"][1]  # rows top to bottom
    for line in reading.lines:
        x, y, w, h = line["box"]
        assert x >= 0 and y >= 0 and x + w <= image.width + 2 and y + h <= image.height + 2
        assert w > h  # a horizontal line
        assert 0.5 < line["confidence"] <= 1


def test_vertical_columns_are_read_right_to_left():
    reading = read_image(get_engine(DEFAULT_ENGINE), text_image(VERTICAL, vertical=True))
    assert reading.vertical
    assert [line["text"] for line in reading.lines] == list(VERTICAL)


def test_boxes_are_scaled_back_to_the_page_size():
    image = text_image()
    half = image.resize((image.width // 2, image.height // 2))
    reading = read_image(get_engine(DEFAULT_ENGINE), half, scale=0.5)
    assert reading.lines[0]["box"][0] >= 30  # the text starts 40 px in on the page


def test_a_blank_image_reads_as_no_lines_without_error():
    reading = read_image(get_engine(DEFAULT_ENGINE), Image.new("RGB", (300, 200), "white"))
    assert reading.lines == [] and reading.error is None


def test_the_wheel_ships_every_model_file_the_engine_uses():
    engine = get_engine(DEFAULT_ENGINE)
    for name in ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx",
                 "ch_ppocr_mobile_v2.0_cls_mobile.onnx"):
        assert (model_dir() / name).is_file()
        assert name in engine.model_version


def test_reading_order_puts_headings_above_columns_first():
    def raw(text, x, y, w, h):
        return RawLine(text, 0.9, ((x, y), (x + w, y), (x + w, y + h), (x, y + h)))

    lines, vertical = layout.arrange([
        raw("左列文字在後", 100, 300, 40, 400), raw("右列文字在前", 300, 300, 40, 400),
        raw("題名：某某", 80, 100, 300, 40), raw("右列下半", 305, 720, 40, 200)])
    assert vertical
    assert [line["text"] for line in lines] == ["題名：某某", "右列文字在前", "右列下半",
                                                "左列文字在後"]
