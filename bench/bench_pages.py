"""Page handling grows with the page, not faster (issue 13: 2.6 MB 2.0 s, 5.2 MB 4.7 s, 10.4 MB
15.1 s before). Saved .html pages of doubling sizes, in the jpnn layout (the reader's own rules)
and another site's (trafilatura, or `_densest_body` above MAX_TRAFILATURA_CHARS), and HTML
fragments of shapes that made the standard library's parser rescan its input, each parsed once.

Usage: python bench/bench_pages.py [MB ...]   (default 2.6 5.2 10.4)

Prints the seconds (CPU) and seconds per MB at each size, then one JSON line. Exits 1 when the
seconds per MB at the largest size are more than twice those at the smallest: time that grows
with the square of the size would give four times at 2x and sixteen at 4x.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.ingest.html_text import html_to_text  # noqa: E402
from reader.core.ingest.pages import parse_page  # noqa: E402

PAGES = ROOT / "tests" / "fixtures" / "pages"
PARAGRAPH = (
    "<p>Menteri Ketenagakerjaan mengatakan pelatihan vokasi menjadi kunci mengurangi "
    "pengangguran dan meningkatkan daya saing pekerja di daerah, kata dia, nomor {n}.</p>\n"
)
# Every 50 paragraphs, what real pages carry between them: a box to drop, links, a date.
EVERY_50 = (
    '<div class="baca-juga"><span>Baca Juga:</span> <a href="/news/{n}">Berita {n}</a></div>\n'
    '<div class="share"><a href="/share/{n}">Bagikan</a> <span class="date">19 Februari 2018'
    "</span></div>\n<ins>iklan</ins>tulisan {n}\n"
)


def _grow(before: str, after: str, size: int) -> bytes:
    parts, length, n = [before], len(before) + len(after), 0
    while length < size:
        piece = PARAGRAPH.format(n=n) + (EVERY_50.format(n=n) if n % 50 == 49 else "")
        parts.append(piece)
        length += len(piece)
        n += 1
    parts.append(after)
    return "".join(parts).encode()


def jpnn_page(size: int) -> bytes:
    before, after = (PAGES / "jpnn-article.html").read_text().split("<p>Tahun ini,", 1)
    return _grow(before, "<p>Tahun ini," + after, size)


def other_page(size: int) -> bytes:
    before, after = (PAGES / "generic-article.html").read_text().split("</article>", 1)
    return _grow(before, "</article>" + after, size)


def fragment(shape: str) -> Callable[[int], bytes]:
    return lambda size: (shape * (size // len(shape))).encode()


CASES: dict[str, Callable[[int], bytes]] = {
    "page, jpnn layout": jpnn_page,
    "page, other site": other_page,
    "fragment '<a ' repeated": fragment("<a "),
    "fragment 'a<' repeated": fragment("a<"),
}


def seconds(case: str, data: bytes) -> float:
    start = time.process_time()
    if case.startswith("page"):
        parse_page(data, "bench.html")
    else:
        html_to_text(data.decode())
    return time.process_time() - start


def main(sizes_mb: list[float]) -> int:
    report: dict[str, list[dict[str, float]]] = {}
    worst = 0.0
    print(f"{'case':28} {'MB':>6} {'s':>7} {'s/MB':>7}")
    for case, make in CASES.items():
        rows = []
        for mb in sizes_mb:
            data = make(int(mb * 1_000_000))
            took = seconds(case, data)
            rows.append({"mb": round(len(data) / 1e6, 1), "s": round(took, 3)})
            per_mb = took / (len(data) / 1e6)
            print(f"{case:28} {len(data) / 1e6:6.1f} {took:7.2f} {per_mb:7.3f}")
        first, last = rows[0], rows[-1]
        growth = (last["s"] / last["mb"]) / max(first["s"] / first["mb"], 1e-6)
        worst = max(worst, growth)
        print(f"{case:28} seconds per MB grew {growth:.2f}x from the smallest to the largest")
        report[case] = rows
    print(json.dumps({"pages": report, "worst_growth_per_mb": round(worst, 2)}))
    return 1 if worst > 2 else 0


if __name__ == "__main__":
    sys.exit(main([float(a) for a in sys.argv[1:]] or [2.6, 5.2, 10.4]))
