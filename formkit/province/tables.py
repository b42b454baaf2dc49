"""Tables of figures that are never cut on the printed page: the same markup on the
coordinators' page and in the provincial report, laid out by :mod:`formkit.table_fit`
(portrait, landscape, or one card per row)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from formkit.table_fit import CARDS, fit


def fitted_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
                 row_headers: bool = True) -> Markup:
    """A table with ``headers`` and ``rows`` of texts (already formatted: numbers with
    :mod:`formkit.formatting`), its first cell a row header unless ``row_headers`` is
    false. Everything is escaped."""
    placed = fit(headers, rows)
    if placed.layout == CARDS:
        return Markup("<div class='answer-cards'><p class='meta'>{}</p>{}</div>").format(
            caption, Markup("").join(
                Markup("<dl class='answer-card'>{}</dl>").format(Markup("").join(
                    Markup("<dt>{}</dt><dd>{}</dd>").format(header, cell)
                    for header, cell in zip(headers, row, strict=True)))
                for row in rows))
    widths = Markup("").join(Markup("<col width='{}%'>").format(w) for w in placed.widths)
    head = Markup("").join(Markup("<th scope='col'>{}</th>").format(h) for h in headers)

    def cells(row: Sequence[str]) -> Markup:
        return Markup("").join(
            Markup("<th scope='row'>{}</th>" if index == 0 and row_headers
                   else "<td>{}</td>").format(cell)
            for index, cell in enumerate(row))

    body = Markup("").join(Markup("<tr>{}</tr>").format(cells(row)) for row in rows)
    # scrolls sideways on a phone rather than squeezing seven columns (keyboard too)
    return Markup("<div class='table-scroll' tabindex='0' role='region' aria-label='{}'>"
                  "<table class='answer-table figures-table fits-{}'><caption>{}</caption>"
                  "<colgroup>{}</colgroup><thead><tr>{}</tr></thead><tbody>{}</tbody>"
                  "</table></div>").format(caption, placed.layout, caption, widths, head,
                                           body)
