"""Every page renders from the demo catalog with the report's CSS, and links between them work."""

from __future__ import annotations

from html.parser import HTMLParser


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href)


def test_every_page_renders_and_internal_links_resolve(client):
    seen, todo = set(), ["/"]
    while todo and len(seen) < 80:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, path
        if "text/html" in response.headers["content-type"]:
            parser = _Links()
            parser.feed(response.text)
            todo += [link for link in parser.links if link not in seen]
    assert {"/", "/assets", "/findings", "/diff", "/runs"} <= {p.split("?")[0] for p in seen}
    assert any(p.startswith("/findings/") for p in seen) and any(p.startswith("/assets/") for p in seen)


def test_pages_use_the_report_stylesheet(client):
    css = client.get("/static/style.css").text
    assert "--accent:" in css and "nav.tabs a.on" in css
    assert 'href="/static/style.css"' in client.get("/").text


def test_queue_page_filters_by_severity(client):
    page = client.get("/findings", params={"severity": "warning", "status": "all"}).text
    assert 'class="finding warning"' in page
    assert 'class="finding error"' not in page and 'class="finding critical"' not in page


def test_unknown_asset_page_is_a_404_page_not_a_traceback(client):
    response = client.get("/assets/no/such/asset")
    assert response.status_code == 404 and "no asset" in response.text
