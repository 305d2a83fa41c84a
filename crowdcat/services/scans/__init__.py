"""Scans: importing page images, opening them safely, their derivatives and where they live.

ingest (store originals, add pages, idempotent by content hash), sources (a folder, a IIIF
manifest, a metadata CSV), images (safe opening, decompression-bomb limits), derivatives
(web size, thumbnails, tiles), iiif (the IIIF Image API for the viewer), storage (by hash).
"""
