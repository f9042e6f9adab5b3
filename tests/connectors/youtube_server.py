"""YouTube and Google's OAuth on loopback, written to their documentation.

``YouTubeServer`` is real HTTP on 127.0.0.1. It answers what the connector
calls as the Data API v3 reference says: the bearer token is checked (401
``authError``), as are the scope, the required parameters (``part``, a
filter), ownership (``moderationStatus`` and ``setModerationStatus`` only for
the channel's owner, ``comments.delete`` only for the comment's author: 403
``forbidden``), comments turned off (403
``commentsDisabled``) and the daily quota, counted at the documented costs
(403 ``quotaExceeded`` once spent). Its resources are built from the
payloads under ``payloads/youtube/``, each naming the section it is copied
from. ``comments.list`` answers by ``parentId`` (paged) and by ``id`` (a
comma-separated list, no paging: a comment deleted is simply not among the
items). Comments can be edited (``edit_comment``: new text, ``updatedAt``
later than ``publishedAt``) and deleted by their author (``delete_comment``)
as on YouTube. Google's OAuth 2.0 endpoints (consent page, token endpoint with the
code, PKCE and refresh grants) are served too, for the sign-in.

Test plumbing talks to the server's state directly (``add_comment``,
``quota_used``...); the product only ever speaks HTTP to it.
"""

import base64
import copy
import datetime
import hashlib
import html
import http.server
import itertools
import json
import secrets
import threading
import time
import urllib.parse
from pathlib import Path

PAYLOADS = Path(__file__).parent / "payloads" / "youtube"
SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
COSTS = {
    ("GET", "commentThreads"): 1,
    ("GET", "comments"): 1,
    ("GET", "channels"): 1,
    ("POST", "comments"): 50,
    ("POST", "comments/setModerationStatus"): 50,
    ("DELETE", "comments"): 50,
}
API = "/youtube/v3/"


def _payload(name):
    data = json.loads((PAYLOADS / f"{name}.json").read_text())
    return {key: value for key, value in data.items() if not key.startswith("_")}


ERRORS = _payload("errors")


def iso(when):
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiError(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason

    def body(self):
        error = ERRORS[self.reason]
        entry = {
            "message": error["message"],
            "domain": error["domain"],
            "reason": self.reason,
        }
        for key in ("location", "locationType"):
            if key in error:
                entry[key] = error[key]
        return error["code"], {
            "error": {
                "code": error["code"],
                "message": error["message"],
                "errors": [entry],
            }
        }


class YouTubeServer(http.server.ThreadingHTTPServer):
    """The state of one YouTube and one Google account server."""

    daemon_threads = True

    def __init__(self, *, client_id="client-123", client_secret="secret-456"):  # noqa: S107 (a loopback test server's own client)
        super().__init__(("127.0.0.1", 0), Handler)
        self.client_id = client_id
        self.client_secret = client_secret
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        # channel id -> title, custom URL, Google account
        self.channels = {}
        self.videos = {}  # video id -> {"channel", "comments_disabled"}
        self.comments = {}  # comment id -> comment resource
        self.tokens = {}  # access token -> {"channel", "scope"}
        self.refresh_tokens = {}
        self.codes = {}
        self.banned = set()
        self.requests = []
        self.daily_quota = 10000
        self.quota_used = 0
        # comments.list by id: None as documented; "missing" answers 404
        # commentNotFound when any id is unknown (as the method's error table
        # allows); "error" a 500 backendError; a number hangs that long.
        self.by_id_fault = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    # -- test plumbing -------------------------------------------------------

    def add_channel(self, channel_id, title, *, custom_url=""):
        self.channels[channel_id] = {"title": title, "customUrl": custom_url}

    def add_video(self, video_id, channel_id, *, comments_disabled=False):
        self.videos[video_id] = {
            "channel": channel_id,
            "comments_disabled": comments_disabled,
        }

    def grant(self, channel_id, *, scope=SCOPE):
        """Return an access and a refresh token for ``channel_id``'s owner."""
        token, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.tokens[token] = {"channel": channel_id, "scope": scope}
        self.refresh_tokens[refresh] = {"channel": channel_id, "scope": scope}
        return token, refresh

    def add_comment(
        self,
        video_id,
        text,
        *,
        author="@viewer",
        author_channel="UCviewer",
        published=None,
        parent=None,
        status="published",
    ):
        """Store a comment (a reply when ``parent``); return its id."""
        published = published or datetime.datetime.now(datetime.UTC)
        number = next(self.ids)
        comment_id = f"{parent}.r{number}" if parent else f"Ugz{number:020d}"
        comment = _payload("comment")
        comment["id"] = comment_id
        comment["etag"] = secrets.token_urlsafe(12)
        snippet = comment["snippet"]
        snippet.update(
            channelId=self.videos[video_id]["channel"],
            videoId=video_id,
            textDisplay=text,
            textOriginal=text,
            authorDisplayName=author,
            authorChannelUrl=f"http://www.youtube.com/channel/{author_channel}",
            authorChannelId={"value": author_channel},
            publishedAt=iso(published),
            updatedAt=iso(published),
            moderationStatus=status,
        )
        if parent:
            snippet["parentId"] = parent
        self.comments[comment_id] = comment
        return comment_id

    def edit_comment(self, comment_id, text, *, at=None):
        """Edit a comment as its author does on YouTube: the new text, and
        ``updatedAt`` later than ``publishedAt``."""
        snippet = self.comments[comment_id]["snippet"]
        published = datetime.datetime.fromisoformat(snippet["publishedAt"])
        # Later than its publication, to YouTube's second.
        at = max(
            at or datetime.datetime.now(datetime.UTC),
            published + datetime.timedelta(seconds=1),
        )
        snippet.update(textDisplay=text, textOriginal=text, updatedAt=iso(at))
        self.comments[comment_id]["etag"] = secrets.token_urlsafe(12)

    def delete_comment(self, comment_id):
        """Delete a comment as its author does on YouTube (a thread goes
        with its replies)."""
        del self.comments[comment_id]
        for reply in self.replies_to(comment_id):
            del self.comments[reply["id"]]

    def status_of(self, comment_id):
        return self.comments[comment_id]["snippet"]["moderationStatus"]

    def replies_to(self, comment_id):
        return [
            c
            for c in self.comments.values()
            if c["snippet"].get("parentId") == comment_id
        ]

    def calls(self, method, path):
        return [r for r in self.requests if r[0] == method and r[1] == path]

    # -- the Data API ----------------------------------------------------------

    def authorised(self, headers):
        value = headers.get("authorization", "")
        if not value.startswith("Bearer "):
            raise ApiError("authError")
        grant = self.tokens.get(value.removeprefix("Bearer "))
        if grant is None:
            raise ApiError("authError")
        if SCOPE not in grant["scope"].split():
            raise ApiError("insufficientPermissions")
        return grant["channel"]

    def spend(self, method, resource):
        cost = COSTS[(method, resource)]
        if self.quota_used + cost > self.daily_quota:
            raise ApiError("quotaExceeded")
        self.quota_used += cost

    def api(self, method, resource, query, body, headers):
        owner = self.authorised(headers)
        self.spend(method, resource)
        if (method, resource) == ("DELETE", "comments"):
            return self.comments_delete(owner, query)
        if resource != "comments/setModerationStatus" and "part" not in query:
            raise ApiError("required")
        if (method, resource) == ("GET", "channels"):
            return self.channels_list(owner, query)
        if (method, resource) == ("GET", "commentThreads"):
            return self.threads_list(owner, query)
        if (method, resource) == ("GET", "comments"):
            return self.comments_list(owner, query)
        if (method, resource) == ("POST", "comments"):
            return self.comments_insert(owner, body)
        return self.set_moderation_status(owner, query)

    def channels_list(self, owner, query):
        if query.get("mine") != "true":
            raise ApiError("missingRequiredParameter")
        answer = _payload("list_response")
        answer["kind"] = "youtube#channelListResponse"
        del answer["nextPageToken"]
        channel = _payload("channel")
        channel["id"] = owner
        channel["snippet"].update(
            title=self.channels[owner]["title"],
            customUrl=self.channels[owner]["customUrl"],
        )
        answer["items"] = [channel]
        answer["pageInfo"] = {"totalResults": 1, "resultsPerPage": 1}
        return answer

    def _visible(self, comment, owner):
        status = comment["snippet"]["moderationStatus"]
        return status == "published" or (
            self.videos[comment["snippet"]["videoId"]]["channel"] == owner
            and status == "heldForReview"
        )

    def _for_viewer(self, comment, owner):
        comment = copy.deepcopy(comment)
        # "moderationStatus: only returned if the API request was authorized
        # by the owner of the channel or the video" (Comments resource).
        if self.videos[comment["snippet"]["videoId"]]["channel"] != owner:
            comment["snippet"].pop("moderationStatus", None)
        return comment

    def threads_list(self, owner, query):
        channel = query.get("allThreadsRelatedToChannelId")
        if not channel:
            raise ApiError("missingRequiredParameter")
        wanted = query.get("moderationStatus", "published")
        if wanted != "published" and channel != owner:
            raise ApiError("forbidden")
        videos = [v for v, info in self.videos.items() if info["channel"] == channel]
        if videos and all(self.videos[v]["comments_disabled"] for v in videos):
            raise ApiError("commentsDisabled")
        threads = []
        for comment in self.comments.values():
            snippet = comment["snippet"]
            if snippet.get("parentId") or snippet["videoId"] not in videos:
                continue
            replies = [
                r
                for r in self.replies_to(comment["id"])
                if r["snippet"]["moderationStatus"] == "published"
            ]
            held_replies = [
                r
                for r in self.replies_to(comment["id"])
                if r["snippet"]["moderationStatus"] == wanted
            ]
            if snippet["moderationStatus"] != wanted and not (
                wanted != "published" and held_replies
            ):
                continue
            thread = _payload("comment_thread")
            thread["id"] = comment["id"]
            thread["snippet"].update(
                channelId=channel,
                videoId=snippet["videoId"],
                topLevelComment=self._for_viewer(comment, owner),
                totalReplyCount=len(replies),
            )
            shown = held_replies if wanted != "published" else replies
            # A thread carries a few replies at most; comments.list has all.
            thread["replies"]["comments"] = [
                self._for_viewer(r, owner)
                for r in sorted(shown, key=lambda r: r["snippet"]["publishedAt"])[:5]
            ]
            threads.append(thread)
        threads.sort(
            key=lambda t: t["snippet"]["topLevelComment"]["snippet"]["publishedAt"],
            reverse=True,
        )
        return self._page(threads, query, "youtube#commentThreadListResponse")

    def _page(self, items, query, kind):
        size = int(query.get("maxResults", "20"))
        if not 1 <= size <= 100:
            raise ApiError("missingRequiredParameter")
        start = int(query.get("pageToken") or 0)
        answer = _payload("list_response")
        answer["kind"] = kind
        answer["items"] = items[start : start + size]
        answer["pageInfo"] = {"totalResults": len(items), "resultsPerPage": size}
        if start + size < len(items):
            answer["nextPageToken"] = str(start + size)
        else:
            del answer["nextPageToken"]
        return answer

    def comments_list(self, owner, query):
        if "id" in query:
            return self.comments_by_id(owner, query)
        parent = query.get("parentId")
        if not parent:
            raise ApiError("missingRequiredParameter")
        if parent not in self.comments:
            raise ApiError("parentCommentNotFound")
        replies = [
            self._for_viewer(r, owner)
            for r in self.replies_to(parent)
            if self._visible(r, owner)
        ]
        return self._page(replies, query, "youtube#commentListResponse")

    def comments_by_id(self, owner, query):
        """comments.list with ``id``: the comments named that exist and the
        viewer may see, in no pages (``maxResults`` and ``pageToken`` are
        not supported with ``id``)."""
        if "parentId" in query or "maxResults" in query or "pageToken" in query:
            raise ApiError("missingRequiredParameter")
        ids = [i for i in query["id"].split(",") if i]
        if not ids:
            raise ApiError("missingRequiredParameter")
        if self.by_id_fault == "error":
            raise ApiError("backendError")
        if self.by_id_fault == "missing" and any(i not in self.comments for i in ids):
            raise ApiError("commentNotFound")
        items = [
            self._for_viewer(self.comments[i], owner)
            for i in ids
            if i in self.comments and self._visible(self.comments[i], owner)
        ]
        answer = _payload("comments_by_id")
        answer["items"] = items
        answer["pageInfo"] = {"totalResults": len(items), "resultsPerPage": len(items)}
        return answer

    def comments_insert(self, owner, body):
        snippet = (body or {}).get("snippet") or {}
        parent = self.comments.get(snippet.get("parentId") or "")
        if parent is None or parent["snippet"].get("parentId"):
            raise ApiError("parentCommentNotFound")
        if not str(snippet.get("textOriginal") or "").strip():
            raise ApiError("commentTextRequired")
        video = parent["snippet"]["videoId"]
        if self.videos[video]["comments_disabled"]:
            raise ApiError("commentsDisabled")
        reply_id = self.add_comment(
            video,
            snippet["textOriginal"],
            author=self.channels[owner]["customUrl"] or self.channels[owner]["title"],
            author_channel=owner,
            parent=parent["id"],
        )
        return self.comments[reply_id]

    def comments_delete(self, owner, query):
        """comments.delete: "the request must be authorized by the comment's
        author"; a comment another channel wrote is 403 ``forbidden``."""
        comment = self.comments.get(query.get("id") or "")
        if comment is None:
            raise ApiError("commentNotFound")
        if comment["snippet"]["authorChannelId"]["value"] != owner:
            raise ApiError("forbidden")
        del self.comments[comment["id"]]
        return None  # 204 No Content

    def set_moderation_status(self, owner, query):
        status = query.get("moderationStatus")
        ids = [i for i in query.get("id", "").split(",") if i]
        if not ids or status not in ("heldForReview", "published", "rejected"):
            raise ApiError("missingRequiredParameter")
        if query.get("banAuthor") == "true" and status != "rejected":
            raise ApiError("banWithoutReject")
        for comment_id in ids:
            if comment_id not in self.comments:
                raise ApiError("commentNotFound")
            video = self.comments[comment_id]["snippet"]["videoId"]
            if self.videos[video]["channel"] != owner:
                raise ApiError("forbidden")
        for comment_id in ids:
            self.comments[comment_id]["snippet"]["moderationStatus"] = status
            if query.get("banAuthor") == "true":
                author = self.comments[comment_id]["snippet"]["authorChannelId"]
                self.banned.add(author["value"])
        return None  # 204 No Content

    # -- Google's OAuth 2.0 ----------------------------------------------------

    def consent_page(self, query):
        if query.get("client_id") != self.client_id:
            return 400, "text/plain", b"Error 401: invalid_client"
        if query.get("response_type") != "code" or not query.get("code_challenge"):
            return 400, "text/plain", b"Error 400: invalid_request"
        options = "".join(
            f'<option value="{html.escape(cid)}">{html.escape(c["title"])}</option>'
            for cid, c in self.channels.items()
        )
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in query.items()
        )
        page = (
            "<!doctype html><title>Sign in - Google Accounts</title>"
            f"<h1>Social governance wants to access your Google Account</h1>"
            f"<p>Scope: {html.escape(query.get('scope', ''))}</p>"
            '<form method="post" action="/o/oauth2/auth/approve">'
            f'<label>Choose an account <select name="channel">{options}</select>'
            f"</label>{hidden}"
            '<button name="decision" value="allow">Allow</button>'
            '<button name="decision" value="deny">Cancel</button></form>'
        )
        return 200, "text/html; charset=utf-8", page.encode()

    def approve(self, form):
        redirect_uri = form["redirect_uri"]
        if form.get("decision") != "allow":
            query = {"error": "access_denied", "state": form.get("state", "")}
        else:
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "channel": form["channel"],
                "redirect_uri": redirect_uri,
                "challenge": form["code_challenge"],
                "scope": form.get("scope", ""),
            }
            query = {"code": code, "state": form.get("state", ""), "scope": SCOPE}
        return redirect_uri + "?" + urllib.parse.urlencode(query)

    def token(self, form, headers):
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = headers.get("authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            client_id = urllib.parse.unquote(client_id)
            secret = urllib.parse.unquote(secret)
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
        grant_type = form.get("grant_type")
        if grant_type == "refresh_token":
            grant = self.refresh_tokens.get(form.get("refresh_token", ""))
            if grant is None:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Bad Request",
                }
            token = secrets.token_urlsafe(16)
            self.tokens[token] = dict(grant)
            return 200, {
                "access_token": token,
                "expires_in": 3599,
                "scope": grant["scope"],
                "token_type": "Bearer",
            }
        if grant_type != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .decode()
            .rstrip("=")
        )
        if (
            grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
            or challenge != grant["challenge"]
        ):
            return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
        token, refresh = self.grant(grant["channel"], scope=SCOPE)
        return 200, {
            "access_token": token,
            "expires_in": 3599,
            "refresh_token": refresh,
            "scope": SCOPE,
            "token_type": "Bearer",
        }


class Handler(http.server.BaseHTTPRequestHandler):
    server: YouTubeServer

    def _send(self, status, content_type, body, headers=()):
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _json(self, status, data):
        self._send(status, "application/json; charset=UTF-8", json.dumps(data).encode())

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path, _, query_string = self.path.partition("?")
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(query_string).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        server = self.server
        fault = server.by_id_fault
        if isinstance(fault, int | float) and "id=" in query_string:
            # A server that hangs, outside the lock: the request is logged as
            # it arrives, and once the client has given up it changes nothing
            # (logged or acted on late, it would land in a later test).
            with server.lock:
                server.requests.append((self.command, path, query, raw, headers))
            time.sleep(fault)
            return self._send(503, "", None)
        with server.lock:
            server.requests.append((self.command, path, query, raw, headers))
            if path == "/favicon.ico":
                return self._send(204, "", None)
            if path == "/o/oauth2/auth" and self.command == "GET":
                return self._send(*server.consent_page(query))
            if path == "/o/oauth2/auth/approve" and self.command == "POST":
                form = {
                    k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode()).items()
                }
                return self._send(302, "", None, [("Location", server.approve(form))])
            if path == "/token" and self.command == "POST":
                form = {
                    k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode()).items()
                }
                return self._json(*server.token(form, headers))
            resource = path.removeprefix(API)
            if not path.startswith(API) or (self.command, resource) not in COSTS:
                return self._json(404, {"error": {"code": 404, "message": "Not Found"}})
            try:
                body = json.loads(raw) if raw else None
                answer = server.api(self.command, resource, query, body, headers)
            except ApiError as exc:
                return self._json(*exc.body())
            if answer is None:
                return self._send(204, "", None)
            return self._json(200, answer)

    do_GET = do_POST = do_DELETE = _handle  # noqa: N815 (the standard library's names)

    def log_message(self, *args):
        pass


def start():
    server = YouTubeServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server
