"""Chinese Ministry of Foreign Affairs pages, English and Chinese (see SITES.md, "Ministry of
Foreign Affairs").

The Chinese pages (`/web/...`) share the English pages' templates; their titles
date a press conference as "2019年1月7日" and the old template fills in
`#News_Body_Time` ("2019-01-07"). The page's language is read from its text.

Two templates:

- old (to about 2021, `mfa_eng/...`): title `div.content_mod > h2.title`, body
  `div.content` in MS-Word markup, ending before `div.tool`; no date on the page
  but in the title and the image file names;
- current (`eng/...`): `<meta name="ArticleTitle">`, `<meta name="PubDate">` (China
  Standard Time), body `div.TRS_UEDITOR`, ending before `div.news-foot` or the
  `[Print] [Close]` line; dated URLs `YYYYMM/tYYYYMMDD_N.html`.

Pure functions over HTML text and URLs: no Scrapy, no database, no network.

Date candidates come best first, in this order, each naming its `source`:
`meta` (PubDate), `page` (a filled-in `#News_Body_Time` or date element), `title`
(a full date in the title), `title+url` / `title+image` (a title date without a
year, given the year that puts it nearest the URL's or the images' date), `url`
(`tYYYYMMDD_`), `image` (the upload date in image names such as
`W020200703667259410426.jpg`). Nothing is guessed: no candidate, empty list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from urllib.parse import urljoin, urlsplit

from lxml import etree

from c5crawler.extract.html import (
    HtmlElement,
    absolute_url,
    article_language,
    canonical_link,
    class_tokens,
    clean_space,
    meta_content,
    parse_html,
    strip_tracking,
)
from c5crawler.items import DateText, ExtractionError, Image, RawArticle

SOURCE = "mfa"

# (path fragment, section, kind; None lets the title choose between remarks and statement).
# Current paths are reported in SITES.md; the old folder names are the ones the
# 2020 snapshot's own navigation links to.
_SECTIONS: tuple[tuple[str, str, str | None], ...] = (
    ("/xw/fyrbt/lxjzh/", "press_conferences", "press_conference"),
    ("/s2510_665401/2511_665403/", "press_conferences", "press_conference"),
    ("/xw/fyrbt/fyrbt/", "spokesperson_remarks", None),
    ("/s2510_665401/2535_665405/", "spokesperson_remarks", None),
    ("/wjb/wjbz/hd/", "minister_activities", "article"),
    ("/wjbz_663308/activities_663312/", "minister_activities", "article"),
    ("/wjb/wjbz/jh/", "minister_speeches", "article"),
    ("/wjbz_663308/2461_663310/", "minister_speeches", "article"),
    ("/xw/zyjh/", "speeches", "article"),
    ("/wjdt_665385/zyjh_665391/", "speeches", "article"),
    ("/xw/wjbxw/", "ministry_news", "article"),
    # Chinese: 发言人表态 holds press conferences, answers to one question and statements.
    ("/wjdt_674879/fyrbt_674889/", "press_conferences", None),
    ("/fyrbt_673021/jzhsl_673025/", "press_conferences", "press_conference"),
)

_PRESS_CONFERENCE = re.compile(r"\bpress conference\b|\bdaily briefing\b|记者会", re.I)
_STATEMENT = re.compile(r"\bstatement\b|声明", re.I)
_REMARKS = re.compile(
    r"\bspokesperson'?s?\b.*\bremarks\b|\bremarks on\b|\banswers?\b.*\bquestions?\b"
    r"|发言人.*(?:答记者问|答问|发表谈话|表态)",
    re.I,
)
# The site's name after the title in `<title>` ("… — 中华人民共和国外交部").
_SITE_SUFFIX = re.compile(r"\s*[—–_-]+\s*中华人民共和国外交部\s*$")
# A page is Chinese when Han characters outnumber Latin letters in its title and first paragraphs.

# Elements where the article ends (share/print tools, related links).
_TAIL_CLASSES = frozenset({"tool", "news-foot"})
_PRINT_CLOSE = re.compile(r"^[\[【]?\s*print\s*[\]】]?\s*[\[【]?\s*close\s*[\]】]?$", re.I)
_BOLD_TAGS = frozenset({"b", "strong"})
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_SKIPPED = frozenset({"script", "style", "noscript", "template"})

# XPath finds the few elements a test concerns, so Python never visits every element.
# A class test is a superset (`contains` also matches "toolbar") narrowed down by
# `class_tokens`; it tests the attribute nodes and steps up to their element (`/..`),
# which libxml2 runs several times faster than a predicate on every element.
_BODY_CANDIDATES = etree.XPath(
    "descendant-or-self::div/@class[contains(., 'TRS_UEDITOR') or contains(., 'content')]/.."
)
# Under (and including) the body: scripts and the like, and the tail blocks.
_HIDDEN_CANDIDATES = etree.XPath(
    "descendant-or-self::*/@class[contains(., 'tool') or contains(., 'news-foot')]/.."
    " | descendant::script | descendant::style | descendant::noscript | descendant::template"
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"),
         ("May",), ("June", "Jun"), ("July", "Jul"), ("August", "Aug"),
         ("September", "Sept", "Sep"), ("October", "Oct"), ("November", "Nov"),
         ("December", "Dec")),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "July 3, 2020", also malformed "June11, 2018"; month names are capitalised in titles.
_TITLE_FULL_DATE = re.compile(
    rf"(?<![A-Za-z])(?P<month>{_MONTH})\.?\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
    rf"(?:\s*,\s*|\s+)(?P<year>(?:19|20)\d{{2}})(?!\d)"
)
# "2019年1月7日外交部发言人陆慷主持例行记者会"
# "2019年1月7日外交部发言人陆慷主持例行记者会", or in Chinese numerals ("二〇一九年一月七日"); read by
# the date normaliser, which drops a date that does not exist.
_TITLE_CHINESE_DATE = re.compile(
    r"(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
# "... on September 28" closing the title: the conference date without its year.
_TITLE_YEARLESS_DATE = re.compile(
    rf"(?<![A-Za-z])(?P<month>{_MONTH})\.?\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*[.)]?\s*$"
)
_WELL_FORMED_TITLE_DATE = re.compile(r"^[A-Z][a-z]+\.? \d{1,2}, \d{4}$")
_URL_DAY = re.compile(r"/t(?P<year>(?:19|20)\d{2})(?P<month>\d{2})(?P<day>\d{2})_\d+\.s?html?$")
_URL_MONTH = re.compile(r"/(?P<year>(?:19|20)\d{2})(?P<month>\d{2})/")
# TRS upload names: W0 (or P0) + YYYYMMDD + a serial, e.g. W020200703667259410426.jpg.
_IMAGE_DAY = re.compile(
    r"(?:^|/)[WP]0(?P<year>(?:19|20)\d{2})(?P<month>\d{2})(?P<day>\d{2})\d{6,}\.\w+$"
)
# A date element's text must hold a full date to count ("2024-03-12 15:30", "July 3, 2020").
_PAGE_DATE = re.compile(rf"(?:19|20)\d{{2}}[-./]\d{{1,2}}[-./]\d{{1,2}}|(?:{_MONTH})\.? ?\d{{1,2}}, ?(?:19|20)\d{{2}}")

_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
_PAGER_FILE = re.compile(r"\b(default|index)(?:_\d+)?\.(s?html?)\b")
_LISTING_FILE = re.compile(r"^(?P<stem>default|index)(?:_\d+)?\.(?P<ext>s?html?)$")
_ARTICLE_FILE = re.compile(r"/(?:\d{6}/)?t\d+(?:_\d+)?\.s?html?$")

# The current site answers a deleted page with HTTP 200 and a page under /web/system/.
_SYSTEM_PATH = "/web/system/"
# Without the final URL, a page with no article container that says it does not
# exist is taken for that system page (our guess at its wording, English and Chinese).
_NOT_FOUND_TEXT = re.compile(
    r"page (?:you (?:requested|visited|are looking for) )?(?:does not|doesn't) exist|page not found"
    r"|页面不存在|页面已删除|没有找到|找不到",
    re.I,
)


def canonical_url(url: str) -> str:
    """One identity per page, whichever host served it.

    The current pages are the same on www.mfa.gov.cn and www.fmprc.gov.cn (the
    former is named canonical), the old `mfa_eng/` pages live on www.fmprc.gov.cn;
    a mirror keeping the site's paths maps to the same identity.
    """
    clean = strip_tracking(url)
    parts = urlsplit(clean)
    for prefix, host in (("/eng/", "www.mfa.gov.cn"), ("/mfa_eng/", "www.fmprc.gov.cn"), ("/web/", None)):
        if parts.path.startswith(prefix):
            # Chinese pages: the current ones (dated URLs) are named on www.mfa.gov.cn, the old on www.fmprc.gov.cn.
            host = host or ("www.mfa.gov.cn" if _URL_DAY.search(parts.path) else "www.fmprc.gov.cn")
            query = f"?{parts.query}" if parts.query else ""
            return f"https://{host}{parts.path}{query}"
    return clean


def is_article_url(url: str) -> bool:
    """Transcripts and articles: `t1794629.shtml` (old), `YYYYMM/tYYYYMMDD_N.html` (current)."""
    return bool(_ARTICLE_FILE.search(urlsplit(url).path))


def extract_article(html: str | bytes, url: str) -> RawArticle:
    """Read one MFA article page (either template) into raw fields.

    Raises ExtractionError for a deleted "system" page or a page without a body.
    """
    tree = parse_html(html)
    body = _body(tree)
    if _is_system_url(url) or _says_not_found(tree, body):  # is_deleted_page without a second body lookup
        raise ExtractionError("deleted page (MFA system page)")
    if body is None:
        raise ExtractionError("no article body (div.TRS_UEDITOR / div.content)")
    hidden, tail = _hidden(body)
    blocks = _blocks(body, hidden, tail)
    if not blocks:
        raise ExtractionError("empty article body")
    page_url = _page_url(tree, url)
    title = _title(tree)
    section, section_kind = _section(page_url)
    kind = section_kind or _kind_from_title(title, section)
    paragraphs = [text for text, _ in blocks]
    images = _images(body, tail, url)
    article = RawArticle(
        url=page_url,
        source=SOURCE,
        kind=kind,
        title=title,
        summary=meta_content(tree, "description", "og:description"),
        section=section,
        dates=_dates(tree, title, page_url, images),
        byline=None,
        agency_text=None,
        paragraphs=paragraphs,
        paragraph_bold=[bold for _, bold in blocks],
        headings=[],
        images=images,
        turns=[],
        language=article_language(tree, title, paragraphs),
        extractor=SOURCE,
    )
    return article


def is_deleted_page(html: str | bytes | HtmlElement, final_url: str) -> bool:
    """True for the "system" page the current site serves (HTTP 200) in place of a deleted one.

    Recognised by its final URL (under `/web/system/`) or, failing that, by content:
    no article container and a "page does not exist" message.
    """
    if _is_system_url(final_url):
        return True
    tree = html if isinstance(html, HtmlElement) else parse_html(html)
    return _says_not_found(tree, _body(tree))


def _is_system_url(url: str) -> bool:
    """A URL under `/web/system/`, where the site sends requests for deleted pages."""
    return _SYSTEM_PATH in urlsplit(url).path


def _says_not_found(tree: HtmlElement, body: HtmlElement | None) -> bool:
    """No article container and a "page does not exist" message."""
    return body is None and bool(_NOT_FOUND_TEXT.search(clean_space(tree.text_content())))


def listing_links(html: str | bytes, url: str) -> list[str]:
    """Article links of a listing page, absolute, deduplicated, in page order.

    A listing's own articles live in its folder (`./t1794629.shtml`,
    `./202403/t20240312_11258093.html`), which leaves out navigation, sidebars and pagers.
    """
    tree = parse_html(html)
    folder = _folder(url)
    links: list[str] = []
    for anchor in tree.iter("a"):
        link = absolute_url(url, anchor.get("href"))
        if not link:
            continue
        link = strip_tracking(link)
        if link.startswith(folder) and is_article_url(link) and link not in links:
            links.append(link)
    return links


def listing_pages(html: str | bytes, url: str) -> list[str]:
    """Every page of a listing, first to last, from its JavaScript pager (`var countPage = 13`).

    Old listings are `default.shtml`, `default_1.shtml` ...; current ones `index.html`,
    `index_1.html` ... A listing without a pager is its own only page.
    """
    tree = parse_html(html)
    scripts = "\n".join(script.text or "" for script in tree.iter("script"))
    count = _COUNT_PAGE.search(scripts)
    if not count:
        return [strip_tracking(url)]
    stem, ext = _listing_file(url, scripts)
    folder = _folder(url)
    names = [f"{stem}.{ext}"] + [f"{stem}_{number}.{ext}" for number in range(1, int(count.group(1)))]
    return [urljoin(folder, name) for name in names]


# --- page parts -------------------------------------------------------------


def _body(tree: HtmlElement) -> HtmlElement | None:
    """The article body: the first `div.TRS_UEDITOR` (current), else the first `div.content` (old)."""
    candidates = _BODY_CANDIDATES(tree)
    for wanted in ("TRS_UEDITOR", "content"):
        for div in candidates:
            if wanted in class_tokens(div):
                return div
    return None


def _title(tree: HtmlElement) -> str | None:
    title = meta_content(tree, "ArticleTitle")
    if title:
        return title
    heading = tree.get_element_by_id("News_Body_Title", None)  # the Chinese old template
    if heading is not None and clean_space(heading.text_content()):
        return clean_space(heading.text_content())
    for heading in tree.iter("h2"):
        parent = heading.getparent()
        if "title" in class_tokens(heading) and parent is not None and "content_mod" in class_tokens(parent):
            text = clean_space(heading.text_content())
            if text:
                return text
    page_title = tree.find(".//title")
    if page_title is None:
        return None
    return _SITE_SUFFIX.sub("", clean_space(page_title.text_content())) or None


def _page_url(tree: HtmlElement, url: str) -> str:
    """The canonical URL if the page names one, else the request URL; no fragment either way."""
    canonical = canonical_link(tree, url) or absolute_url(url, meta_content(tree, "og:url"))
    return canonical_url(canonical or url)


def _section(url: str) -> tuple[str | None, str | None]:
    path = urlsplit(url).path
    for fragment, section, kind in _SECTIONS:
        if fragment in path:
            return section, kind
    return None, None


def _kind_from_title(title: str | None, section: str | None) -> str:
    """press_conference, statement or remarks by the title's words, else article.

    Between remarks and statement the word that comes first wins: "Remarks on the
    G7 Statement" is remarks, "Statement on ..." a statement. The remarks section
    holds nothing but remarks and statements.
    """
    text = (title or "").replace("’", "'")
    if _PRESS_CONFERENCE.search(text):
        return "press_conference"
    statement, remarks = _STATEMENT.search(text), _REMARKS.search(text)
    if statement and (not remarks or statement.start() < remarks.start()):
        return "statement"
    if remarks or section == "spokesperson_remarks":
        return "remarks"
    return "article"


def _hidden(body: HtmlElement) -> tuple[set[HtmlElement], HtmlElement | None]:
    """Elements whose text is not the article's, and the first tail block below the body.

    Hidden are scripts, styles and the like and every tail block (the body itself
    too if it carries a tail class); the article ends at the first tail block under it.
    """
    hidden: set[HtmlElement] = set()
    tail = None
    for element in _HIDDEN_CANDIDATES(body):  # in document order
        is_tail = bool(class_tokens(element) & _TAIL_CLASSES)
        if is_tail or element.tag in _SKIPPED:
            hidden.add(element)
        if is_tail and tail is None and element is not body:
            tail = element
    return hidden, tail


def _before_tail(body: HtmlElement, tail: HtmlElement | None, tag: str) -> Iterator[HtmlElement]:
    """The body's `tag` elements in document order, up to the tail block."""
    if tail is None:
        yield from body.iterdescendants(tag)
        return
    for element in body.iterdescendants(tag, tail.tag):
        if element is tail:
            return
        if element.tag == tag:
            yield element


def _blocks(body: HtmlElement, hidden: set[HtmlElement], tail: HtmlElement | None) -> list[tuple[str, bool]]:
    """Paragraphs of the body with whether each starts in bold, up to the page's tail.

    Each `<p>` is a paragraph; `<br>` inside one also separates paragraphs (some
    transcripts are a few `<P>` with `<BR><BR>` between questions and answers).
    """
    paragraphs = list(_before_tail(body, tail, "p"))
    # Paragraphs holding a line break or hidden text are walked piece by piece, the rest read whole.
    walked = {ancestor for element in (*hidden, *body.iter("br")) for ancestor in element.iterancestors()}
    blocks: list[tuple[str, bool]] = []
    for element in paragraphs or [body]:
        if element.tag == "p" and next(element.iterancestors("p"), None) is not None:
            continue  # its text is read with the enclosing paragraph
        for text, bold in _lines(element, hidden, walked):
            if _PRINT_CLOSE.match(text):
                return blocks
            blocks.append((text, bold))
    return blocks


def _lines(element: HtmlElement, hidden: set[HtmlElement], walked: set[HtmlElement]) -> list[tuple[str, bool]]:
    """Non-empty `<br>`-separated lines of one paragraph, whitespace normalised, each with
    whether its first piece of text that is not blank is bold."""
    if element in hidden:
        return []
    if element not in walked:  # one line with nothing to skip: libxml2 gathers its text
        text = clean_space(etree.tostring(element, method="text", encoding=str, with_tail=False))
        # (text that is not blank has a first piece that is not blank: the weight is never None)
        return [(text, bool(_first_weight(element, False)))] if text else []
    lines: list[tuple[str, bool]] = []
    line: list[tuple[str, bool]] = []
    for piece in [*_pieces(element, False, hidden), None]:
        if piece is not None:
            line.append(piece)
            continue
        text = clean_space("".join(piece_text for piece_text, _ in line))
        if text:
            lines.append((text, next(bold for piece_text, bold in line if not piece_text.isspace())))
        line = []
    return lines


def _pieces(element: HtmlElement, bold: bool, hidden: set[HtmlElement]) -> Iterator[tuple[str, bool] | None]:
    """Text pieces under `element` in order, each with whether it is bold; None stands for a line break."""
    bold = bold or _is_bold(element)
    if element.text:
        yield element.text, bold
    for child in element:
        if child.tag == "br":
            yield None
        elif isinstance(child.tag, str) and child not in hidden:
            yield from _pieces(child, bold, hidden)
        if child.tail:
            yield child.tail, bold


def _first_weight(element: HtmlElement, bold: bool) -> bool | None:
    """Whether the first piece of text under `element` that is not blank is bold (None: no such piece).

    The walk of `_pieces` stopped early, for an element without line breaks or hidden
    parts: the first element or two of a paragraph usually settle it.
    """
    bold = bold or _is_bold(element)
    text = element.text
    if text and not text.isspace():
        return bold
    for child in element:
        if isinstance(child.tag, str):
            weight = _first_weight(child, bold)
            if weight is not None:
                return weight
        tail = child.tail
        if tail and not tail.isspace():
            return bold
    return None


def _is_bold(element: HtmlElement) -> bool:
    """`<b>`, `<strong>` or a bold style."""
    return element.tag in _BOLD_TAGS or bool(_BOLD_STYLE.search(element.get("style") or ""))


def _images(body: HtmlElement, tail: HtmlElement | None, url: str) -> list[Image]:
    images: list[Image] = []
    for element in _before_tail(body, tail, "img"):
        src = absolute_url(url, element.get("src"))
        if not src or any(image["url"] == src for image in images):
            continue
        caption = clean_space(element.get("alt") or element.get("title")) or None
        if caption and caption in src:
            caption = None  # an alt text that is only the file name
        images.append(Image(url=src, caption=caption))
    return images


# --- dates ------------------------------------------------------------------


def _dates(tree: HtmlElement, title: str | None, url: str, images: list[Image]) -> list[DateText]:
    dates: list[DateText] = []

    def add(text: str, source: str) -> None:
        dates.append(DateText(text=text, source=source, role="published"))

    pub_date = meta_content(tree, "PubDate")
    if pub_date:
        add(pub_date, "meta")
    # A Chinese title dates the press conference itself: before the day it was posted.
    chinese = _TITLE_CHINESE_DATE.search(title or "")
    if chinese:
        add(chinese.group(0), "title")
    page_date = _page_date(tree)
    if page_date:
        add(page_date, "page")
    url_day, url_reference = _url_dates(url)
    image_day = _image_date(images)
    full = _TITLE_FULL_DATE.search(title or "")
    title_day = _day(full) if full else None
    if full and title_day:
        add(_title_date_text(full.group(0), title_day), "title")
    elif not chinese:
        yearless = _TITLE_YEARLESS_DATE.search(title or "")
        if yearless:
            for reference, source in ((url_reference, "title+url"), (image_day, "title+image")):
                completed = _nearest_year(_MONTHS[yearless["month"]], int(yearless["day"]), reference)
                if completed:
                    add(completed.isoformat(), source)
    if url_day:
        add(url_day.isoformat(), "url")
    if image_day:
        add(image_day.isoformat(), "image")
    return dates


# (attribute nodes tested, then their elements: see `_BODY_CANDIDATES`)
_PAGE_DATE_CANDIDATES = etree.XPath(
    '(//@id[. = "News_Body_Time"] | //@class[contains(., "date") or contains(., "time")])/..'
)


def _page_date(tree: HtmlElement) -> str | None:
    """Text of a filled-in date element (`#News_Body_Time`, empty on old English pages, filled
    on Chinese ones), else of the first date-like element holding a full date."""
    own = tree.get_element_by_id("News_Body_Time", None)
    if own is not None and _PAGE_DATE.search(text := clean_space(own.text_content())):
        return text
    # XPath picks the few candidates (a superset), in document order; the test is below.
    for element in _PAGE_DATE_CANDIDATES(tree):
        if element.get("id") == "News_Body_Time" or class_tokens(element) & {"date", "time", "news-date"}:
            text = clean_space(element.text_content())
            if _PAGE_DATE.search(text):
                return text
    return None


def _day(match: re.Match[str]) -> date | None:
    """The date of a match with `year`, `month` (a name or digits) and `day` groups, if valid."""
    month = _MONTHS.get(match["month"]) or int(match["month"])
    try:
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def _title_date_text(text: str, day: date) -> str:
    """The title's own date text, or "June 11, 2018" written out when it is malformed
    ("June11, 2018" would be stored as date_raw otherwise, and "June 11,2018" is no date
    to dateutil)."""
    if _WELL_FORMED_TITLE_DATE.match(text):
        return text
    return f"{day:%B} {day.day}, {day.year}"


def _url_dates(url: str) -> tuple[date | None, date | None]:
    """The URL's day (`tYYYYMMDD_`) and a reference date (that day, or mid-month of `/YYYYMM/`)."""
    path = urlsplit(url).path
    day_match = _URL_DAY.search(path)
    day = _day(day_match) if day_match else None
    if day:
        return day, day
    month_match = _URL_MONTH.search(path)
    if month_match and 1 <= int(month_match["month"]) <= 12:
        return None, date(int(month_match["year"]), int(month_match["month"]), 15)
    return None, None


def _image_date(images: list[Image]) -> date | None:
    """The upload day most images carry in their names (the earliest on a tie).

    Images are uploaded on the day or the day after, so this is a day-precision
    fallback, never better than the title.
    """
    days = Counter(
        day
        for image in images
        if (match := _IMAGE_DAY.search(urlsplit(image["url"]).path)) and (day := _day(match))
    )
    if not days:
        return None
    return min(days, key=lambda day: (-days[day], day))


def _nearest_year(month: int, day: int, reference: date | None) -> date | None:
    """`month`/`day` in the year that puts it nearest `reference` (a 31 December
    conference whose images were uploaded on 1 January belongs to the year before)."""
    if reference is None:
        return None
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29 February outside a leap year
    return min(candidates, key=lambda candidate: abs(candidate - reference), default=None)


# --- listings ---------------------------------------------------------------


def _folder(url: str) -> str:
    """The URL up to its last slash: a listing's folder."""
    clean = strip_tracking(url)
    return clean[: clean.rfind("/") + 1]


def _listing_file(url: str, scripts: str) -> tuple[str, str]:
    """Stem and extension of the listing's first page: from its URL, its pager, or `index.html`."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    own = _LISTING_FILE.match(name)
    if own:
        return own["stem"], own["ext"]
    pager = _PAGER_FILE.search(scripts)
    if pager:
        return pager.group(1), pager.group(2)
    return "index", "html"
