"""The API's JSON parser: how deep a body may nest."""

import json

import pytest

from core.parsers import MAX_DEPTH, nested_deeper_than


def nest(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "deeper"),
    [
        (nest(MAX_DEPTH), False),
        (nest(MAX_DEPTH + 1), True),
        ('{"a": [{"b": [1, 2]}, {}], "c": "[[[["}', False),
        # Alternating objects and arrays count one level each.
        ('{"a": ' * 17 + "[" * 16 + "]" * 16 + "}" * 17, True),
        ('{"a": ' * 16 + "[" * 16 + "]" * 16 + "}" * 16, False),
        # Escaped quotes do not end a string.
        (json.dumps(['\\"' + "[" * 100, {"k": "]" * 100 + '"'}]), False),
        ("[" * 10_000, True),
        # Deep without a long run of opening brackets.
        ("[[]," * 40 + "]" * 40, True),
        ("[[]," * 31 + "]" * 31, False),
        ("", False),
    ],
)
def test_nesting_depth(text, deeper):
    assert nested_deeper_than(text, MAX_DEPTH) is deeper
