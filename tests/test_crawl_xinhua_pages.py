"""A Xinhua article over two pages (`c_<n>.htm`, `c_<n>_2.htm`) is crawled into one record.

The pages are written here in the xinhuanet.com 2017-2020 template (SITES.md) and
served on 127.0.0.1.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from c5crawler.mirror import serve
from tests.conftest import scrapy_crawl

SITE = Path(__file__).parent / "fixtures" / "xinhua_pager"
ARTICLE = "local/2020-02/19/c_1125597000.htm"


def test_pages_of_one_article_are_one_record(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite3"
    with serve(SITE) as base:
        # C5_KEEP=all: what is tested is the joining, not the diplomacy rules' Chinese.
        result = scrapy_crawl("xinhua", db, "-s", "C5_KEEP=all", "-a", f"start_urls={base}/{ARTICLE}")
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, title, body, language, published_at, date_precision FROM articles").fetchall()
        agencies = conn.execute("SELECT name FROM credits WHERE role = 'agency'").fetchall()
    assert len(rows) == 1
    url, title, body, language, published_at, precision = rows[0]
    assert url == f"https://www.news.cn/{ARTICLE}"
    assert title == "中国同中亚国家举行外长视频会议" and language == "zh"
    assert (published_at, precision) == ("2020-07-16 14:41:05.000000", "minute")
    assert body.split("\n\n") == [
        "新华社北京7月16日电 国务委员兼外长王毅16日以视频方式主持中国—中亚五国外长会晤。",
        "王毅表示，中方愿同中亚国家一道，推动各领域合作取得新进展。",
        "与会各方同意建立中国—中亚五国外长定期会晤机制。",
        "会后发表了联合声明。",
    ]
    assert agencies == [("Xinhua",)]
