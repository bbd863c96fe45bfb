"""CGTN pages: URLs, listing links and article fields (see SITES.md, "CGTN").

Pure functions over HTML text and URLs: no Scrapy, no database, no network.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from c5crawler.extract.credits import split_byline
from c5crawler.extract.fallback import extract_generic
from c5crawler.extract.html import (
    Element,
    absolute_url,
    article_language,
    canonical_link,
    class_tokens,
    clean_space,
    decode_html,
    element_text,
    parse_page,
    strip_tracking,
)
from c5crawler.items import DateText, ExtractionError, Image, RawArticle
from c5crawler.normalise.dates import ParsedDate, parse_epoch_ms

CANONICAL_HOST = "https://news.cgtn.com"

# /news/2020-07-16/<Slug>-<ID>/index.html: the ID is 10-11 letters and digits.
_DATED_PATH = re.compile(
    r"^/news/(?P<key>\d{4}-\d{2}-\d{2}/[^/?#]+-[A-Za-z0-9]{10,11})/(?:(?:index|p|share_amp|share_p|share)\.html)?$"
)
# 2017-2019: /news/3d3d<hex>6d54/index.html (hex of a reversed base64 "News<int>").
_HEX_PATH = re.compile(r"^/news/(?P<key>3d3d[0-9a-fA-F]+6d54)/(?:(?:index|p|share_amp|share_p|share)\.html)?$")

_LISTING_LINKS = CSSSelector(
    ".cg-title h3 a, .cg-title h4 a, div.top-news-item-content a, a[data-news-id]"
)
# The page's elements each field is read from, named as CSS would name them, in order
# of preference (see `_Marks`).
_TITLE = ("div.news-title",)
_SECTION_DATE_DIV = ("div.news-section-date",)
_SECTION = ("span.section", "div.news-section")
_BYLINE = ("div.news-author-name", "div.top-container div.news-author")
# The desktop page's credit block, and the app share page's ("Source(s): AFP, Reuters").
_AGENCY = ("div.sourceTextDiv", "div.sourcetext")
_BODY = ("div#cmsMainContent",)
# The CSS classes of divs and spans `_Marks` looks for.
_MARK_CLASSES = {
    "div": frozenset(
        {"news-title", "news-section-date", "news-section", "news-author-name", "news-author", "top-container",
         "sourceTextDiv", "sourcetext", "updatetime", "news-date"}
    ),
    "span": frozenset({"section", "date"}),
}
# What splits a class attribute into classes (XML's whitespace, as CSS selectors read it).
_CLASS_SPACE = re.compile("[ \t\r\n]+")
# "15:45, 23-Mar-2022", "2019-01-16 09:10 GMT+8", "2022.12.25 09:29 GMT+8", each maybe "Updated ...".
_STAMP = re.compile(
    r"(?:Updated\s+)?(?:\d{1,2}:\d{2},\s*\d{1,2}-[A-Za-z]{3}-\d{4}"
    r"|\d{4}[-.]\d{1,2}[-.]\d{1,2}\s+\d{1,2}:\d{2}(?:\s*GMT\s*[+-]\d{1,2})?)"
)
_VIDEO = CSSSelector("[data-video]")
_IMAGES = CSSSelector("div.cmsImage img, div.cmsImage amp-img, figure img")

# "World 09:12, 05-Aug-2021" (newer template) or "Updated 21:30, 16-Jul-2020".
_SECTION_DATE = re.compile(r"^(?P<section>.*?)\s*(?P<date>(?:Updated\s+)?\d{1,2}:\d{2},\s*\d{1,2}-[A-Za-z]{3}-\d{4})")
_UPDATED = re.compile(r"^\s*updated\b", re.I)
_GTAG_PUBLISH_DATE = re.compile(r"""["']publish_date["']\s*:\s*["']([^"']+)["']""")

_BLOCKS = ("p", "h2", "h3", "h4")
_HEADING_TAGS = frozenset({"h2", "h3", "h4"})
# Containers whose text is not body text: captions, media, navigation, embeds.
_SKIPPED_TAGS = frozenset({"figure", "figcaption", "nav", "aside", "script", "style", "noscript", "form"})
_SKIPPED_CLASS = re.compile(r"caption|cmsImage|cmsVideo|cmsMap|share|related|recommend", re.I)
# Items of the app share page's JSON body (`#cmsMainContent[data-json]`) by content type;
# the others (7, a map of where the story is) are not body.
_JSON_TEXT, _JSON_IMAGE = 1, 4
# A bold paragraph longer than this is emphasis, not a subheading.
_MAX_HEADING_WORDS = 15
# A page with an HLS stream and fewer words than this is a video with a blurb.
_VIDEO_MAX_WORDS = 150


def canonical_url(url: str) -> str:
    """One URL per CGTN article, whatever host or variant (index, p, share_amp) it came from.

    Article URLs become `https://news.cgtn.com/news/<key>/index.html`; any other URL
    only loses its fragment and tracking parameters.
    """
    path = urlsplit(url.strip()).path
    for pattern in (_DATED_PATH, _HEX_PATH):
        match = pattern.match(path)
        if match:
            return f"{CANONICAL_HOST}/news/{match.group('key')}/index.html"
    return strip_tracking(url)


def is_article_url(url: str) -> bool:
    """True for a CGTN article page (dated or 2017-2019 hex path, any host and variant)."""
    path = urlsplit(url.strip()).path
    return bool(_DATED_PATH.match(path) or _HEX_PATH.match(path))


def listing_links(html: str | bytes, url: str) -> list[tuple[str, ParsedDate | None]]:
    """Article links of a section page or the homepage, in page order, one per article.

    Links stay where the listing points (a mirror's links stay on the mirror),
    absolute and without tracking parameters; two variants of one article count
    once. Each comes with the listing's `data-time` (epoch ms) when a copy carries one.
    """
    tree = parse_page(html)
    found: dict[str, tuple[str, ParsedDate | None]] = {}
    for anchor in _LISTING_LINKS(tree):
        link = absolute_url(url, anchor.get("href"))
        if not link or not is_article_url(link):
            continue
        key = canonical_url(link)
        first_link, when = found.get(key, (strip_tracking(link), None))
        found[key] = (first_link, when or parse_epoch_ms(anchor.get("data-time")))
    return list(found.values())


def extract_article(html: str | bytes, url: str) -> RawArticle:
    """Raw fields of one CGTN article page; the generic extractor steps in when the
    site's selectors find no title or no body. Raises ExtractionError when neither can."""
    text = decode_html(html)
    tree = parse_page(text)
    # Read once what several fields need: each is a walk over a ~150 KB page.
    metas = _metas(tree)
    marks = _Marks(tree)
    canonical = canonical_link(tree, url)
    body = marks.first(_BODY)
    paragraphs, headings = _body_paragraphs(body)
    images = _images(body, url)
    if body is not None and not paragraphs and body.get("data-json"):
        paragraphs, images = _json_body(body.get("data-json") or "", url)
    title = _title(tree, marks, metas)
    byline, by_agency = split_byline(marks.first_text(_BYLINE))
    raw = RawArticle(
        url=_page_url(canonical, metas, url),
        source="cgtn",
        kind=_kind(tree, url, canonical, paragraphs),
        title=title,
        summary=_meta(metas, "description", "og:description", "twitter:description"),
        section=_section(marks),
        # (Script text is the page's text as written: a page that never says publish_date has no gtag one.)
        dates=_dates(tree, marks, metas, gtag="publish_date" in text),
        byline=byline,
        agency_text=", ".join(c for c in (by_agency, marks.first_text(_AGENCY)) if c) or None,
        paragraphs=paragraphs,
        headings=headings,
        images=images,
        language=article_language(tree, title, paragraphs),
        extractor="cgtn",
    )
    if not raw["title"] or not (paragraphs or raw["kind"] == "video"):
        try:
            raw = _with_fallback(raw, text, url)
        except ExtractionError:
            raise ExtractionError("no text" if raw["title"] else "no title") from None
    if not raw.get("title"):
        raise ExtractionError("no title")
    if not raw.get("paragraphs") and raw["kind"] != "video":
        raise ExtractionError("no text")
    return raw


def _metas(tree: Element) -> dict[str, str]:
    """Each `<meta>` name, property and itemprop (lower-cased) -> the first non-empty content.

    What `meta_content` finds for a key, read in one walk for all the keys a page needs.
    """
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = clean_space(meta.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key:
                metas.setdefault(key, content)
    return metas


class _Marks:
    """The page's divs and spans that the fields are read from, found in one walk.

    A CSS selector per field would walk the whole page each time. `first` and
    `first_text` take selector names ("div.news-title", "div#cmsMainContent",
    "div.top-container div.news-author"); `dated` holds where the article's own
    stamps are: the desktop byline block's `span.date` ("19:49, 21-Jan-2019"), the
    newer "<Section> HH:MM, DD-Mon-YYYY" block, `div.updatetime` ("Updated 23:16,
    21-Jan-2019"), the app share page's `div.news-date` ("2019-01-16 09:10 GMT+8"),
    and any other date span that is not in a list (related and top-news lists date
    their own items). Each in page order.
    """

    def __init__(self, tree: Element) -> None:
        self.named: dict[str, list[Element]] = defaultdict(list)
        self.dated: list[Element] = []
        for element in tree.iter("div", "span"):
            tag = element.tag
            if tag == "div" and element.get("id") == "cmsMainContent":
                self.named["div#cmsMainContent"].append(element)
            classes = element.get("class")
            marks = _MARK_CLASSES[tag].intersection(_CLASS_SPACE.split(classes)) if classes else None
            if not marks:
                continue
            for mark in marks:
                self.named[f"{tag}.{mark}"].append(element)
            if "news-author" in marks and _within(element, "div", "top-container"):
                self.named["div.top-container div.news-author"].append(element)
            if _dated(element, classes, marks):
                self.dated.append(element)

    def first(self, names: Iterable[str]) -> Element | None:
        """The first element of the first name that has one."""
        return next((self.named[name][0] for name in names if self.named.get(name)), None)

    def first_text(self, names: Iterable[str]) -> str | None:
        """The text of the first element with text, trying the names in order."""
        for name in names:
            for element in self.named.get(name, ()):
                text = element_text(element)
                if text:
                    return text
        return None


def _dated(element: Element, classes: str, marks: frozenset[str]) -> bool:
    """Is this marked div or span one of the article's own date stamps (see `_Marks`)?"""
    if element.tag == "span":
        in_byline = classes == "date" and _within(element, "div", "news-author")
        return in_byline or ("date" in marks and next(element.iterancestors("li"), None) is None)
    if "news-section-date" in marks or "updatetime" in marks:
        return True
    return "news-date" in marks and not any(a.get("id") == "read-more" for a in element.iterancestors())


def _within(element: Element, tag: str, mark: str) -> bool:
    """Is the element inside a `tag` of the CSS class `mark`?"""
    return any(mark in _CLASS_SPACE.split(a.get("class") or "") for a in element.iterancestors(tag))


def _meta(metas: dict[str, str], *keys: str) -> str | None:
    """The content of the first of `keys` the page has (keys in lower case)."""
    return next((metas[key] for key in keys if key in metas), None)


def _page_url(canonical: str | None, metas: dict[str, str], url: str) -> str:
    """The page's own article URL (canonical link, then og:url), else the request URL."""
    for candidate in (canonical, _meta(metas, "og:url")):
        if candidate and is_article_url(candidate):
            return canonical_url(candidate)
    return canonical_url(url)


def _kind(tree: Element, url: str, canonical: str | None, paragraphs: list[str]) -> str:
    hosts = {urlsplit(url).hostname, urlsplit(canonical or "").hostname}
    if "video.cgtn.com" in hosts:
        return "video"
    words = sum(len(p.split()) for p in paragraphs)
    # Words first: a long text is an article whatever it embeds, without a walk over the page.
    if words >= _VIDEO_MAX_WORDS:
        return "article"
    has_stream = any(".m3u8" in (node.get("data-video") or "") for node in _VIDEO(tree))
    return "video" if has_stream else "article"


def _title(tree: Element, marks: _Marks, metas: dict[str, str]) -> str | None:
    title = marks.first_text(_TITLE) or _meta(metas, "og:title", "twitter:title")
    if title:
        return title
    head_title = tree.find(".//title")
    text = re.sub(r"\s*[-|]\s*CGTN\s*$", "", element_text(head_title))
    return text or None


def _section(marks: _Marks) -> str | None:
    section = marks.first_text(_SECTION)
    if section:
        return section
    match = _SECTION_DATE.match(marks.first_text(_SECTION_DATE_DIV) or "")
    return (match.group("section") or None) if match else None


def _dates(tree: Element, marks: _Marks, metas: dict[str, str], gtag: bool) -> list[DateText]:
    """Page dates first (what readers see: the first of each role), then meta dates
    (`gtag`: the inline scripts are read for the analytics tag's publish date)."""
    dates: list[DateText] = []
    roles: set[str] = set()
    for element in marks.dated:
        for stamp in _STAMP.findall(element_text(element)):
            role = "updated" if _UPDATED.match(stamp) else "published"
            if role not in roles:
                roles.add(role)
                dates.append(DateText(text=stamp, source="page", role=role))
    for key, role in (
        ("article:published_time", "published"),
        ("article:modified_time", "updated"),
        ("og:updated_time", "updated"),
    ):
        value = _meta(metas, key)
        if value:
            dates.append(DateText(text=value, source="meta", role=role))
    for script in tree.iter("script") if gtag else ():
        text = script.text or ""
        # The literal test first: a regex search through ~100 KB of inline scripts is slow.
        match = _GTAG_PUBLISH_DATE.search(text) if "publish_date" in text else None
        if match:
            dates.append(DateText(text=match.group(1), source="meta", role="published"))
            break
    return dates


def _body_paragraphs(body: Element | None) -> tuple[list[str], list[str]]:
    """Paragraphs and subheadings of the body (`div#cmsMainContent`), in order.

    Paragraphs come from the `text en` divs when there are any, else from every `<p>`;
    subheadings (h2-h4, or a short paragraph that is wholly bold) are both.
    """
    if body is None:
        return [], []
    text_divs = [div for div in body.iter("div") if {"text", "en"} <= class_tokens(div)]
    # A text div with no paragraph inside (`div.text.text-p.en`) is itself the paragraph.
    whole_divs = {div for div in text_divs if next(div.iter(*_BLOCKS), None) is None}
    # Everything inside a text div (lxml keeps one proxy per node while it is referenced).
    in_text_divs = {node for div in text_divs for node in div.iterdescendants()} | whole_divs
    paragraphs: list[str] = []
    headings: list[str] = []
    skipped: dict[Element, bool] = {}  # each container's answer, read once for all its blocks
    for block in body.iter("div", *_BLOCKS) if whole_divs else body.iter(*_BLOCKS):
        if (block.tag == "div" and block not in whole_divs) or _skipped(block, body, skipped):
            continue
        text = element_text(block)
        is_heading = block.tag in _HEADING_TAGS or _wholly_bold(block, text)
        if not text or (text_divs and not is_heading and block not in in_text_divs):
            continue
        paragraphs.append(text)
        if is_heading:
            headings.append(text)
    return paragraphs, headings


def _json_body(data: str, url: str) -> tuple[list[str], list[Image]]:
    """Paragraphs and images of the app share page's body, which it holds as JSON for a script.

    Text items carry HTML (entities, inline links); unreadable JSON is no body.
    """
    try:
        items = json.loads(data)
    except ValueError:
        return [], []
    paragraphs: list[str] = []
    images: list[Image] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("contentType") == _JSON_TEXT and item.get("content"):
            text = element_text(lxml_html.fragment_fromstring(str(item["content"]), create_parent="div"))
            if text:
                paragraphs.append(text)
        elif item.get("contentType") == _JSON_IMAGE and isinstance(item.get("img"), dict):
            src = absolute_url(url, item["img"].get("url"))
            if src:
                images.append(Image(url=src, caption=clean_space(item["img"].get("caption")) or None))
    return paragraphs, images


def _skipped(element: Element, body: Element, known: dict[Element, bool]) -> bool:
    """True inside a caption, media block, navigation or embed within the body.

    `known` holds the answers for elements already asked about (their blocks share them).
    """
    if element is body:
        return False
    if element not in known:
        parent = element.getparent()
        known[element] = bool(
            element.tag in _SKIPPED_TAGS
            or _SKIPPED_CLASS.search(element.get("class") or "")
            or (parent is not None and _skipped(parent, body, known))
        )
    return known[element]


def _wholly_bold(paragraph: Element, text: str) -> bool:
    """Is the paragraph (whose text is `text`) all in `<strong>`/`<b>`?"""
    if paragraph.tag != "p" or not text or not len(paragraph):  # (no children: no bold in it)
        return False
    bold = clean_space(" ".join(element_text(b) for b in paragraph.iter("strong", "b")))
    return bold == text and len(text.split()) <= _MAX_HEADING_WORDS


def _images(body: Element | None, url: str) -> list[Image]:
    if body is None:
        return []
    images: list[Image] = []
    seen: set[str] = set()
    for img in _IMAGES(body):
        src = absolute_url(url, img.get("data-src") or img.get("src"))
        if not src or src in seen:
            continue
        seen.add(src)
        images.append(Image(url=src, caption=_caption(img)))
    return images


def _caption(img: Element) -> str | None:
    """The figcaption of the image's figure, or the caption element right after its block."""
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure":
            return element_text(ancestor.find(".//figcaption")) or None
        if "cmsImage" in class_tokens(ancestor):
            following = ancestor.getnext()
            if following is not None and "caption" in (following.get("class") or "").lower():
                return element_text(following) or None
            return None
    return None


def _with_fallback(raw: RawArticle, text: str, url: str) -> RawArticle:
    """The generic extractor's reading of the same page (decoded once), keeping what the site's selectors did find."""
    generic = extract_generic(text, url, "cgtn")
    merged = RawArticle(**generic)
    merged["url"] = raw["url"]
    merged["kind"] = raw["kind"]
    for key in ("title", "summary", "section", "byline", "agency_text"):
        if raw.get(key):
            merged[key] = raw[key]  # type: ignore[literal-required]
    merged["dates"] = raw.get("dates", []) + generic.get("dates", [])
    merged["images"] = raw.get("images") or generic.get("images", [])
    return merged
