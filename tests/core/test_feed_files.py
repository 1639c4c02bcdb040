"""A feed file is parsed from the file as it is read (a plain RSS feed item by item), not read
into memory whole first: what it gives must be what parsing its bytes gives, for every kind of
feed (RSS 0.91/1.0/2.0, Atom, untitled, malformed, one that falls back to feedparser part-way)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.core.ingest import parse_bytes, read_file
from reader.core.models import Entry, Unbuilt

FEEDS = Path(__file__).parent.parent / "fixtures" / "feeds"
PLAIN_ITEM = (
    "<item><title>Berita {n} pekerja migran</title><link>https://contoh.id/{n}</link>"
    "<pubDate>Tue, 14 Nov 2023 22:13:20 +0700</pubDate><description>Isi berita {n} tentang "
    "upah minimum.</description></item>\n"
)


def _built(items: list[Entry]) -> list[object]:
    return [item.build(*item.args) if isinstance(item, Unbuilt) else item for item in items]


def _files(tmp_path: Path) -> list[Path]:
    files = []
    for fixture in sorted(FEEDS.iterdir()):
        if fixture.suffix in (".xml", ".rss", ".atom"):
            files.append(fixture)
        elif fixture.suffix == ".rdf":  # RSS 1.0, as a file named .rss
            files.append(shutil.copy(fixture, tmp_path / f"{fixture.stem}.rss"))
    # Plain items, then one with HTML (a feedparser item alone), then a broken end: the
    # streamed part, the item handed over and the fall back to feedparser after five items.
    items = "".join(PLAIN_ITEM.format(n=n) for n in range(5))
    mixed = tmp_path / "mixed.xml"
    mixed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Contoh'
        f"</title><link>https://contoh.id/</link>\n{items}<item><title>Tebal</title><link>"
        "https://contoh.id/t</link><description>&lt;p&gt;Isi &lt;b&gt;tebal&lt;/b&gt;&lt;/p&gt;"
        f"</description></item>\n{items.replace('/contoh.id/', '/lain.id/')}<item><title>Putus"
    )
    files.append(mixed)
    return files


@pytest.mark.parametrize("lazy", [False, True])
def test_a_feed_file_gives_what_its_bytes_give(tmp_path: Path, lazy: bool) -> None:
    files = _files(tmp_path)
    assert len(files) >= 7
    for path in files:
        from_file = _built(list(read_file(path, lazy)))
        from_bytes = _built(list(parse_bytes(path.read_bytes(), str(path), path.suffix, lazy=lazy)))
        assert from_file == from_bytes, path.name
        assert from_file  # every one gives an article or says what is wrong


def test_a_feed_file_is_not_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feed.xml"
    items = "".join(PLAIN_ITEM.format(n=n) for n in range(3))
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Contoh'
        f"</title>\n{items}</channel></rss>\n"
    )

    def whole(self: Path) -> bytes:
        raise AssertionError(f"{self} read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)
    articles = _built(list(read_file(path)))
    assert [a.title for a in articles] == [f"Berita {n} pekerja migran" for n in range(3)]  # type: ignore[attr-defined]
