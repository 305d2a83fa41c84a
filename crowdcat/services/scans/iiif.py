"""A IIIF Image API 3.0 level-1 service over the scans, for OpenSeadragon.

Requests are parsed into a canonical (region, size) in pixels; a tile is cut from the
page's full-size JPEG once and cached. A request on the tile grid renders the whole
level at once (one decode, every tile of that level written), because a viewer that asks
for one tile of a level asks for its neighbours next.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from crowdcat.services.scans import images
from crowdcat.services.scans.derivatives import DerivativeStore, Derived

TILE = 512
MAX_OUTPUT = 4096  # largest size edge served (level 1 needs no upscaling; this bounds work)


class BadRequest(ValueError):
    """A IIIF URL we cannot serve (the view answers 400)."""


@dataclass(frozen=True)
class Request:
    """A region (x, y, w, h) of the full image, scaled to (sw, sh)."""

    x: int
    y: int
    w: int
    h: int
    sw: int
    sh: int

    @property
    def variant(self) -> str:
        """The cache name of this tile."""
        return f"tile-{self.x}-{self.y}-{self.w}-{self.h}-{self.sw}-{self.sh}"


def scale_factors(width: int, height: int) -> list[int]:
    """Powers of two until the whole image fits in one tile."""
    factors = [1]
    while max(width, height) / factors[-1] > TILE:
        factors.append(factors[-1] * 2)
    return factors


def info(service_id: str, width: int, height: int) -> dict[str, Any]:
    """The info.json of one page."""
    return {
        "@context": "http://iiif.io/api/image/3/context.json",
        "id": service_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level1",
        "width": width,
        "height": height,
        "tiles": [{"width": TILE, "scaleFactors": scale_factors(width, height)}],
        "extraFormats": [],
        "preferredFormats": ["jpg"],
    } | ({"maxWidth": MAX_OUTPUT, "maxHeight": MAX_OUTPUT}
         if max(width, height) > MAX_OUTPUT else {})


def parse(region: str, size: str, rotation: str, quality_format: str,
          width: int, height: int) -> Request:
    """Parse the URL parts of a level-1 request against an image of width × height."""
    if rotation != "0":
        raise BadRequest("rotation")
    if quality_format not in ("default.jpg", "color.jpg"):
        raise BadRequest("quality/format")
    x, y, w, h = _region(region, width, height)
    sw, sh = _size(size, w, h)
    if max(sw, sh) > MAX_OUTPUT or sw > w or sh > h:
        raise BadRequest("size")
    return Request(x, y, w, h, sw, sh)


def _ints(text: str, count: int) -> list[int]:
    """`count` non-negative integers separated by commas."""
    parts = text.split(",")
    if len(parts) != count or not all(p.isdigit() for p in parts):
        raise BadRequest(text)
    return [int(p) for p in parts]


def _region(region: str, width: int, height: int) -> tuple[int, int, int, int]:
    """full, square or x,y,w,h (clipped to the image)."""
    if region == "full":
        return 0, 0, width, height
    if region == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    x, y, w, h = _ints(region, 4)
    if w == 0 or h == 0 or x >= width or y >= height:
        raise BadRequest(region)
    return x, y, min(w, width - x), min(h, height - y)


def _size(size: str, w: int, h: int) -> tuple[int, int]:
    """max/full, w,  ,h  or w,h (level 1 and 2.x's 'full')."""
    if size in ("max", "full"):
        shrink = max(w, h) / MAX_OUTPUT
        return (w, h) if shrink <= 1 else (max(1, round(w / shrink)), max(1, round(h / shrink)))
    if size.startswith(","):
        sh = _ints(size[1:], 1)[0]
        return max(1, round(w * sh / h)), sh
    if size.endswith(","):
        sw = _ints(size[:-1], 1)[0]
        return sw, max(1, round(h * sw / w))
    sw, sh = _ints(size, 2)
    return sw, sh


def _on_grid(req: Request, width: int, height: int) -> int | None:
    """The scale factor if the request is a tile of the advertised grid, else None."""
    for factor in scale_factors(width, height):
        span = TILE * factor
        if req.x % span or req.y % span or req.w != min(span, width - req.x) \
                or req.h != min(span, height - req.y):
            continue
        if req.sw == _level_edge(req.x, req.w, width, factor) \
                and req.sh == _level_edge(req.y, req.h, height, factor):
            return factor
    return None


def _level_edge(start: int, length: int, full: int, factor: int) -> int:
    """The pixel length a tile has at a level (as OpenSeadragon computes it)."""
    level_full = math.ceil(full / factor)
    return min(TILE, level_full - start // factor) if length else 0


def _decode(source: Path, factor: int, width: int, height: int) -> Image.Image:
    """The full image at 1/factor scale, decoded as cheaply as the JPEG allows."""
    with Image.open(source, formats=images.ALLOWED_FORMATS) as original:
        target = (math.ceil(width / factor), math.ceil(height / factor))
        if original.format == "JPEG":
            original.draft(original.mode if original.mode in ("RGB", "L") else "RGB", target)
        original.load()
        image = images.display_mode(original)
        if image.size != target:
            image = image.resize(target, Image.Resampling.LANCZOS)
        return image


def render(store: DerivativeStore, content_hash: str, source: Path, req: Request,
           width: int, height: int) -> Derived:
    """The tile for `req`: cached, or rendered now (on the grid: the whole level, cached)."""
    cached = store.get(content_hash, req.variant)
    if cached:
        return cached
    factor = _on_grid(req, width, height)
    if factor is None:
        return _render_one(store, content_hash, source, req, width, height)
    level = _decode(source, factor, width, height)
    span = TILE * factor
    for ty in range(0, height, span):
        for tx in range(0, width, span):
            w, h = min(span, width - tx), min(span, height - ty)
            left, top = tx // factor, ty // factor
            sw = _level_edge(tx, w, width, factor)
            sh = _level_edge(ty, h, height, factor)
            tile = Request(tx, ty, w, h, sw, sh)
            store.put(content_hash, tile.variant,
                      images.jpeg_bytes(level.crop((left, top, left + sw, top + sh)), 85))
    return store.get(content_hash, req.variant) or _render_one(
        store, content_hash, source, req, width, height)


def _render_one(store: DerivativeStore, content_hash: str, source: Path, req: Request,
                width: int, height: int) -> Derived:
    """Render one arbitrary region and size, uncached: off-grid requests can be numberless,
    and caching them would let any viewer fill the disk."""
    factor = 1
    while factor * 2 <= min(req.w / req.sw, req.h / req.sh):
        factor *= 2
    level = _decode(source, factor, width, height)
    box = (req.x / factor, req.y / factor, (req.x + req.w) / factor, (req.y + req.h) / factor)
    tile = level.resize((req.sw, req.sh), Image.Resampling.LANCZOS, box=box)
    return Derived(None, f"{content_hash[:20]}-{req.variant}", images.jpeg_bytes(tile, 85))
