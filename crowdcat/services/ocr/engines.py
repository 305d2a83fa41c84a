"""The OCR engine interface, the engines by name, and the default engine.

An engine reads one decoded image and returns raw lines (text, confidence, polygon in the
image's pixels); it never downloads anything: engines whose models are not on this machine
say so with EngineUnavailable. Engines are made once per process (models load in seconds).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache

from crowdcat.services.ocr.base import EngineUnavailable, OcrEngine, RawLine, UnreadableImage

__all__ = ["DEFAULT_ENGINE", "ENGINES", "EngineUnavailable", "OcrEngine", "RawLine",
           "UnreadableImage", "get_engine"]

DEFAULT_ENGINE = "rapidocr"


def _rapidocr() -> OcrEngine:
    """The default: RapidOCR with the PP-OCR models shipped in its wheel."""
    from crowdcat.services.ocr.rapid import RapidEngine

    return RapidEngine()


def _tesseract() -> OcrEngine:
    """Debian's Tesseract with chi_tra and chi_tra_vert, in one pass."""
    from crowdcat.services.ocr.tesseract import TesseractEngine

    return TesseractEngine()


ENGINES: dict[str, Callable[[], OcrEngine]] = {"rapidocr": _rapidocr, "tesseract": _tesseract}


@cache
def get_engine(name: str = DEFAULT_ENGINE) -> OcrEngine:
    """The engine of that name, made once per process (EngineUnavailable if it cannot run)."""
    if name not in ENGINES:
        raise EngineUnavailable(f"unknown OCR engine {name!r}; known: {', '.join(ENGINES)}")
    return ENGINES[name]()
