"""Global Times: its RSS feed, sitemaps named in robots.txt, and the China and diplomacy sections.

Reported: the section page `globaltimes.cn/china/index.html`. Guessed: the
diplomacy section `globaltimes.cn/china/diplomacy/index.html`, the feed
`globaltimes.cn/rss/outbrain.xml`, and sitemaps in robots.txt.
"""

from __future__ import annotations

from c5crawler.extract import globaltimes
from c5crawler.spiders.base import NewsSpider


class GlobalTimesSpider(NewsSpider):
    name = "globaltimes"
    verified = True
    site = globaltimes
    allowed_domains = ["globaltimes.cn"]
    default_start_urls = [
        "https://www.globaltimes.cn/rss/outbrain.xml",
        "https://www.globaltimes.cn/robots.txt",
        "https://www.globaltimes.cn/china/diplomacy/index.html",
        "https://www.globaltimes.cn/china/index.html",
    ]
