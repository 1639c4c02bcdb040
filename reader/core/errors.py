"""The one error hierarchy of the core.

Every error the core raises on purpose is a `ReaderError` whose message is one line meant for
a person: it names the file, URL or query and says what is wrong. The CLI prints it and exits 1;
the reader shows it as a notification. Anything else that escapes is a bug.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base of every error the core raises on purpose."""


class StorageError(ReaderError):
    """The database cannot be opened or used."""


class SchemaTooNew(StorageError):
    """The database was written by a newer kemnaker-reader."""


class InputError(ReaderError):
    """An input (a file, a line, a feed entry, a page) holds no article that can be stored."""


class EntryError(InputError):
    """One entry of a JSON, JSON Lines or feed file is not an article."""


class PageError(InputError):
    """An HTML page holds no article text."""


class InvalidArticle(InputError):
    """An article that cannot be stored (no title, no body)."""


class FetchError(ReaderError):
    """A URL could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FeedError(ReaderError):
    """A subscription request that cannot be carried out (a bad URL, a bad OPML file)."""


class SitemapError(ReaderError):
    """A site's sitemap cannot be found or read (none served, bad XML, another site's)."""


class QueryError(ReaderError):
    """The full-text index rejected a search expression."""


class StoreMissing(StorageError):
    """There is no store at the given place (and it was not to be created)."""


class TopicError(ReaderError):
    """A topic request that cannot be carried out (no such topic, a name taken, an empty query)."""


class Interrupted(ReaderError):
    """Ctrl+C stopped an import; the message says how much of it was saved."""
