"""Benchmark the OCR engines on the demo pages, whose text the generator knows.

Renders the demo's page images (crowdcat/demo: the same records and styles as `crowdcat
demo`), keeps what each page has drawn on it, and reads every page with each engine in its
own process (so that one engine's memory does not count against another's):

- character error rate per page group: printed (song face), hand-written looking (kai face
  with jitter), rotated or faint (tilted 1-4 degrees, or ink at half strength), vertical
  (documents and covers, in right-to-left columns); a page may be in several groups;
- pages per minute (engine time per page, models loaded once), model load time;
- peak memory (resident set of the worker process, and of Tesseract's own processes).

The CER is order-free (bag of characters): errors = max(characters of the drawn text the
reading lacks, characters the reading has beyond the drawn text), over the drawn text's
length, after NFKC and with white space dropped. It equals the edit distance when the
errors are substitutions, and it does not punish a reading order that differs from the
order the generator drew in (which is not the reading order).

    python benchmarks/ocr_engines.py                  # both engines, all 30 demo pages
    python benchmarks/ocr_engines.py --pages 8 --engines rapidocr
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUPS = ("printed", "handwritten", "rotated/faint", "vertical")


def _clean(text: str) -> str:
    """NFKC, white space removed (the comparison ignores layout)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def bag_errors(reference: str, reading: str) -> int:
    """Order-free character errors of a reading against the reference text."""
    ref, got = Counter(_clean(reference)), Counter(_clean(reading))
    return max(sum((ref - got).values()), sum((got - ref).values()))


def render(folder: Path, count: int) -> list[dict]:
    """Render the demo pages into folder; return each page's file, groups and drawn text."""
    from crowdcat.demo import paper
    from crowdcat.demo.content import DEMO_RECORDS
    from crowdcat.demo.images import JPEG_QUALITY, render_with_text, style_for

    seen: dict = {}
    finish = paper.Sheet.finish

    def watched(self, *, faint: bool, angle: float):  # noqa: ANN001, ANN202
        seen.update(faint=faint, angle=angle)
        return finish(self, faint=faint, angle=angle)

    paper.Sheet.finish = watched  # observe what the generator decided; it draws the same
    pages = []
    try:
        for index, record in enumerate(DEMO_RECORDS[:count]):
            style = style_for(record, index)
            image, drawn = render_with_text(record, index, style=style)
            hand = style == "handwritten" or (style != "typed" and index % 3 != 0)
            groups = ["handwritten" if hand else "printed"]
            if seen["faint"] or seen["angle"]:
                groups.append("rotated/faint")
            if style in ("typed", "handwritten", "cover"):
                groups.append("vertical")
            path = folder / f"page-{index + 1:03d}.jpg"
            image.save(path, "JPEG", quality=JPEG_QUALITY)
            pages.append({"file": str(path), "style": style, "groups": groups,
                          "faint": seen["faint"], "angle": round(seen["angle"], 2),
                          "reference": "".join(drawn)})
    finally:
        paper.Sheet.finish = finish
    return pages


def worker(engine_name: str, pages_json: Path) -> None:
    """Read every page with one engine; print a JSON result (run in its own process)."""
    from PIL import Image

    from crowdcat.services.ocr.engines import get_engine
    from crowdcat.services.ocr.pipeline import read_image

    pages = json.loads(pages_json.read_text())
    started = time.perf_counter()
    engine = get_engine(engine_name)
    load = time.perf_counter() - started
    results = []
    for page in pages:
        with Image.open(page["file"]) as opened:
            image = opened.convert("RGB")
        reading = read_image(engine, image)
        results.append({"file": page["file"], "seconds": reading.seconds, "text": reading.text,
                        "error": reading.error, "vertical": reading.vertical})
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"engine": engine_name, "model_version": engine.model_version,
                      "load_seconds": load, "rss_kb": usage, "child_rss_kb": children,
                      "pages": results}, ensure_ascii=False))


def summarise(pages: list[dict], result: dict) -> dict:
    """CER per group, pages per minute, memory."""
    by_file = {r["file"]: r for r in result["pages"]}
    sums = {g: [0, 0, 0] for g in (*GROUPS, "all")}  # errors, reference length, pages
    for page in pages:
        got = by_file[page["file"]]
        errors, length = bag_errors(page["reference"], got["text"]), len(_clean(page["reference"]))
        for group in (*page["groups"], "all"):
            sums[group][0] += errors
            sums[group][1] += length
            sums[group][2] += 1
    seconds = [r["seconds"] for r in result["pages"]]
    return {
        "engine": result["engine"], "model_version": result["model_version"],
        "cer": {g: (e / n if n else None, count) for g, (e, n, count) in sums.items()},
        "pages_per_minute": 60 * len(seconds) / sum(seconds) if sum(seconds) else None,
        "seconds_per_page": sum(seconds) / len(seconds),
        "load_seconds": result["load_seconds"],
        "rss_mb": result["rss_kb"] / 1024, "child_rss_mb": result["child_rss_kb"] / 1024,
        "failed": sum(1 for r in result["pages"] if r["error"]),
    }


def table(summaries: list[dict]) -> str:
    """The results as a Markdown table."""
    head = ["engine", *[f"CER {g}" for g in (*GROUPS, "all")], "pages/min", "s/page",
            "model load s", "peak RSS MB"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in summaries:
        cer = [f"{s['cer'][g][0]:.1%} ({s['cer'][g][1]})" if s["cer"][g][0] is not None else "—"
               for g in (*GROUPS, "all")]
        rss = f"{s['rss_mb']:.0f}" + (f" + {s['child_rss_mb']:.0f} (tesseract)"
                                      if s["child_rss_mb"] > 1 else "")
        rows.append("| " + " | ".join([s["engine"], *cer, f"{s['pages_per_minute']:.1f}",
                                       f"{s['seconds_per_page']:.1f}",
                                       f"{s['load_seconds']:.1f}", rss]) + " |")
    return "\n".join(rows)


def main() -> None:
    """Render, read with each engine in a subprocess, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=30, help="How many demo pages (max 30).")
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--pages-json", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json-out", type=Path, help="Also write the full results here.")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.pages_json)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pages = render(folder, args.pages)
        (folder / "pages.json").write_text(json.dumps(pages, ensure_ascii=False))
        summaries, raw = [], []
        for name in args.engines.split(","):
            done = subprocess.run([sys.executable, __file__, "--worker", name, "--pages-json",
                                   str(folder / "pages.json")], capture_output=True, text=True,
                                  check=True, cwd=ROOT)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            raw.append(result)
            summaries.append(summarise(pages, result))
            print(f"{name}: done", file=sys.stderr)
    print(f"{len(pages)} demo pages; groups: " + ", ".join(
        f"{g} {sum(1 for p in pages if g in p['groups'])}" for g in GROUPS))
    print(table(summaries))
    for s in summaries:
        print(f"- {s['engine']}: {s['model_version']}; pages with no reading: {s['failed']}")
    if args.json_out:
        args.json_out.write_text(json.dumps({"pages": pages, "results": raw,
                                             "summaries": summaries}, ensure_ascii=False,
                                            indent=1))


if __name__ == "__main__":
    main()
