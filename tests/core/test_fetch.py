"""Importing from http(s) URLs, against a server on 127.0.0.1 that the test starts."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reader.core.ingest import read_inputs

ARTICLES = "\n".join(
    json.dumps({"title": f"Judul {i}", "body": f"Isi berita {i}."}) for i in range(3)
)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        routes = {
            "/feed.jsonl": (200, "application/octet-stream", ARTICLES),
            "/api/articles": (200, "application/x-ndjson", ARTICLES),
            "/page.html": (200, "text/html", "<html></html>"),
            "/logo": (200, "image/png", "\x89PNG"),
        }
        status, kind, body = routes.get(self.path, (404, "text/plain", "not here"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_jsonl_by_path_and_by_content_type(library, server):
    result = library.import_inputs([f"{server}/feed.jsonl", f"{server}/api/articles"])
    assert (result.added, result.unchanged, result.failed) == (3, 3, [])
    assert library.get(1).origin == f"{server}/feed.jsonl"


def test_http_errors_name_the_url_and_status(library, server):
    result = library.import_articles(
        read_inputs(
            [
                f"{server}/missing.json",
                f"{server}/page.html",
                f"{server}/logo",
                f"{server}/feed.jsonl",
            ]
        )
    )
    messages = [f.message() for f in result.failed]
    assert messages[0] == f"{server}/missing.json: HTTP 404 Not Found"
    assert messages[1] == f"{server}/page.html: no article text found in the page"
    assert messages[2].startswith(f"{server}/logo: unsupported content type 'image/png'")
    assert result.added == 3
