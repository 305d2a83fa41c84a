"""PDFs of scans: each page rendered (pypdfium2, PDFium's renderer) into an image of one item.

A PDF delivered by an archive is usually one document, its pages the scans; it becomes one
item whose images are its pages, rendered at 300 dpi (less when a page would pass the pixel
limit). Every page is rendered before anything is stored: a damaged PDF is refused whole.
"""
from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from PIL import Image

from crowdcat.services.scans.images import MAX_FRAMES, ImageRejected

DPI = 300


def is_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF file (by its signature, never by the file name)."""
    return data[:1024].lstrip(b"\0\t\n\r ").startswith(b"%PDF-")


def render_pages(data: bytes, max_pixels: int) -> Iterator[Image.Image]:
    """Every page as an 8-bit RGB image, in order, one at a time (a caller that keeps them
    all would hold a long PDF's pixels in memory); ImageRejected for a PDF we cannot read."""
    import pypdfium2  # a compiled library: loaded when a PDF comes, not with the app

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise ImageRejected(_l("The PDF cannot be read (%(detail)s).",
                               detail=str(exc)[:120])) from exc
    try:
        count = len(document)
        if count == 0:
            raise ImageRejected(_l("The PDF has no pages."))
        if count > MAX_FRAMES:
            raise ImageRejected(_l("The file has %(n)d pages; at most %(max)d are accepted.",
                                   n=count, max=MAX_FRAMES))
        for index in range(count):
            page = document[index]
            width, height = page.get_size()  # in points (1/72 inch)
            scale = DPI / 72
            if width * height * scale * scale > max_pixels:
                scale = (max_pixels / max(width * height, 1)) ** 0.5
            try:
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil().convert("RGB")
            except pypdfium2.PdfiumError as exc:
                raise ImageRejected(_l("Page %(n)d of the PDF cannot be rendered "
                                       "(%(detail)s).", n=index + 1,
                                       detail=str(exc)[:120])) from exc
            finally:
                page.close()
            yield image
    finally:
        document.close()
