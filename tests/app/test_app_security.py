"""Safe by default: loopback users only, or the token; writes need the page's header; nothing else of the disk."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from planner.app.server import create_app


@pytest.fixture()
def app(ctx):
    return create_app(ctx)


def _remote(app, host="http://127.0.0.1:8765", **kw):
    """A client on another computer of the office network (its address as the server sees it)."""
    return TestClient(app, base_url=host, client=("192.168.1.23", 51000), follow_redirects=False, **kw)


def test_another_host_without_the_token_is_refused(app):
    c = _remote(app)
    r = c.get("/api/sites")
    assert r.status_code == 401 and "token" in r.json()["error"]
    assert c.get("/").status_code == 303 and c.get("/").headers["location"] == "/login"
    assert c.get("/runs/0123456789abcdef-0123456789ab/rab.xlsx").status_code == 401
    assert c.post("/api/sites/opd-dprd/category", json={}).status_code == 401


def test_the_host_header_alone_does_not_let_a_remote_client_in(app):
    c = _remote(app, host="http://localhost:8765")
    assert c.get("/api/sites").status_code == 401
    c = _remote(app, headers={"Host": "127.0.0.1"})
    assert c.get("/api/sites").status_code == 401


def test_a_page_rebinding_its_name_to_loopback_is_refused(app):
    c = TestClient(app, base_url="http://evil.example:8765", client=("127.0.0.1", 51000))
    assert c.get("/api/sites").status_code == 401


def test_with_the_token_another_host_gets_in(app, token):
    TOKEN = token
    c = _remote(app)
    r = c.get(f"/?token={TOKEN}")
    assert r.status_code == 303 and "HttpOnly" in r.headers["set-cookie"]
    c.cookies.set("planner_token", TOKEN)
    assert c.get("/api/sites").status_code == 200
    assert c.get("/").status_code == 200
    assert c.post("/api/sites/opd-dprd/category", json={"who": "A", "why": "b", "base_version": 0,
                                                        "category": "opd"}).status_code == 403  # no header
    assert _remote(app).get("/?token=wrong").status_code == 401
    r = _remote(app).post("/login", content=f"token={TOKEN}", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 303 and TOKEN in r.headers["set-cookie"]


def test_writes_need_the_page_header_even_on_this_machine(app):
    c = TestClient(app, base_url="http://127.0.0.1:8765", client=("127.0.0.1", 51000))
    r = c.post("/api/sites/opd-dprd/category", json={"who": "A", "why": "b", "base_version": 0, "category": "opd"})
    assert r.status_code == 403


def test_no_path_of_the_disk_is_served(client):
    for url in ("/static/../server.py", "/static/..%2Fserver.py", "/vendor/..%2F..%2Fetc%2Fpasswd",
                "/runs/..%2F..%2Fworkspace.sqlite/x", "/runs/0123456789abcdef-0123456789ab/..%2Fworkspace.sqlite",
                "/runs/0123456789abcdef-0123456789ab/summary.json", "/api/layers/..%2Fbase"):
        r = client.get(url)
        assert r.status_code == 404, url
    assert "/etc" not in client.get("/static/app.css").text


def test_pages_carry_a_content_security_policy(client, token):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert token in r.text  # the page's own write header; the page is only served to allowed clients


def test_large_json_bodies_are_refused(client):
    r = client.post("/api/scenarios/x", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413
