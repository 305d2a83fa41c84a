"""Drawing primitives for demo page images: fonts, vertical text, seals, aged paper."""

from __future__ import annotations

import math
import random
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

WIDTH, HEIGHT = 1240, 1754
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILES: dict[str, str] = {
    "song": "NotoSerifCJKtc-Regular-demo.otf",
    "kai": "LXGWWenKaiTC-Regular-demo.ttf",
}
# Characters replaced by their vertical presentation forms in vertical text.
VERTICAL_FORMS: dict[str, str] = {
    "：": "︰", "（": "︵", "）": "︶", "〔": "︹", "〕": "︺", "—": "︱",
}
RED_INK = (210, 58, 52)  # how much of each paper channel red seal ink lets through
PAPER_STAIN = (150, 118, 70)
_NO_BREAK_BEFORE = set("，。、：；︰︶︺」』")
Font = ImageFont.FreeTypeFont


def noise(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Return seeded uniform noise (Pillow's effect_noise is not seedable)."""
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


@lru_cache(maxsize=64)
def font(kind: str, size: int) -> Font:
    """Load a bundled font ("song" or "kai") at a pixel size."""
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[kind]), size)


def _vertical_cells(text: str) -> list[str]:
    """Split text into vertical cells: one character, or a run of at most two digits."""
    cells: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j].isascii() and text[j].isdigit():
            j += 1
        if j - i in (1, 2):
            cells.append(text[i:j])
            i = j
        elif j - i > 2:
            cells.extend(text[i:j])
            i = j
        else:
            cells.append(VERTICAL_FORMS.get(text[i], text[i]))
            i += 1
    return cells


class Sheet:
    """A page being drawn: a black-ink mask and a red-ink mask over aged paper."""

    def __init__(self, rng: random.Random, *, hand: bool) -> None:
        """Start an empty sheet; hand=True jitters characters like hand writing."""
        self.rng = rng
        self.hand = hand
        self.ink = Image.new("L", (WIDTH, HEIGHT), 0)
        self.red = Image.new("L", (WIDTH, HEIGHT), 0)
        self.layers = {"ink": ImageDraw.Draw(self.ink), "red": ImageDraw.Draw(self.red)}
        self.drawn: list[str] = []

    def text(self, xy: tuple[float, float], text: str, size: int, *, kind: str = "song",
             layer: str = "ink", anchor: str = "la", stroke: int = 0) -> float:
        """Draw horizontal text; return the x where it ends."""
        self.drawn.append(text)
        face = font(kind, size)
        draw = self.layers[layer]
        if not self.hand or kind != "kai":
            draw.text(xy, text, fill=255, font=face, anchor=anchor, stroke_width=stroke,
                      stroke_fill=255)
            return xy[0] + face.getlength(text)
        x, y = xy
        if anchor[0] == "m":
            x -= face.getlength(text) / 2
        for ch in text:
            jitter = self.rng.uniform(-1.5, 1.5)
            draw.text((x, y + jitter), ch, fill=255, font=face, anchor="l" + anchor[1])
            x += face.getlength(ch) * self.rng.uniform(0.97, 1.04)
        return x

    def vtext(self, x: float, y: float, text: str, size: int, *, kind: str = "song",
              layer: str = "ink", pitch: float = 1.12, bottom: float | None = None,
              column_gap: float = 1.5) -> tuple[float, float]:
        """Draw text top to bottom centred on x, wrapping leftwards; return the end (x, y)."""
        self.drawn.append(text)
        face = font(kind, size)
        draw = self.layers[layer]
        top = y
        for cell in _vertical_cells(text):
            if bottom is not None and y + size > bottom and cell not in _NO_BREAK_BEFORE:
                x, y = x - size * column_gap, top
            dx = dy = 0.0
            if self.hand and kind == "kai":
                dx, dy = self.rng.uniform(-2, 2), self.rng.uniform(-1.5, 1.5)
            if cell in "[]":
                self._rotated(draw, (x + dx, y + size / 2), cell, face)
            else:
                cell_face = face if len(cell) == 1 or face.getlength(cell) <= size \
                    else font(kind, int(size * 0.7))
                draw.text((x + dx, y + size / 2 + dy), cell, fill=255, font=cell_face,
                          anchor="mm")
            y += size * pitch
        return x, y

    def _rotated(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], ch: str,
                 face: Font) -> None:
        """Draw one character turned 90° clockwise, centred on xy."""
        size = int(face.size * 1.3)
        tile = Image.new("L", (size, size), 0)
        ImageDraw.Draw(tile).text((size / 2, size / 2), ch, fill=255, font=face, anchor="mm")
        tile = tile.rotate(-90)
        mask = self.ink if draw is self.layers["ink"] else self.red
        mask.paste(255, (int(xy[0] - size / 2), int(xy[1] - size / 2)), tile)

    def rect(self, box: tuple[float, float, float, float], *, layer: str = "ink",
             width: int = 2) -> None:
        """Draw a ruled box."""
        self.layers[layer].rectangle(box, outline=255, width=width)

    def line(self, points: list[tuple[float, float]], *, layer: str = "ink",
             width: int = 2) -> None:
        """Draw a ruled line."""
        self.layers[layer].line(points, fill=255, width=width)

    def seal(self, center: tuple[float, float], text: str, side: int) -> None:
        """Stamp a square red seal with the text in right-to-left columns."""
        self.drawn.append(text)
        count = len(text)
        cols = 2 if count <= 4 else 3 if count <= 9 else 4
        rows = -(-count // cols)
        tile = Image.new("L", (side, side), 0)
        draw = ImageDraw.Draw(tile)
        draw.rectangle((4, 4, side - 5, side - 5), outline=255, width=max(6, side // 28))
        inner = side - 2 * (side // 10)
        cell_w, cell_h = inner / cols, inner / rows
        face = font("song", int(min(cell_w, cell_h) * 0.92))
        for i, ch in enumerate(text):
            col, row = divmod(i, rows)
            cx = side - side // 10 - cell_w * (col + 0.5)
            cy = side // 10 + cell_h * (row + 0.5)
            draw.text((cx, cy), ch, fill=255, font=face, anchor="mm", stroke_width=2,
                      stroke_fill=255)
        speckle = noise(self.rng, (side // 3, side // 3)).resize((side, side)).point(
            lambda v: 0 if v < 45 else 255)
        tile = ImageChops.multiply(tile, speckle).rotate(self.rng.uniform(-8, 8))
        self.red.paste(230, (int(center[0] - side / 2), int(center[1] - side / 2)), tile)

    def box_stamp(self, xy: tuple[float, float], text: str, size: int) -> None:
        """Stamp a red framed word such as 機密 or 抄件."""
        self.drawn.append(text)
        face = font("song", size)
        width = face.getlength(text)
        x, y = xy
        draw = self.layers["red"]
        draw.rectangle((x - 12, y - 10, x + width + 12, y + size + 14), outline=230, width=5)
        draw.text((x, y), text, fill=230, font=face, stroke_width=1, stroke_fill=230)

    def finish(self, *, faint: bool, angle: float) -> Image.Image:
        """Composite the ink onto aged paper, then tilt like a scan."""
        rng = self.rng
        channels = aged_paper(rng)
        strength = rng.uniform(0.42, 0.58) if faint else rng.uniform(0.86, 0.95)
        uneven = noise(rng, (WIDTH // 8, HEIGHT // 8)).point(
            lambda v: int(255 * strength * (0.8 + v / 1275))).resize(
            (WIDTH, HEIGHT), Image.Resampling.BILINEAR)
        ink, red = self.ink, self.red
        if angle:
            ink = ink.rotate(angle, resample=Image.Resampling.BILINEAR)
            red = red.rotate(angle, resample=Image.Resampling.BILINEAR)
        ink = ImageChops.invert(ImageChops.multiply(ink, uneven))
        red = ImageChops.multiply(red, uneven)
        for i, keep in enumerate(RED_INK):
            channels[i] = ImageChops.multiply(channels[i], ink)
            if keep < 255:
                factor = red.point(lambda v, k=keep: 255 - v * (255 - k) // 255)
                channels[i] = ImageChops.multiply(channels[i], factor)
        page = Image.merge("RGB", channels)
        if angle:
            page.paste((46, 44, 41), mask=_outside_page(angle))
        return page


def _outside_page(angle: float) -> Image.Image:
    """Return a mask of what a scanner sees around a sheet tilted by angle degrees."""
    theta = math.radians(angle)
    cx, cy = WIDTH / 2, HEIGHT / 2
    corners = [(-cx, -cy), (cx, -cy), (cx, cy), (-cx, cy)]
    polygon = [(cx + dx * math.cos(theta) + dy * math.sin(theta),
                cy - dx * math.sin(theta) + dy * math.cos(theta)) for dx, dy in corners]
    mask = Image.new("L", (WIDTH, HEIGHT), 255)
    ImageDraw.Draw(mask).polygon(polygon, fill=0)
    return mask


@lru_cache(maxsize=1)
def _grain() -> Image.Image:
    """Return the fine paper grain, shared by all pages."""
    return noise(random.Random(0), (WIDTH, HEIGHT)).point(lambda v: v * 11 // 255)


@lru_cache(maxsize=1)
def _edges() -> Image.Image:
    """Return the darkening towards the sheet's edges, at one eighth of the page size."""
    edges = Image.radial_gradient("L").resize((WIDTH // 8, HEIGHT // 8))
    return edges.point(lambda v: max(0, v - 150))


def aged_paper(rng: random.Random) -> list[Image.Image]:
    """Make yellowed paper (R, G, B channels) with stains, darker edges and grain."""
    base = (rng.randint(226, 240), rng.randint(214, 228), rng.randint(178, 196))
    stain = noise(rng, (12, 17)).resize((WIDTH // 8, HEIGHT // 8), Image.Resampling.BICUBIC)
    shade = ImageChops.add(_edges(), stain.point(lambda v: max(0, v - 150) // 2))
    shade = shade.resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(shade)
    for _ in range(rng.randint(2, 9)):
        x, y, r = rng.randint(0, WIDTH), rng.randint(0, HEIGHT), rng.randint(3, 14)
        draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=rng.randint(60, 110))
    if rng.random() < 0.4:
        fold = HEIGHT // 2 + rng.randint(-40, 40)
        draw.line([(0, fold), (WIDTH, fold + rng.randint(-12, 12))], fill=70, width=3)
    shade = ImageChops.add(shade, _grain())
    return [shade.point(lambda v, b=b, d=d: b + (d - b) * v // 255)
            for b, d in zip(base, PAPER_STAIN, strict=True)]
