"""The numbers behind a server-side SVG chart, as a table that screen readers read and the eye does not
see (``.sr-only``): the chart's text alternative (WCAG 1.1.1), set right after its ``<svg>``. The SVG
keeps its ``role="img"`` and short name; the table holds every figure the chart draws."""

from markupsafe import Markup, escape

from scheduler.domain.formats import share


def numbers_table(caption: str, headers: list[str], rows: list[list]) -> Markup:
    """A visually hidden table, in a hidden box (a table is never narrower than its content): ``caption``,
    one column per header, the first cell of each row its header (a channel, a week, a month). Cells are
    escaped; numbers come formatted."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{escape(cell)}</th>' if index == 0 else f"<td>{escape(cell)}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return Markup(
        f'<div class="sr-only chart-numbers"><table class="numbers"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def percent(value) -> str:
    return share(value)
