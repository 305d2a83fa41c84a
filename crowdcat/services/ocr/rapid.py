"""RapidOCR (onnxruntime) with the PP-OCR models that ship inside the rapidocr wheel.

Every model path is given explicitly, so RapidOCR never looks for (or downloads) a model
elsewhere; a missing file is EngineUnavailable, not a download.
"""
from __future__ import annotations

import logging
import threading
from importlib import metadata
from pathlib import Path

import numpy as np
from PIL import Image

from crowdcat.services.ocr.base import EngineUnavailable, RawLine, UnreadableImage

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"


def model_dir() -> Path:
    """Where the wheel keeps its models."""
    try:
        import rapidocr
    except ImportError as exc:
        raise EngineUnavailable("rapidocr is not installed (pip install -r requirements.txt)"
                                ) from exc
    return Path(rapidocr.__file__).resolve().parent / "models"


class RapidEngine:
    """PP-OCR detection, direction classification and recognition, offline."""

    name = "rapidocr"

    def __init__(self) -> None:
        folder = model_dir()
        paths = {task: folder / file for task, file in
                 (("Det", DET_MODEL), ("Rec", REC_MODEL), ("Cls", CLS_MODEL))}
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise EngineUnavailable(f"RapidOCR model files missing: {', '.join(missing)}")
        from rapidocr import RapidOCR

        params: dict[str, object] = {f"{task}.model_path": str(path)
                                     for task, path in paths.items()}
        params["Global.log_level"] = "warning"
        self._ocr = RapidOCR(params=params)
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        # One call at a time per process: onnxruntime already uses every core for one image.
        self._lock = threading.Lock()
        self.model_version = (
            f"rapidocr {metadata.version('rapidocr')}, onnxruntime "
            f"{metadata.version('onnxruntime')}: {DET_MODEL}, {REC_MODEL}, {CLS_MODEL}")

    def read(self, image: Image.Image) -> list[RawLine]:
        """Recognise the lines of one image."""
        array = np.asarray(image.convert("RGB"))
        try:
            with self._lock:
                result = self._ocr(array)
        except Exception as exc:  # noqa: BLE001 - the engine may fail on odd images in any way
            raise UnreadableImage(f"RapidOCR failed: {exc}") from exc
        if result.boxes is None or not result.txts:
            return []
        return [RawLine(text=str(text), confidence=float(score),
                        polygon=tuple((float(x), float(y)) for x, y in box))
                for box, text, score in zip(result.boxes, result.txts, result.scores or (),
                                            strict=False)]
