"""How Scrapy logs what the pipelines drop: one line with the reason.

Scrapy's default logs the whole item, which here holds the page's HTML: a cron
log would grow by the size of every page that is not diplomacy.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class OneLineLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> LogFormatterResult:
        # The reason is already counted under c5/dropped/ in the stats.
        return {"level": logging.INFO, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}
