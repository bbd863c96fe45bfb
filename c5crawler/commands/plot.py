"""`c5crawler plot`: a chart of the archive (articles per week, mentions per month, questions per outlet) as PNG or SVG."""

from __future__ import annotations

import argparse
from importlib.util import find_spec
from pathlib import Path

from c5crawler.commands.options import EXIT_OK, UsageError, Verbs, archive_url, article_filter, positive


def register(verbs: Verbs) -> None:
    from c5crawler.plots import KINDS

    plot = verbs.add("plot", "draw a chart of the archive to a PNG or SVG file", db=True, filters=True)
    plot.add_argument(
        "chart", metavar="KIND", choices=KINDS,
        help="timeline: articles per week by source; mentions: mentions of --name per month; "
        "outlets: questions per outlet at press conferences",
    )
    # Not `kind`: that is the article filter's --kind.
    plot.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the chart to write: FILE.png or FILE.svg")
    plot.add_argument("--name", help="for mentions: the country, person or organisation (as listed, any case)")
    plot.add_argument("--top", type=positive, default=20, help="for outlets: the outlets asking most (20)")
    plot.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from c5crawler import plots

    if find_spec("matplotlib") is None:
        raise UsageError("plot needs the plot extra (missing matplotlib): pip install 'c5crawler[plot]'")
    if args.output.suffix.lower() not in plots.SUFFIXES:
        raise UsageError(f"the chart is written as PNG or SVG: name it FILE.png or FILE.svg, not {args.output.name!r}")
    if args.chart == "mentions" and not args.name:
        raise UsageError("plot mentions needs --name, e.g. --name Kazakhstan")
    if not args.output.parent.is_dir():
        raise UsageError(f"no folder {args.output.parent} to write {args.output.name} in")
    from c5crawler.archive import open_archive

    engine = open_archive(archive_url(args), create=False)
    try:
        where = article_filter(args, engine)
        if args.chart == "timeline":
            weekly = plots.articles_per_week(engine, where)
            if not weekly:
                raise UsageError("nothing to plot: no dated article matches")
            plots.draw_timeline(weekly, args.output)
        elif args.chart == "mentions":
            monthly = plots.mentions_per_month(engine, args.name, where)
            if not monthly:
                raise UsageError(f"nothing to plot: no dated article that matches mentions {args.name!r}")
            plots.draw_mentions(monthly, args.name, args.output)
        else:
            outlets = plots.questions_per_outlet(engine, where, args.top)
            if not outlets:
                raise UsageError("nothing to plot: no press-conference question matches")
            plots.draw_outlets(outlets, args.output)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    finally:
        engine.dispose()
    print(f"wrote {args.output}")
    return EXIT_OK
