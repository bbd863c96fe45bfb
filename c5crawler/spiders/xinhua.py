"""Xinhua English: its RSS feeds, sitemaps named in robots.txt, and the China and World sections.

Reported: `english.news.cn/rss/worldrss.xml` and the section pages
`english.news.cn/{china,world}/index.htm`. Guessed: `rss/chinarss.xml` beside it,
and sitemaps in robots.txt (a site without them costs one request).
"""

from __future__ import annotations

from c5crawler.extract import xinhua
from c5crawler.spiders.base import NewsSpider


class XinhuaSpider(NewsSpider):
    name = "xinhua"
    verified = True
    site = xinhua
    allowed_domains = ["news.cn", "xinhuanet.com"]
    default_start_urls = [
        "https://english.news.cn/rss/worldrss.xml",
        "https://english.news.cn/rss/chinarss.xml",
        "https://english.news.cn/robots.txt",
        "https://english.news.cn/china/index.htm",
        "https://english.news.cn/world/index.htm",
    ]
