"""Charts of the archive: what to draw, read with SQLAlchemy (SQLite or PostgreSQL), then drawn with matplotlib.

The queries return plain counts and know nothing of matplotlib; the drawing functions take
those counts and know nothing of the archive. matplotlib comes with the `c5crawler[plot]` extra.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select

from c5crawler.archive.filters import ArticleFilter
from c5crawler.archive.models import Article, Mention, Turn

if TYPE_CHECKING:
    from matplotlib.axes import Axes

KINDS = ("timeline", "mentions", "outlets")
SUFFIXES = (".png", ".svg")
UNNAMED_OUTLET = "(not named)"


# -- what to draw -----------------------------------------------------------------------
def week_of(moment: datetime) -> date:
    """The Monday starting the (UTC) week of `moment`."""
    return moment.date() - timedelta(days=moment.weekday())


def month_of(moment: datetime) -> date:
    return moment.date().replace(day=1)


def articles_per_week(engine: Engine, where: ArticleFilter) -> dict[str, Counter[date]]:
    """Each source's articles counted by the week they were published in (undated ones left out)."""
    query = where.apply(select(Article.source, Article.published_at).where(Article.published_at.is_not(None)))
    counts: dict[str, Counter[date]] = defaultdict(Counter)
    with engine.connect() as connection:
        for source, published_at in connection.execute(query):
            counts[source][week_of(published_at)] += 1
    return dict(sorted(counts.items()))


def mentions_per_month(engine: Engine, name: str, where: ArticleFilter) -> Counter[date]:
    """How many times the articles name `name` (as listed in mentions, any case), by month."""
    query = where.apply(
        select(Article.published_at, Mention.count)
        .join(Mention, Mention.article_id == Article.id)
        .where(func.lower(Mention.name) == func.lower(name), Article.published_at.is_not(None))
    )
    counts: Counter[date] = Counter()
    with engine.connect() as connection:
        for published_at, count in connection.execute(query):
            counts[month_of(published_at)] += count
    return counts


def questions_per_outlet(engine: Engine, where: ArticleFilter, top: int) -> list[tuple[str, int]]:
    """The `top` outlets by journalists' questions at press conferences, most first."""
    outlet = func.coalesce(Turn.outlet, UNNAMED_OUTLET)
    questions = func.count(Turn.id)
    query = where.apply(
        select(outlet, questions)
        .join(Article, Article.id == Turn.article_id)
        .where(Turn.role == "journalist")
        .group_by(outlet)
        .order_by(questions.desc(), outlet)
        .limit(top)
    )
    with engine.connect() as connection:
        return [(name, count) for name, count in connection.execute(query)]


# -- drawing ----------------------------------------------------------------------------
def _axes(title: str, subtitle: str, size: tuple[float, float] = (10, 4.5)) -> Axes:
    from matplotlib.figure import Figure

    # A Figure without pyplot: no GUI backend, nothing global.
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.subplots()
    figure.suptitle(title, x=0.01, ha="left", fontsize=14, fontweight="bold")
    axes.set_title(subtitle, loc="left", fontsize=10, color="#555555")
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y" if size[0] >= size[1] else "x", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    return axes


def _span(days: list[date], shown: str = "%d %b %Y") -> str:
    return f"{min(days):{shown}} to {max(days):{shown}}"


def _dated_axis(axes: Axes) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(maxticks=10)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.yaxis.get_major_locator().set_params(integer=True)


def draw_timeline(counts: dict[str, Counter[date]], path: Path) -> None:
    """Stacked bars, one a week, a colour a source."""
    weeks = sorted({week for by_week in counts.values() for week in by_week})
    total = sum(sum(by_week.values()) for by_week in counts.values())
    axes = _axes("Articles per week, by source", f"{total:,} articles in the weeks of {_span(weeks)}")
    below = Counter[date]()
    for source, by_week in counts.items():
        heights = [by_week[week] for week in weeks]
        axes.bar(weeks, heights, width=6, bottom=[below[week] for week in weeks], align="edge", label=source)
        below.update(by_week)
    axes.set_ylabel("articles")
    _dated_axis(axes)
    axes.legend(title="source", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.figure.savefig(path)


def draw_mentions(counts: Counter[date], name: str, path: Path) -> None:
    months = sorted(counts)
    axes = _axes(f"Mentions of {name}, by month", f"{sum(counts.values()):,} mentions, {_span(months, '%b %Y')}")
    axes.bar(months, [counts[month] for month in months], width=27, align="edge", color="#b45309")
    axes.set_ylabel("mentions")
    _dated_axis(axes)
    axes.figure.savefig(path)


def draw_outlets(counts: list[tuple[str, int]], path: Path) -> None:
    """Horizontal bars, the outlet asking most at the top."""
    height = 1.2 + 0.35 * len(counts)
    questions = sum(count for _, count in counts)
    axes = _axes("Questions per outlet at press conferences", f"{questions:,} questions from {len(counts)} outlets", (8, height))
    axes.barh([name for name, _ in reversed(counts)], [count for _, count in reversed(counts)], color="#1d4ed8")
    axes.set_xlabel("questions")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.figure.savefig(path)
