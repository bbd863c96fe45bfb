"""Small HTML helpers over lxml, shared by the site extractors.

Everything here is site-agnostic: decoding and parsing untrusted bytes, reading
`<meta>` and `<link rel=canonical>`, normalised element text, CSS class tests and
URL clean-up. Parsing raises `ExtractionError` (never another exception) for
input that is not an HTML page, so a crawl can count it as dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

from c5crawler.items import ExtractionError
from c5crawler.normalise.language import page_language

HtmlElement = lxml_html.HtmlElement
# Any element: lxml.html's (what `parse_html` gives) or a plain one (`parse_page`).
Element = etree._Element
# A compiled CSSSelector or etree.XPath: called on a tree, it returns the matches.
Selector = Callable[[Element], list[Any]]

_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
# The same parser, making plain elements: lxml.html looks up each element's class in
# Python whenever lxml hands one over, which an extractor that needs none of
# HtmlElement's methods need not pay for.
_PLAIN_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# A page must open at least one of these tags early on to count as HTML.
_HTML_SIGNATURE = re.compile(r"<\s*(!doctype\s+html|html|head|body|meta|title|div|article|p)\b", re.I)
# Zero-width marks and the soft hyphen (a pattern: faster than str.translate on long texts).
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Text inside these never belongs to what a reader sees.
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
# These break a line when rendered, so their text must not run into its neighbours'.
_BREAKING = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
     "blockquote", "section", "article", "figure", "figcaption", "header", "footer", "dd", "dt"}
)
_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))
_GB_CHARSETS = frozenset({"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"})
_TRACKING = re.compile(r"^(utm_[a-z_]*|fbclid|gclid)$", re.I)


def decode_html(content: str | bytes) -> str:
    """Bytes to text: BOM, then `<meta charset>`, then UTF-8, then Windows-1252.

    Servers often send `text/html` with no charset (the MFA does), so the page's own
    declaration is trusted before guessing.
    """
    if isinstance(content, str):
        return content
    for encoding, bom in _BOMS:
        if content.startswith(bom):
            return content.decode(encoding, errors="replace")
    declared = _META_CHARSET.search(content[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        try:
            # Pages labelled GB2312 or GBK use characters of their superset GB18030.
            return content.decode("gb18030" if name in _GB_CHARSETS else name, errors="replace")
        except LookupError:
            pass  # an unknown charset name: guess as if none were declared
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


# The replacement character and control characters other than tab, newline, CR, form feed.
_JUNK = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f]")


def looks_like_html(text: str) -> bool:
    """True when `text` opens like an HTML document, not binary junk or plain text."""
    head = text[:4096]
    if "\x00" in head:
        return False
    junk = len(_JUNK.findall(head))
    if junk > len(head) // 20:
        return False
    return bool(_HTML_SIGNATURE.search(head))


def parse_html(content: str | bytes) -> HtmlElement:
    """Parse a page tolerantly into an lxml.html tree rooted at `<html>`.

    Raises ExtractionError("empty page") or ExtractionError("not HTML").
    """
    tree: HtmlElement = _parse(content, _PARSER)
    return tree


def parse_page(content: str | bytes) -> Element:
    """`parse_html`, with plain lxml elements (no HtmlElement methods such as text_content)."""
    return _parse(content, _PLAIN_PARSER)


def _parse(content: str | bytes, parser: etree.HTMLParser) -> Any:
    text = decode_html(content)
    if not text.strip():
        raise ExtractionError("empty page")
    if not looks_like_html(text):
        raise ExtractionError("not HTML")
    # lxml refuses str input that carries an XML encoding declaration.
    text = _XML_DECL.sub("", text, count=1)
    try:
        tree = etree.fromstring(text, parser)
    except ValueError as error:
        raise ExtractionError(f"not HTML ({error})") from None
    if tree is None:  # markup with no elements, e.g. a lone comment
        raise ExtractionError("empty page")
    return tree


def clean_space(text: str | None) -> str:
    """Collapse every run of whitespace (NBSP included) to one space; drop zero-width marks."""
    if not text:
        return ""
    if not text.isascii():  # (an O(1) test) ASCII holds no zero-width mark
        text = _ZERO_WIDTH_RE.sub("", text)
    return " ".join(text.split())


def visible_strings(element: Element) -> Iterator[str]:
    """The text pieces of `element` in order, skipping scripts, styles and comments."""
    if element.tag in _INVISIBLE:
        return
    if isinstance(element.tag, str) and element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            if child.tag in _BREAKING:
                yield " "
            yield from visible_strings(child)
        if child.tail:
            yield child.tail


def element_text(element: Element | None) -> str:
    """Normalised visible text of an element ("" for None); `<br>` and blocks count as spaces."""
    if element is None:
        return ""
    if not len(element):  # no children (most paragraphs): its own text, without a walk
        return clean_space(element.text) if isinstance(element.tag, str) and element.tag not in _INVISIBLE else ""
    return clean_space("".join(visible_strings(element)))


def class_tokens(element: Element) -> set[str]:
    """The element's CSS classes (`class="text  en"` gives {"text", "en"})."""
    return set((element.get("class") or "").split())


def first(tree: Element, selectors: Iterable[Selector]) -> Element | None:
    """The first element matched by the first selector, in the order of preference given."""
    for selector in selectors:
        found = selector(tree)
        if found:
            return found[0]
    return None


def first_text(tree: Element, selectors: Iterable[Selector]) -> str | None:
    """Text of the first non-empty match, trying selectors in order of preference."""
    for selector in selectors:
        for element in selector(tree):
            text = element_text(element)
            if text:
                return text
    return None


def meta_content(tree: Element, *keys: str) -> str | None:
    """Content of the first `<meta>` whose name, property or itemprop is one of `keys`.

    Keys are tried in order (so pass the preferred one first), case-insensitively.
    """
    wanted = {key.lower() for key in keys}
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        # Only the metas asked for are cleaned: pages carry dozens.
        names = [(meta.get(attribute) or "").strip().lower() for attribute in ("property", "name", "itemprop")]
        if not wanted.intersection(names):
            continue
        content = clean_space(meta.get("content"))
        if not content:
            continue
        for key in names:
            if key:
                metas.setdefault(key, content)
    for key in keys:
        if key.lower() in metas:
            return metas[key.lower()]
    return None


def canonical_link(tree: Element, base_url: str = "") -> str | None:
    """The absolute URL of `<link rel="canonical">`, if any."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return absolute_url(base_url, link.get("href"))
    return None


def absolute_url(base_url: str, href: str | None) -> str | None:
    """`href` resolved against `base_url`; None for empty, script, mail or data links."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    if href.split(":", 1)[0].lower() in {"javascript", "mailto", "tel", "data"}:
        return None
    return urljoin(base_url, href)


def strip_tracking(url: str) -> str:
    """`url` without its fragment and tracking parameters (utm_* in any case, fbclid, gclid)."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def article_links(
    html: str | bytes,
    url: str,
    is_article: Callable[[str], bool],
    canonical: Callable[[str], str],
    keep: Callable[[str], str] = strip_tracking,
) -> list[str]:
    """Article links of a listing page, one per article (by `canonical`), in page order.

    Each link is kept as `keep` gives it: by default where the page points (a
    mirror stays a mirror) without tracking parameters.
    """
    found: dict[str, str] = {}
    for anchor in parse_html(html).iter("a"):
        link = absolute_url(url, anchor.get("href"))
        if link and is_article(link):
            found.setdefault(canonical(link), keep(link))
    return list(found.values())


def article_url(
    tree: Element, url: str, is_article: Callable[[str], bool], canonical: Callable[[str], str]
) -> str:
    """The article's identity: its canonical link or og:url when that is an article URL, else `url`."""
    for candidate in (canonical_link(tree, url), meta_content(tree, "og:url"), url):
        if candidate and is_article(candidate):
            return canonical(candidate)
    return canonical(url)


def article_title(tree: Element, selectors: Iterable[Selector], site_suffix: re.Pattern[str]) -> str | None:
    """The headline: the site's own element, else og:title, else `<title>` without the site's name."""
    title = first_text(tree, selectors) or meta_content(tree, "og:title")
    if title:
        return title
    return site_suffix.sub("", element_text(tree.find(".//title"))) or None


def declared_languages(tree: Element) -> list[str]:
    """What the page says its language is, most specific first: the
    `content-language` meta, `<html lang>` (or `xml:lang`), then `og:locale` and a `language` meta."""
    declared = [
        meta.get("content") or ""
        for meta in tree.iter("meta")
        if (meta.get("http-equiv") or "").strip().lower() == "content-language"
    ]
    declared += [tree.get("lang") or "", tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""]
    declared += [meta_content(tree, "og:locale", "language", "dc.language") or ""]
    return [value for value in declared if value.strip()]


def article_language(tree: Element, title: str | None, paragraphs: Iterable[str]) -> str:
    """The page's declared language, checked against the script of its title and body."""
    sample = [title or ""]
    for paragraph in paragraphs:  # the opening paragraphs suffice
        sample.append(paragraph)
        if sum(map(len, sample)) > 2000:
            break
    return page_language(declared_languages(tree), " ".join(sample))
