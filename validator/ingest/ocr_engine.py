"""The OCR engine: RapidOCR (PP-OCRv4 detection and recognition, ONNX models shipped in its wheel,
nothing downloaded at run time), used by its two parts separately.

Detection runs on the page scaled down (a text line is found as well at ~120 dpi, and detection is
the costly part of the whole page at 200 dpi); recognition runs on crops of the full-resolution
page, so that digits are read from every pixel the scan has. The optional extra `nianbao[ocr]`
installs it; without it `available()` is False and a scan is reported (I4) as before.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

_DET_SIDE = 1280  # pixels: the longer side of the page as detection sees it


@dataclass(frozen=True)
class Box:
    """A piece of text the engine read: its text, confidence (0–1) and box in page pixels."""
    text: str
    conf: float
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def available() -> bool:
    """Whether OCR can run: the extra is installed and not switched off (NIANBAO_OCR=off, for fast
    runs that report scans and unreadable layers instead of reading them)."""
    if os.environ.get("NIANBAO_OCR", "").strip().lower() in ("off", "0", "no", "false"):
        return False
    try:
        _engine()
    except Exception:  # noqa: BLE001 - not installed, or cv2/onnxruntime fail to load
        return False
    return True


@cache
def _engine():
    import logging

    from validator.limits import OCR_SECONDS_PER_PAGE, allow_more

    allow_more(OCR_SECONDS_PER_PAGE)  # loading the models takes a second or two: not the file's time
    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(use_cls=False)


def detect(img):
    """Quadrilaterals (4×2 arrays, full-resolution pixels) of the text the page holds, top to bottom."""
    import cv2
    import numpy as np

    from validator.limits import OCR_SECONDS_PER_PAGE, allow_more

    allow_more(OCR_SECONDS_PER_PAGE)  # OCR is slow, not stuck: the time limit grows with each image
    eng = _engine()
    h, w = img.shape[:2]
    r = min(1.0, _DET_SIDE / max(h, w))
    sw, sh = max(32, int(w * r) // 32 * 32), max(32, int(h * r) // 32 * 32)
    small = cv2.resize(img, (sw, sh), interpolation=cv2.INTER_AREA) if r < 1 else img
    boxes, _ = eng.text_det(small)
    if boxes is None or not len(boxes):
        return []
    scale = np.array([w / small.shape[1], h / small.shape[0]], dtype=np.float32)
    return [np.asarray(b, dtype=np.float32) * scale for b in boxes]


def recognise(crops: list) -> list[tuple[str, float]]:
    """Text and confidence of each crop (an RGB array of one line or one cell)."""
    if not crops:
        return []
    from validator.limits import allow_more

    allow_more(0.05 * len(crops))  # a table's cells are read one crop each: more text, more time
    res, _ = _engine().text_rec(crops)
    return [(t, float(c)) for t, c in res]


def crop(img, quad):
    """The quadrilateral's contents, straightened (the engine's own perspective crop)."""
    return _engine().get_crop_img_list(img, [quad])[0]


def read(img) -> list[Box]:
    """Every text line of the image, detected and recognised."""
    quads = detect(img)
    texts = recognise([crop(img, q) for q in quads])
    out = []
    for q, (text, conf) in zip(quads, texts, strict=True):
        text = text.strip()
        if text:
            out.append(Box(text, conf, float(q[:, 0].min()), float(q[:, 1].min()),
                           float(q[:, 0].max()), float(q[:, 1].max())))
    return out
