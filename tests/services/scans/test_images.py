"""Opening scans safely: whitelisted formats judged by content, a pixel limit, no truncation."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from crowdcat.services.scans import images
from crowdcat.services.scans.images import ImageRejected, decoded_frames, open_checked
from tests.factories_scans import scan


def _frames(data: bytes, **kw) -> list[images.Frame]:
    return list(decoded_frames(open_checked(data, **kw)))


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_jpeg_png_webp_and_tiff_are_accepted():
    for fmt in ("JPEG", "PNG", "WEBP", "TIFF"):
        frames = _frames(scan((300, 400), fmt))
        assert [f.size for f in frames] == [(300, 400)], fmt


def test_a_text_file_named_jpg_is_refused_by_its_content():
    with pytest.raises(ImageRejected, match="accepted format"):
        open_checked(b"Dear archivist,\nthis is not a scan.\n")


def test_a_real_image_of_another_format_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(out, "GIF")
    with pytest.raises(ImageRejected, match="accepted format"):
        open_checked(out.getvalue())


def test_an_empty_file_is_refused():
    with pytest.raises(ImageRejected, match="empty"):
        open_checked(b"")


def test_a_truncated_jpeg_is_refused():
    data = scan((800, 1000), seed=1)
    with pytest.raises(ImageRejected, match="truncated"):
        _frames(data[: len(data) // 2])


def test_a_truncated_jpeg_is_caught_by_the_fast_reduced_decode_too():
    data = scan((2000, 2600), seed=2)
    with pytest.raises(ImageRejected, match="truncated"):
        list(decoded_frames(open_checked(data[: len(data) * 2 // 3]), draft_size=(400, 400)))


def test_a_bomb_header_is_refused_before_decoding_with_a_clear_message():
    bomb = _png_claiming(100_000, 100_000)  # 10 gigapixels claimed in ~100 bytes
    with pytest.raises(ImageRejected) as refused:
        open_checked(bomb)
    message = str(refused.value)
    assert "100000 × 100000" in message and "10000 megapixels" in message
    assert "the limit is 200 megapixels" in message


def test_the_pixel_limit_is_configurable():
    data = scan((1000, 1200))
    assert _frames(data, max_pixels=1_200_000)
    with pytest.raises(ImageRejected, match="limit is 1 megapixels"):
        open_checked(data, max_pixels=1_000_000)


def test_a_16_bit_tiff_is_scaled_to_8_bit_not_clipped_white():
    out = io.BytesIO()
    Image.new("I;16", (200, 100), 32768).save(out, "TIFF")  # mid-grey in 16 bits
    (frame,) = _frames(out.getvalue())
    assert frame.image.mode == "L"
    assert 120 <= frame.image.getpixel((10, 10)) <= 135


def test_a_cmyk_jpeg_becomes_rgb():
    (frame,) = _frames(scan((300, 400), "JPEG", mode="CMYK"))
    assert frame.image.mode == "RGB"
    red, green, blue = frame.image.getpixel((200, 390))  # paper, not ink
    assert min(red, green, blue) > 150


def test_a_multi_page_tiff_gives_every_page():
    pages = [Image.new("L", (200 + 10 * i, 300), 200) for i in range(3)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    frames = _frames(out.getvalue())
    assert [f.size for f in frames] == [(200, 300), (210, 300), (220, 300)]


def test_a_multi_page_tiff_page_is_stored_as_deterministic_bytes():
    pages = [Image.new("L", (64, 64), 10 * i) for i in range(2)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    opened = open_checked(out.getvalue())
    assert images.frame_original(opened, 1) == images.frame_original(opened, 1)


def test_exif_orientation_is_applied():
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    Image.open(io.BytesIO(scan((300, 200)))).save(out, "JPEG", exif=exif)
    (frame,) = _frames(out.getvalue())
    assert frame.size == (200, 300)


def test_palette_and_alpha_images_are_flattened_on_white():
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(out, "PNG")
    (frame,) = _frames(out.getvalue())
    assert frame.image.mode == "RGB" and frame.image.getpixel((5, 5)) == (255, 255, 255)
