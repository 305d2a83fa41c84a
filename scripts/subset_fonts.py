"""Dev-only: rebuild the CJK font subsets in crowdcat/fonts/ from their Debian and npm sources."""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crowdcat.demo.content import all_characters  # noqa: E402

OUT = ROOT / "crowdcat" / "fonts"
NOTO_TTC = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
NOTO_FAMILY = "Noto Serif CJK TC"
WENKAI_PKG = Path("/tmp/npmfonts/package")  # `npm pack lxgw-wenkai-tc-webfont@1.2.0`, untarred
WENKAI_CSS = "lxgwwenkaitc-regular.css"
# ASCII, full-width ASCII, CJK punctuation and the vertical presentation forms.
EXTRA = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "".join(chr(c) for c in range(0xFF01, 0xFF5F))
    + "".join(chr(c) for c in range(0x3000, 0x3020))
    + "".join(chr(c) for c in range(0xFE10, 0xFE1A))
    + "".join(chr(c) for c in range(0xFE30, 0xFE50))
    + "·—‘’“”…※"
)
DROP = ["GSUB", "GPOS", "GDEF", "morx", "bsln", "feat", "prop", "FFTM", "BASE", "VORG"]


def _options() -> subset.Options:
    """Return pyftsubset options: no hinting, no layout features, names kept."""
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += DROP
    options.flavor = None
    return options


def _subset(font: TTFont, text: str) -> TTFont:
    """Subset a loaded font in place to the code points of text that it maps."""
    cmap = font.getBestCmap()
    unicodes = sorted({ord(ch) for ch in text if ord(ch) in cmap})
    subsetter = subset.Subsetter(_options())
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    return font


def build_noto(text: str, out: Path) -> None:
    """Subset the Traditional Chinese face of Debian's Noto Serif CJK collection."""
    collection = TTCollection(str(NOTO_TTC))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == NOTO_FAMILY)
    font.recalcTimestamp = False
    _subset(font, text).save(str(out))


def _ranges(css: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Parse the webfont CSS into (file, unicode ranges) pairs."""
    blocks = re.findall(r"url\('\./files/([^']+)'\).*?unicode-range:([^}]+)", css, re.S)
    parsed = []
    for name, ranges in blocks:
        spans = []
        for part in ranges.replace("U+", "").split(","):
            lo, _, hi = part.strip().partition("-")
            spans.append((int(lo, 16), int(hi or lo, 16)))
        parsed.append((name, spans))
    return parsed


def build_wenkai(text: str, out: Path) -> None:
    """Merge the needed pieces of the LXGW WenKai TC webfont into one TTF."""
    css = (WENKAI_PKG / WENKAI_CSS).read_text(encoding="utf-8")
    wanted = {ord(ch) for ch in text}
    pieces: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, spans in _ranges(css):
            chars = "".join(chr(c) for c in wanted if any(lo <= c <= hi for lo, hi in spans))
            if not chars:
                continue
            font = _subset(TTFont(str(WENKAI_PKG / "files" / name)), chars)
            path = str(Path(tmp) / (name.rsplit(".", 1)[0] + ".ttf"))
            font.flavor = None
            font.recalcTimestamp = False
            for tag in ("vhea", "vmtx"):
                if tag in font:
                    del font[tag]
            font.save(path)
            pieces.append(path)
        merged = Merger().merge(pieces)
        source_head = TTFont(pieces[0])["head"]  # keep the upstream dates: reproducible
        merged["head"].created = source_head.created
        merged["head"].modified = source_head.modified
        merged.recalcTimestamp = False
        merged.save(str(out))


def main() -> None:
    """Write both subsets and report their sizes and coverage."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    text = all_characters() + EXTRA
    targets = {
        "NotoSerifCJKtc-Regular-demo.otf": build_noto,
        "LXGWWenKaiTC-Regular-demo.ttf": build_wenkai,
    }
    for filename, build in targets.items():
        path = args.out / filename
        build(text, path)
        cmap = TTFont(str(path)).getBestCmap()
        missing = [ch for ch in all_characters() if ch.strip() and ord(ch) not in cmap]
        print(f"{filename}: {path.stat().st_size // 1024} KB, {len(cmap)} code points, "
              f"missing {''.join(missing) or 'none'}")


if __name__ == "__main__":
    main()
