"""Debian's Tesseract (apt-get install tesseract-ocr tesseract-ocr-chi-tra
tesseract-ocr-chi-tra-vert), run as a program: chi_tra and chi_tra_vert in one pass, page
layout analysis finding horizontal and vertical lines."""
from __future__ import annotations

import io
import shutil
import subprocess
from collections import defaultdict

from PIL import Image

from crowdcat.services.ocr.base import EngineUnavailable, RawLine, UnreadableImage

LANGUAGES = "chi_tra+chi_tra_vert"
TIMEOUT = 300


def _languages(program: str) -> set[str]:
    """The trained languages Tesseract finds."""
    listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True,
                            timeout=30, check=False)
    return {line.strip() for line in listed.stdout.splitlines()[1:]}


class TesseractEngine:
    """Tesseract 5 (LSTM) with the Traditional Chinese models, horizontal and vertical."""

    name = "tesseract"

    def __init__(self) -> None:
        program = shutil.which("tesseract")
        if program is None:
            raise EngineUnavailable("tesseract is not installed (apt-get install tesseract-ocr "
                                    "tesseract-ocr-chi-tra tesseract-ocr-chi-tra-vert)")
        missing = set(LANGUAGES.split("+")) - _languages(program)
        if missing:
            raise EngineUnavailable(f"Tesseract lacks {', '.join(sorted(missing))}")
        self.program = program
        version = subprocess.run([program, "--version"], capture_output=True, text=True,
                                 timeout=30, check=False).stdout.split("\n", 1)[0]
        self.model_version = f"{version.strip()}: {LANGUAGES}, --psm 3"

    def read(self, image: Image.Image) -> list[RawLine]:
        """Recognise the lines of one image (TSV output, words grouped into lines)."""
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "PNG")
        try:
            done = subprocess.run([self.program, "stdin", "stdout", "-l", LANGUAGES,
                                   "--psm", "3", "tsv"], input=buffer.getvalue(),
                                  capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UnreadableImage(f"Tesseract took longer than {TIMEOUT} s") from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise UnreadableImage(f"Tesseract failed: {detail[-1] if detail else done.returncode}")
        return _lines(done.stdout.decode("utf-8", "replace"))


def _lines(tsv: str) -> list[RawLine]:
    """Group TSV words (level 5) into their lines (level 4 boxes)."""
    boxes: dict[tuple[str, ...], tuple[int, int, int, int]] = {}
    words: dict[tuple[str, ...], list[tuple[str, float]]] = defaultdict(list)
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12:
            continue
        key = tuple(cols[1:5])
        x, y, w, h = (int(v) for v in cols[6:10])
        if cols[0] == "4":
            boxes[key] = (x, y, w, h)
        elif cols[0] == "5" and cols[11].strip() and float(cols[10]) >= 0:
            words[key].append((cols[11].strip(), float(cols[10]) / 100))
    lines = []
    for key, found in words.items():
        x, y, w, h = boxes.get(key, (0, 0, 0, 0))
        text = _join([t for t, _c in found])
        if not text:
            continue
        confidence = sum(c * len(t) for t, c in found) / max(1, sum(len(t) for t, _c in found))
        lines.append(RawLine(text=text, confidence=round(confidence, 4),
                             polygon=((x, y), (x + w, y), (x + w, y + h), (x, y + h))))
    return lines


def _join(tokens: list[str]) -> str:
    """Join words: no space between CJK characters, one between Latin words or digits."""
    out = ""
    for token in tokens:
        if out and out[-1].isascii() and out[-1].isalnum() and token[0].isascii() \
                and token[0].isalnum():
            out += " "
        out += token
    return out
