"""The coordinators' response list in SQL: :class:`ResponseQuery` as one statement.

Filters, search, sort, paging and the count run in PostgreSQL, so a list page of a form
with 100,000 responses reads one page of rows. The rules are those of
:mod:`formkit.storage.listing` (TinyDB applies them in Python), written in SQL: search
looks in ``search_text``, the folded answers PostgreSQL keeps (migration 012).
"""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from formkit.storage.base import Response
from formkit.storage.listing import ResponseQuery

#: an answer that counts as unanswered when sorting (``not value`` in Python).
_UNANSWERED = "('null', 'false', '0', '\"\"', '[]', '{}')"


class PostgresListing:
    """Mixin of :class:`PostgresStore`: ``find_responses`` in SQL."""

    #: the columns a response is read from (the store's).
    _response_columns: tuple[str, ...]

    def find_responses(self, form_id: str,
                       query: ResponseQuery) -> tuple[list[Response], int]:
        review = "(CASE WHEN review_status = ANY(%s) THEN review_status ELSE %s END)"
        review_params = [list(query.review_keys), query.review_keys[0]]
        where, params = ["form_id = %s"], [form_id]
        if query.status is not None:
            where.append("status = %s")
            params.append(query.status)
        if query.since or query.until:
            day = "left(coalesce(submitted, created), 10)"
            where.append(f"{day} ~ '^\\d{{4}}-\\d{{2}}-\\d{{2}}$'")
            for bound, test in ((query.since, ">="), (query.until, "<=")):
                if bound:
                    where.append(f"{day} {test} %s")
                    params.append(bound.isoformat())
        if query.locale:
            where.append("locale = %s")
            params.append(query.locale)
        if query.review:
            where.append(f"{review} = %s")
            params += [*review_params, query.review]
        if query.wanted:  # strpos, not LIKE: a query may hold % or _
            where.append("(strpos(search_text, %s) > 0 OR answers @> ANY(%s)"
                         " OR reference = %s OR id = %s"
                         " OR strpos(lower(coalesce(reference, '')), %s) > 0)")
            labelled = [Jsonb({f: value}) for f, answer in query.labelled
                        for value in (answer, [answer])]
            wanted = query.wanted.replace("\x00", "")  # text never holds NUL
            params += [wanted, labelled, query.reference,
                       query.search.strip().replace("\x00", ""), wanted]
        where_sql = " AND ".join(where)
        order, order_params = _order(query, review, review_params)
        # The page's ids first (narrow rows sort fast), then those rows, in that order.
        columns = ", ".join(f"r.{c}" for c in self._response_columns)
        rows = self._all(
            f"SELECT {columns} FROM unnest(ARRAY(SELECT seq FROM responses "
            f"WHERE {where_sql} ORDER BY {order}, seq LIMIT %s OFFSET %s)) "
            f"WITH ORDINALITY AS p(seq, n) JOIN responses r USING (seq) ORDER BY p.n",
            [*params, *order_params, query.limit, max(query.offset, 0)])
        total = self._one(f"SELECT count(*) AS n FROM responses WHERE {where_sql}",
                          params)["n"]
        return [Response.from_dict(r) for r in rows], total


def _order(query: ResponseQuery, review: str,
           review_params: list[Any]) -> tuple[str, list[Any]]:
    """The ORDER BY of ``query`` (text in code point order, as Python compares it)."""
    direction = "DESC" if query.descending else "ASC"
    field_id = query.sort_field
    if field_id is None:
        key = {"review": review, "locale": "locale", "created": "created"}.get(
            query.sort, "coalesce(submitted, updated)")
        return (f'{key} COLLATE "C" {direction}',
                review_params if query.sort == "review" else [])
    answer = "(answers -> %s)"
    # sort_text: the answer folded when written (migration 012); numbers as numbers.
    return (f"({answer} IS NULL OR {answer} IN {_UNANSWERED}) ASC, "
            f"(jsonb_typeof({answer}) <> 'number') {direction}, "
            f"CASE jsonb_typeof({answer}) WHEN 'number' THEN ({answer})::numeric END "
            f"{direction}, (sort_text ->> %s) COLLATE \"C\" {direction}",
            [field_id] * 6)
