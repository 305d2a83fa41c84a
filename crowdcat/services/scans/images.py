"""Opening scan images safely, and making their web-size derivatives.

Only JPEG, PNG, TIFF and WebP are decoded, judged by the bytes (Pillow's `formats=`
whitelist), never by the file name. A deliberate pixel limit (200 megapixels unless
configured) is checked from the header, before anything is decoded, against
decompression bombs. Truncated files are refused because Pillow's
LOAD_TRUNCATED_IMAGES stays off and every frame is decoded at import.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from crowdcat.services.errors import ServiceError

ALLOWED_FORMATS = ("JPEG", "PNG", "TIFF", "WEBP")
SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif", "WEBP": ".webp"}
MIMETYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "WEBP": "image/webp"}
DEFAULT_MAX_PIXELS = 200_000_000
MAX_FRAMES = 1000  # a multi-page TIFF with more pages than this is not a scan of one file
WEB_SIZE = 1600
THUMB_SIZE = 240

# Pillow's own bomb check is global and warns below its limit; ours is per call and
# configurable (CROWDCAT_MAX_IMAGE_PIXELS), and runs on every frame before decoding.
Image.MAX_IMAGE_PIXELS = None


class ImageRejected(ServiceError):
    """A file that is not an image we accept; `message` says why in the user's language."""

    code = "image_rejected"


@dataclass(frozen=True)
class Frame:
    """One decoded page image of a file, ready for derivatives."""

    index: int
    image: Image.Image  # 8-bit RGB or L, orientation applied

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.image.size


def open_checked(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Open `data` as an accepted image and check every frame's size; decode nothing yet."""
    if not data:
        raise ImageRejected(_l("The file is empty."))
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except UnidentifiedImageError as exc:
        raise ImageRejected(
            _l("Not an image in an accepted format (JPEG, PNG, TIFF, WebP).")) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageRejected(_l("The image header is damaged.")) from exc
    count = getattr(image, "n_frames", 1)
    if count > MAX_FRAMES:
        raise ImageRejected(_l("The file has %(n)d pages; at most %(max)d are accepted.",
                               n=count, max=MAX_FRAMES))
    for index in range(count):
        _seek(image, index)
        width, height = image.size
        if width <= 0 or height <= 0:
            raise ImageRejected(_l("The image has no pixels."))
        if width * height > max_pixels:
            raise ImageRejected(_l(
                "The image is %(w)d × %(h)d pixels (%(mp)d megapixels); the limit is %(max)d "
                "megapixels, a guard against damaged or malicious files.",
                w=width, h=height, mp=width * height // 1_000_000, max=max_pixels // 1_000_000))
    _seek(image, 0)
    return image


def _seek(image: Image.Image, index: int) -> None:
    """Go to frame `index`, turning a damaged frame table into a clear refusal."""
    try:
        image.seek(index)
    except (OSError, EOFError, ValueError) as exc:
        raise ImageRejected(_l("Page %(n)d of the file cannot be read.", n=index + 1)) from exc


def decoded_frames(image: Image.Image,
                   draft_size: tuple[int, int] | None = None) -> Iterator[Frame]:
    """Decode each frame fully (a truncated file raises ImageRejected) as 8-bit RGB or L.

    `draft_size` lets a JPEG decode at a reduced scale (DCT scaling): much faster, and it
    still reads the whole stream, so truncation is still caught.
    """
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if draft_size and frame.format == "JPEG":
            frame.draft("RGB" if frame.mode in ("RGB", "CMYK", "YCbCr") else "L", draft_size)
        try:
            frame.load()
            if _orientation(frame) not in (1, None):
                frame = ImageOps.exif_transpose(frame)
            elif getattr(image, "n_frames", 1) > 1:
                frame = frame.copy()  # the iterator reuses one object for every page
            yield Frame(index, display_mode(frame))
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ImageRejected(_l("The image is damaged or truncated (%(detail)s).",
                                   detail=short(exc))) from exc


def _orientation(image: Image.Image) -> int | None:
    """The EXIF orientation tag (1 = upright), if any."""
    return image.getexif().get(0x0112) if "exif" in image.info or image.format == "TIFF" \
        else None


def short(exc: BaseException) -> str:
    """The first line of an exception's text, bounded, for a message to the user."""
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120]


def display_mode(image: Image.Image) -> Image.Image:
    """An 8-bit RGB or L copy: 16-bit scaled down, CMYK and palettes converted, alpha on white."""
    mode = image.mode
    if mode in ("RGB", "L"):
        return image
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # Scale 0..65535 to 0..255 rather than clip (clipping turns a 16-bit scan white).
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode == "F":
        return image.point(lambda v: v * 255).convert("L")
    if mode == "1":
        return image.convert("L")
    if mode in ("RGBA", "LA", "PA", "P", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV


def fitted_size(size: tuple[int, int], box: int) -> tuple[int, int]:
    """The size of an image scaled to fit in box × box, aspect kept (never enlarged)."""
    width, height = size
    scale = min(1.0, box / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def fit(image: Image.Image, box: int) -> Image.Image:
    """A resized image no larger than box × box (reducing first: fast and still sharp)."""
    target = fitted_size(image.size, box)
    if target == image.size:
        return image
    return image.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)


def jpeg_bytes(image: Image.Image, quality: int = 85) -> bytes:
    """Encode as a baseline JPEG (the format every browser shows)."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()


def frame_original(image: Image.Image, index: int) -> bytes:
    """One page of a multi-page TIFF as its own lossless single-page TIFF (deterministic bytes)."""
    image.seek(index)
    out = io.BytesIO()
    image.save(out, "TIFF", compression="tiff_deflate")
    return out.getvalue()
