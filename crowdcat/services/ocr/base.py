"""What every OCR engine shares: the protocol, a raw line, and the two ways it can fail."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PIL import Image


class EngineUnavailable(RuntimeError):
    """The engine or its model files are not installed on this machine."""


class UnreadableImage(RuntimeError):
    """The engine could not read this image (the reason is the message)."""


@dataclass(frozen=True)
class RawLine:
    """One recognised line as an engine returns it."""

    text: str
    confidence: float  # 0..1
    polygon: tuple[tuple[float, float], ...]  # corners in image pixels, clockwise


class OcrEngine(Protocol):
    """What every engine offers."""

    name: str
    model_version: str

    def read(self, image: Image.Image) -> list[RawLine]:
        """Recognise the text lines of an RGB or greyscale image."""
        ...
