"""OCR: machine readings of page images, a hint for volunteers and reviewers, never a vote.

base (the engine protocol), engines (the name -> engine map, the default), rapid (RapidOCR with
the PP-OCR models inside its wheel), tesseract (Debian's Tesseract, chi_tra/chi_tra_vert),
layout (boxes, vertical detection, reading order), pipeline (read pages and store the
readings), readings (what a screen may show of them).
"""
