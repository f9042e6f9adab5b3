"""A loopback Graph API written to Meta's documentation, for the tests.

It checks what the platform checks: the access token (unknown or expired is
error 190 with the documented shape), the ``appsecret_proof`` when one is
sent (it must be the HMAC-SHA256 of the token with the app secret), the
permissions each call needs (error 200) and the required parameters (error
100). It answers with the payloads under ``payloads/`` (each names the
documentation section it is copied from), keeps every request it was sent,
and can be told to answer the next calls with a throttling error (4, 17,
613) or usage headers. A comments edge answers in pages of ``page_size``
(cursor-based pagination, ``next`` on every page but the last) and can fail
its later pages (``fail_pages``: object id -> error code). It also serves
the Login dialog, whose *Allow* button sends the browser back with a code.
"""

import base64
import hashlib
import hmac
import http.server
import json
import secrets
import threading
import urllib.parse
from pathlib import Path

PAYLOADS = Path(__file__).parent / "payloads"
VERSION = "v21.0"
APP_ID = "1234567890"
APP_SECRET = "meta-app-secret-for-tests"
PAGE_ID = "1000"
IG_ID = "17841400000000000"
PAGE_TOKEN = "EAAPageToken"
USER_TOKEN = "EAALongLivedUserToken"
ALL = {
    "pages_show_list",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_manage_metadata",
    "instagram_basic",
    "instagram_manage_comments",
}


def payload(name, **values):
    """Return the ``body`` of payload ``name`` with ``{KEY}`` placeholders
    replaced by ``values`` (and the ids above)."""
    text = (PAYLOADS / f"{name}.json").read_text()
    values = {"PAGE_ID": PAGE_ID, "IG_ID": IG_ID, "PAGE_TOKEN": PAGE_TOKEN, **values}
    for key, value in values.items():
        text = text.replace("{" + key + "}", json.dumps(str(value))[1:-1])
    return json.loads(text)["body"]


ERRORS = None


def error(code):
    global ERRORS
    if ERRORS is None:
        ERRORS = payload("errors")
    return ERRORS[str(code)]


class GraphServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), GraphHandler)
        self.requests = []
        self.tokens = {PAGE_TOKEN: set(ALL), USER_TOKEN: set(ALL)}
        self.expired = set()
        self.codes = {}
        self.fail_next = []
        self.usage = None
        self.feed = []
        self.comments = {}
        self.media = []
        self.ig_comments = {}
        self.replies = 0
        self.deleted = set()
        self.objects = {}
        self.page_size = None  # comments edges: one page of everything
        self.fail_pages = {}

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def calls(self, method, path):
        return [r for r in self.requests if r[0] == method and r[1] == path]


class GraphHandler(http.server.BaseHTTPRequestHandler):
    def _send(self, status, body, headers=None, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _fields(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path, _, query = self.path.partition("?")
        fields = {
            k: v[0]
            for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()
        }
        fields.update(
            {
                k: v[0]
                for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()
            }
        )
        return path, fields

    def _answer(self):
        server = self.server
        path, fields = self._fields()
        server.requests.append((self.command, path, fields))
        if path == f"/{VERSION}/dialog/oauth":
            return self._dialog(fields)
        if not path.startswith(f"/{VERSION}/"):
            return self._send(404, error(100))
        path = path.removeprefix(f"/{VERSION}/")
        if path == "oauth/access_token":
            return self._token(fields)
        token = fields.get("access_token", "")
        if token in server.expired or token not in server.tokens:
            return self._send(400, error(190))
        proof = fields.get("appsecret_proof")
        if proof is not None:
            expected = hmac.new(
                APP_SECRET.encode(), token.encode(), hashlib.sha256
            ).hexdigest()
            if not hmac.compare_digest(proof, expected):
                return self._send(
                    400,
                    {
                        "error": {
                            "message": "Invalid appsecret_proof provided",
                            "type": "GraphMethodException",
                            "code": 100,
                        }
                    },
                )
        if server.fail_next:
            return self._send(400, error(server.fail_next.pop(0)))
        headers = {"X-App-Usage": json.dumps(server.usage)} if server.usage else {}
        status, body = self._route(path, fields, server.tokens[token])
        return self._send(status, body, headers)

    def _need(self, granted, *permissions):
        return set(permissions) <= granted

    def _route(self, path, fields, granted):
        server = self.server
        parts = path.split("/")
        method = self.command
        if method == "GET" and path == "me/accounts":
            return 200, payload("me_accounts")
        if method == "POST" and parts[1:] == ["subscribed_apps"]:
            if not self._need(granted, "pages_manage_metadata"):
                return 403, error(200)
            if not fields.get("subscribed_fields"):
                return 400, error(100)
            return 200, {"success": True}
        if method == "GET" and parts[1:] == ["feed"]:
            if not self._need(granted, "pages_read_engagement"):
                return 403, error(200)
            return 200, {"data": server.feed, "paging": {}}
        if method == "GET" and parts[1:] == ["media"]:
            if not self._need(granted, "instagram_basic"):
                return 403, error(200)
            return 200, {"data": server.media, "paging": {}}
        if method == "GET" and parts[1:] == ["comments"]:
            if not self._need(
                granted, "pages_read_engagement", "pages_read_user_content"
            ):
                return 403, error(200)
            rows = (
                server.comments.get(parts[0]) or server.ig_comments.get(parts[0]) or []
            )
            return self._page(path, rows, fields)
        if method == "POST" and parts[1:] in (["comments"], ["replies"]):
            needs = (
                "instagram_manage_comments"
                if parts[1] == "replies"
                else "pages_manage_engagement"
            )
            if not self._need(granted, needs):
                return 403, error(200)
            if not fields.get("message"):
                return 400, error(100)
            server.replies += 1
            return 200, {"id": f"{parts[0]}_reply{server.replies}"}
        if method == "POST" and len(parts) == 1:
            if "is_hidden" not in fields and "hide" not in fields:
                return 400, error(100)
            return 200, {"success": True}
        if method == "DELETE" and len(parts) == 1:
            # Comment > Deleting (Page comments, pages_manage_engagement) and
            # IG Comment > Deleting (instagram_manage_comments); Instagram's
            # ids are bare numbers, a Page comment's are "{post}_{comment}".
            needs = (
                "pages_manage_engagement"
                if "_" in parts[0]
                else "instagram_manage_comments"
            )
            if not self._need(granted, needs):
                return 403, error(200)
            if parts[0] in server.deleted:
                return 400, error(100)
            server.deleted.add(parts[0])
            return 200, {"success": True}
        if method == "GET" and parts == [PAGE_ID]:
            return 200, {
                "id": PAGE_ID,
                "name": "Ville de Lévis",
                "link": "https://www.facebook.com/1000",
            }
        if method == "GET" and len(parts) == 1 and parts[0] in self.server.objects:
            return 200, self.server.objects[parts[0]]
        if method == "GET" and parts == [IG_ID]:
            return 200, {"id": IG_ID, "username": "villedelevis"}
        return 404, error(100)

    def _page(self, path, rows, fields):
        """One page of ``rows`` after the ``after`` cursor (Paginated Results
        > Cursor-based Pagination)."""
        server = self.server
        size = server.page_size
        if not size:
            return 200, {"data": rows, "paging": {}}
        after = fields.get("after") or ""
        if after and path.split("/")[0] in server.fail_pages:
            return 500, error(server.fail_pages[path.split("/")[0]])
        start = int(base64.urlsafe_b64decode(after).decode()) if after else 0
        page = rows[start : start + size]

        def cursor(index):
            return base64.urlsafe_b64encode(str(index).encode()).decode()

        paging = payload(
            "cursor_paging",
            BEFORE=cursor(start),
            AFTER=cursor(start + len(page)),
            PREVIOUS=f"{server.base_url}/{VERSION}/{path}?before={cursor(start)}",
            NEXT=f"{server.base_url}/{VERSION}/{path}?after="
            f"{cursor(start + len(page))}",
        )
        if start == 0:
            del paging["previous"]
        if start + size >= len(rows):
            del paging["next"]
        return 200, {"data": page, "paging": paging}

    def _token(self, fields):
        if (
            fields.get("client_id") != APP_ID
            or fields.get("client_secret") != APP_SECRET
        ):
            return self._send(400, error(100))
        server = self.server
        if fields.get("grant_type") == "fb_exchange_token":
            if fields.get("fb_exchange_token") not in server.codes.values():
                return self._send(400, error(190))
            return self._send(
                200,
                {
                    "access_token": USER_TOKEN,
                    "token_type": "bearer",
                    "expires_in": 5183944,
                },
            )
        code = fields.get("code", "")
        if code not in server.codes or not fields.get("redirect_uri"):
            return self._send(400, error(100))
        short = server.codes.pop(code)
        server.codes[f"used-{code}"] = short
        return self._send(
            200, {"access_token": short, "token_type": "bearer", "expires_in": 3600}
        )

    def _dialog(self, fields):
        """The Login dialog: one *Allow* button back to the redirect URI."""
        if fields.get("client_id") != APP_ID or not fields.get("redirect_uri"):
            return self._send(400, b"bad dialog request", content_type="text/html")
        code = secrets.token_urlsafe(8)
        self.server.codes[code] = "EAAShortUserToken"
        back = (
            fields["redirect_uri"]
            + "?"
            + urllib.parse.urlencode({"code": code, "state": fields.get("state", "")})
        )
        page = (
            "<!doctype html><title>Log in with Facebook</title>"
            '<link rel="icon" href="data:,">'
            f"<p>Allow access to {fields.get('scope', '')}?</p>"
            f'<a id="allow" href="{back}">Allow</a>'
        )
        return self._send(200, page.encode(), content_type="text/html; charset=utf-8")

    do_GET = do_POST = do_DELETE = _answer  # noqa: N815 (the standard library's names)

    def log_message(self, *args):
        pass


def start():
    server = GraphServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
