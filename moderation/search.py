"""Search the inbox by words of a comment's text and of its author.

Accent- and case-insensitive in every language: "ete" finds "été", "Montreal"
finds "Montréal". On PostgreSQL a generated ``tsvector`` column (the text, the
author's handle and name, unaccented, through the ``'simple'`` configuration:
no stemming, so French and English are read alike) carries a GIN index on the
open comments (migration 0037). On SQLite each word is looked for in the same
folded text through a Python function.

A search reads a bounded number of rows whatever the table holds, in one
statement (``matching_ids``): it first walks the inbox's own urgency index
over at most ``PREFIX_ROWS`` rows, checking each against the words, which
fills the page at once for a frequent word (a word in one comment in ten
fills 100 rows within the first 1,000); only when that prefix yields too few
does the GIN index find the rest, and then the word is rare, so it returns
few rows to sort. Ordering every match by urgency through the GIN index alone
would sort hundreds of thousands of rows for a frequent word; walking the
urgency index alone would read every open comment for a rare one.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from core import pagination

# The longest query read, in characters; longer is refused with a message.
MAX_QUERY = 200
# The most rows a search walks in the inbox's order before the GIN index.
PREFIX_ROWS = 5_000
# The most matches a search returns (pages beyond are not offered).
MAX_MATCHES = 1_000

# The inbox's parameters a saved filter may keep, and the search ones.
FILTER_PARAMETERS = (
    "q",
    "author",
    "view",
    "channel",
    "status",
    "category",
    "assigned",
    "size",
)

# The expression of the generated column: keep it identical to the index's.
MATCH_SQL = (
    '"moderation_comment"."search" @@ '
    "plainto_tsquery('simple'::regconfig, moderation_unaccent(%s))"
)

SETUP_SQL = """
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
-- unaccent() is only stable (it reads its dictionary by name); naming the
-- dictionary makes a wrapper that an index and a generated column may use.
CREATE OR REPLACE FUNCTION moderation_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
ALTER TABLE moderation_comment ADD COLUMN search tsvector
    GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, moderation_unaccent(
            text || ' ' || author || ' ' || author_name))
    ) STORED;
-- Only open comments: the inbox searches them, and the index stays a tenth
-- of the table's size.
CREATE INDEX moderation_open_search_idx ON moderation_comment
    USING gin (search)
    WHERE status IN ('new', 'assigned', 'pending_approval', 'escalated');
"""

TEARDOWN_SQL = """
DROP INDEX IF EXISTS moderation_open_search_idx;
ALTER TABLE moderation_comment DROP COLUMN IF EXISTS search;
DROP FUNCTION IF EXISTS moderation_unaccent(text);
"""


def fold(text):
    """Return ``text`` without accents, in lower case ("Été" -> "ete")."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def register_sqlite_function(sender, connection, **kwargs):
    """Give SQLite the ``moderation_unaccent`` function PostgreSQL has."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "moderation_unaccent", 1, fold, deterministic=True
        )


def words_of(query):
    """Return the words of ``query`` (letters and digits), folded."""
    return re.findall(r"\w+", fold(query or ""))[:20]


def _sqlite_condition(query):
    condition = Q()
    for word in words_of(query):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        condition &= Q(
            RawSQL(
                'moderation_unaccent("moderation_comment"."text" || \' \' || '
                '"moderation_comment"."author" || \' \' || '
                '"moderation_comment"."author_name") LIKE %s ESCAPE \'\\\'',
                [f"%{escaped}%"],
                output_field=BooleanField(),
            )
        )
    return condition


def _match(query):
    # Fixed SQL; the words go in as a parameter.
    return RawSQL(MATCH_SQL, [query], output_field=BooleanField())  # noqa: S611


def matching_ids(comments, query, *, limit):
    """Return the ids of the first ``limit`` of ``comments`` (ordered as the
    inbox is) matching every word of ``query``, in that order, in one query."""
    order = ("first_response_due_at", "-priority", "pk")
    comments = comments.order_by(*order)
    if connection.vendor != "postgresql":
        return list(
            comments.filter(_sqlite_condition(query)).values_list("pk", flat=True)[
                :limit
            ]
        )
    keys = ("pk", "first_response_due_at", "priority")
    prefix = comments.annotate(hit=_match(query)).values_list(*keys, "hit").query
    prefix.set_limits(0, PREFIX_ROWS)
    prefix_sql, prefix_params = prefix.sql_with_params()
    # Every match, unordered: the planner then reads the GIN index (ordered
    # and limited, it would walk the urgency index past every open comment
    # for two frequent words that never meet).
    rest = comments.filter(_match(query)).order_by().values_list(*keys).query
    rest_sql, rest_params = rest.sql_with_params()
    # Both subqueries are Django's own SQL, compiled from the querysets; the
    # words go in as parameters. The second runs only when the first did not
    # fill ``limit`` (a one-time filter the executor checks before it starts),
    # and then the words are rare among the most urgent comments.
    sql = (
        "WITH first AS MATERIALIZED ("  # noqa: S608
        f"SELECT p.id, p.due, p.priority FROM ({prefix_sql}) "
        "AS p(id, due, priority, hit) WHERE p.hit LIMIT %s), "
        "rest AS MATERIALIZED ("
        f"SELECT r.id, r.due, r.priority FROM ({rest_sql}) AS r(id, due, priority) "
        "WHERE (SELECT count(*) FROM first) < %s) "
        "SELECT id, due, priority FROM first "
        "WHERE (SELECT count(*) FROM first) >= %s "
        "UNION ALL "
        "(SELECT id, due, priority FROM rest "
        "ORDER BY due, priority DESC, id LIMIT %s)"
    )
    params = [*prefix_params, limit, *rest_params, limit, limit, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[1], -row[2], row[0]))
    return [row[0] for row in rows]


# A search counts its matches up to this many ("99+" beyond), as the views do.
COUNT_CAP = 99


def window(comments, query, *, number, size):
    """Return page ``number`` of the ``comments`` matching ``query``, counted
    up to ``COUNT_CAP`` (past it, "more than 99"), in two queries and the
    rows' prefetches: the matching ids, then their rows."""
    size = max(1, size)
    number = max(1, min(number, MAX_MATCHES // size))
    offset = (number - 1) * size
    limit = max(offset + size + 1, COUNT_CAP + 1)
    ids = matching_ids(comments, query, limit=limit)
    page = ids[offset : offset + size]
    rows = list(comments.filter(pk__in=page)) if page else []
    # The rows query keeps the inbox's order; the ids decide the page.
    position = {pk: index for index, pk in enumerate(page)}
    rows.sort(key=lambda comment: position[comment.pk])
    return pagination.Window(
        items=rows,
        number=number,
        size=size,
        has_next=len(ids) > offset + size,
        total=min(len(ids), COUNT_CAP),
        total_capped=len(ids) > COUNT_CAP,
    )


def filter_query(params):
    """Return the inbox filters of ``params`` (a ``QueryDict``) as a query
    string of the known parameters only, each once and not empty."""
    kept = QueryDict(mutable=True)
    for name in FILTER_PARAMETERS:
        value = (params.get(name) or "").strip()
        if value:
            kept[name] = value[:MAX_QUERY]
    return kept.urlencode()
