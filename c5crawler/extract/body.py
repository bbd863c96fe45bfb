"""Paragraphs, subheadings and images of an article's body container, for any template.

Sites write paragraphs as `<p>` (China Daily, Xinhua) or as text runs split by
`<br><br>` (Global Times); both become one paragraph per rendered line. Captions,
scripts, embedded media and share or related-story boxes inside the body are
skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from c5crawler.extract.html import HtmlElement, absolute_url, clean_space, element_text
from c5crawler.items import Image

_HEADINGS = frozenset({"h2", "h3", "h4", "h5"})
# These start a new line when rendered.
_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
     "blockquote", "section", "article", "center", "header", "footer", "dd", "dt"}
)
_SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "figure", "figcaption", "nav", "aside", "form",
     "iframe", "video", "audio", "button", "select", "input"}
)
_SKIPPED_CLASS = re.compile(r"caption|share|related|recommend|editor|pagination|currpage|\bad\b", re.I)
# A wholly bold paragraph longer than this is emphasis, not a subheading.
_MAX_HEADING_WORDS = 15

Skip = Callable[[HtmlElement], bool]


def default_skip(element: HtmlElement) -> bool:
    """Media, captions, scripts, navigation, share/related boxes and pagers are not body text."""
    return element.tag in _SKIPPED_TAGS or bool(_SKIPPED_CLASS.search(element.get("class") or ""))


def body_paragraphs(container: HtmlElement | None, skip: Skip = default_skip) -> tuple[list[str], list[str]]:
    """(paragraphs, subheadings) of `container`, in order; subheadings are also paragraphs."""
    if container is None:
        return [], []
    paragraphs: list[str] = []
    headings: list[str] = []
    for text, heading in _lines(container, skip):
        paragraphs.append(text)
        if heading:
            headings.append(text)
    return paragraphs, headings


def _lines(container: HtmlElement, skip: Skip) -> Iterator[tuple[str, bool]]:
    """Rendered lines of `container` as (text, is a subheading)."""
    pieces: list[str] = []
    heading = False

    def flush() -> Iterator[tuple[str, bool]]:
        nonlocal heading
        text = clean_space("".join(pieces))
        pieces.clear()
        if text:
            yield text, heading
        heading = False

    def walk(element: HtmlElement) -> Iterator[tuple[str, bool]]:
        nonlocal heading
        for child in element:
            if not isinstance(child.tag, str):  # comments, processing instructions
                pieces.append(child.tail or "")
                continue
            if skip(child):
                pass
            elif child.tag == "br":
                yield from flush()
            elif child.tag in _BLOCKS:
                yield from flush()
                heading = child.tag in _HEADINGS or _wholly_bold(child)
                pieces.append(child.text or "")
                yield from walk(child)
                yield from flush()
            else:
                pieces.append(child.text or "")
                yield from walk(child)
            pieces.append(child.tail or "")

    pieces.append(container.text or "")
    yield from walk(container)
    yield from flush()


def _wholly_bold(block: HtmlElement) -> bool:
    if block.tag != "p":
        return False
    text = element_text(block)
    bold = clean_space(" ".join(element_text(b) for b in block.iter("strong", "b")))
    return bool(text) and bold == text and len(text.split()) <= _MAX_HEADING_WORDS


def body_images(container: HtmlElement | None, base_url: str, skip: Skip | None = None) -> list[Image]:
    """Images of the body with their captions (a figcaption, or a caption-classed element after).

    With `skip`, images inside what it skips (a pager's, an editor block's icons) are left out.
    """
    if container is None:
        return []
    images: list[Image] = []
    seen: set[str] = set()
    for img in container.iter("img"):
        src = absolute_url(base_url, img.get("data-src") or img.get("src"))
        if skip and any(skip(node) for node in img.iterancestors() if node is not container):
            continue
        if not src or src in seen:
            continue
        seen.add(src)
        images.append(Image(url=src, caption=_caption(img, container)))
    return images


def _caption(img: HtmlElement, container: HtmlElement) -> str | None:
    """The figcaption of the image's figure, or a caption-classed element right after it or its block."""
    node: HtmlElement | None = img
    while node is not None and node is not container:
        if node.tag == "figure":
            return element_text(node.find(".//figcaption")) or None
        following = node.getnext()
        if following is not None and "caption" in (following.get("class") or "").lower():
            return element_text(following) or None
        node = node.getparent()
    return None
