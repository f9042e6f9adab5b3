"""The API's JSON parser: bodies of a bounded size and nesting.

DRF's own parser reads the body through ``HttpRequest.body``, so one setting
(``DATA_UPLOAD_MAX_MEMORY_SIZE``) bounds every endpoint alike, and hands it to
``json.loads``, whose recursion on deeply nested arrays raises
``RecursionError`` (a 500). Here a view may allow a larger body than the
default (``max_body_bytes``: the bulk ingest), a larger body is a 413, and a
body nested deeper than ``MAX_DEPTH`` is a 400 before it is decoded.
"""

import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import renderers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser, get_encoding
from rest_framework.utils import json

# No request of the API nests deeper than a few levels.
MAX_DEPTH = 32

# A JSON string once its escaped backslashes and quotes are set aside.
_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


def nested_deeper_than(text, limit):
    """Return whether arrays and objects in JSON ``text`` nest deeper than ``limit``.

    Escaped backslashes, then escaped quotes, then strings are set aside (each
    a scan in C), so that only the brackets of the structure are counted; the
    cost grows with the text, not with its depth.
    """
    shape = text.replace("\\\\", "").replace('\\"', "")
    shape = _NOT_BRACKET.sub("", _STRING.sub("", shape))
    if len(shape) <= limit:
        return False
    if re.search(rf"[\[{{]{{{limit + 1}}}", shape):  # the usual attack, at once
        return True
    return max(accumulate(map(_STEP.__getitem__, shape))) > limit


class JSONParser(BaseParser):
    """Parse a JSON body of at most the view's ``max_body_bytes`` (default
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``), nested at most ``MAX_DEPTH`` levels."""

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        limit = (
            getattr(context.get("view"), "max_body_bytes", None)
            or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        request = context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else 0
        try:
            declared = int(declared or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            raise RequestTooLarge()
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise RequestTooLarge()
        try:
            text = body.decode(get_encoding(context))
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("JSON parse error - %(error)s") % {"error": exc}
            ) from None
        if nested_deeper_than(text, MAX_DEPTH):
            raise ParseError(_("JSON nested too deeply."))
        try:
            return json.loads(text, parse_constant=json.strict_constant)
        except RecursionError:  # not reached for valid JSON: the check above
            raise ParseError(_("JSON nested too deeply.")) from None
        except ValueError as exc:
            raise ParseError(
                _("JSON parse error - %(error)s") % {"error": exc}
            ) from None
