"""Images with known text for the OCR tests, drawn with the demo's bundled font."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw

from crowdcat.demo.paper import font

HORIZONTAL = ("浙江省政府訓令", "府秘字第589號")
VERTICAL = ("事由為整頓田賦徵收辦法由", "令杭州市政府")  # right-hand column first


def text_image(lines: tuple[str, ...] = HORIZONTAL, *, vertical: bool = False,
               size: int = 40) -> Image.Image:
    """Black text on paper: rows top to bottom, or columns right to left."""
    face = font("song", size)
    longest = max(len(line) for line in lines)
    if vertical:
        width, height = 120 + len(lines) * size * 2, 80 + longest * int(size * 1.2)
    else:
        width, height = 80 + longest * size, 60 + len(lines) * size * 2
    image = Image.new("RGB", (width, height), (238, 230, 210))
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        if vertical:
            x = width - 60 - size // 2 - n * size * 2
            for i, ch in enumerate(line):
                draw.text((x, 40 + i * size * 1.2 + size / 2), ch, fill=(25, 25, 30), font=face,
                          anchor="mm")
        else:
            draw.text((40, 30 + n * size * 2), line, fill=(25, 25, 30), font=face)
    return image


def jpeg(image: Image.Image) -> bytes:
    """The image as JPEG bytes."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()
