"""Page furniture among body paragraphs: what a site prints around the story, not the story.

One stage for every extractor (the generic one too), run on the paragraphs before
credits are read: correction links (【纠错】), editor lines (责任编辑：…, [Editor: …]),
video players ("Play Video 0:00 /2:54"), pagers ("|<<1234下一页>>|"), gallery and
like-button markers (图集, +1), photo captions ("… Photo: VCG", "… /VCG Photo",
"… (Xinhua/Li Gang)", "… 新华社记者 才扬 摄") and "Read more:" with the headline
it links. A photographer's credit standing alone ("新华社发（刘满仓摄）") is a credit
line: the name goes to the contributors.
"""

from __future__ import annotations

import re

# Whole paragraphs that are furniture whatever surrounds them.
_FURNITURE = re.compile(
    r"""^(?:
        【纠错】.*                                        # correction link, often with the editor after it
      | [\[【(（]?\s*(?:作者\s*[:：][^\]】]*?)?责任编辑\s*[:：].*   # editor line, with or without the author
      | [\[(]?\s*editors?\s*:.*                           # English editor line
      | (?:play\s+video\s*)?\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}.*  # a video player's clock
      | play\s+video
      | \|?\s*(?:<<|«)?\s*[\d\s]*(?:上一页|下一页)[\d\s]*(?:>>|»)?\s*\|?.*  # a pager
      | (?:\|?<<)?[\d\s|<>]+(?:next|previous)\s+page.*
      | 图集 | \+1 | 分享到[:：]?.* | 阅读下一篇[:：]?.* | 相关新闻[:：]?
      | related\s+(?:stories|articles|news)\s*:?
      | (?:P\.S\.\s*)?[^.?!]{0,80}[.?!]?\s*sign\s+up\s+here\b.{0,20}  # a newsletter's advertisement
    )$""",
    re.I | re.X,
)
# "Read more:" alone links the next paragraph (another story's headline); with a
# headline after the colon it is that link itself.
_READ_MORE = re.compile(r"^(?:read\s+more|related|see\s+also|also\s+read)\s*[:：]\s*(?P<rest>.*)$", re.I)
# A caption's credit at its end: "… Photo: VCG", "… /VCG Photo", "… (Xinhua/Li Gang)",
# "… (Photo by Li Gang/Xinhua)", "… 新华社记者 才扬 摄", "… （刘满仓摄）".
_CAPTION_END = re.compile(
    r"""(?:
        \bphotos?\s*:\s*[\w'’ .&/-]{2,40}
      | /\s*[\w'’ .&-]{2,30}\s+photos?
      | \(\s*(?:xinhua\s*/|photo\s+by|photos?\s*:)[^()]{0,60}\)
      | (?:新华社|中新社|人民网)?\s*(?:记者|发)?\s*[(（]?\s*[\u4e00-\u9fff·\s、]{2,20}\s*摄\s*[)）]?
    )\s*$""",
    re.I | re.X,
)
# A credit alone on its line: "新华社发（刘满仓摄）", "（新华社记者 才扬 摄）", "Photo: VCG".
_PHOTO_CREDIT_LINE = re.compile(
    r"^[(（]?\s*(?:新华社|中新社)?\s*(?:记者|发)?\s*[(（]?\s*(?P<names>[\u4e00-\u9fff·\s、]{2,20}?)\s*摄\s*[)）]?$"
)
# An English caption's first part ends with the day the photo was taken ("…, Jan. 15, 2023.")
# and stands beside its credit-bearing part or the next caption.
_DATED_CAPTION = re.compile(r",\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*\d{4}\s*\.?$")
# What closes a paragraph without being story: an end mark, a "Read more here." link.
_END_MARKS = ("■", "□", "▲")
_READ_MORE_HERE = "read more here"
# A caption is a line or two, not a paragraph of news.
_MAX_CAPTION_CHARS = 400
# Furniture is a short line; an editor line naming several people is the longest.
_MAX_FURNITURE_CHARS = 200
# Credits, dates and end marks sit in a paragraph's last characters: only those are searched.
_TAIL = 100


def is_furniture(paragraph: str) -> bool:
    """True for a paragraph that is page furniture on its own (pager, player, editor line, ...)."""
    return len(paragraph) <= _MAX_FURNITURE_CHARS and bool(_FURNITURE.match(paragraph))


def is_caption(paragraph: str) -> bool:
    """True for a photo caption: a short paragraph ending in a photo credit."""
    if len(paragraph) > _MAX_CAPTION_CHARS:
        return False
    tail = paragraph[-_TAIL:]
    # Every credit form names a photo or Xinhua, or ends in 摄: a substring test spares the search.
    if "摄" not in tail and "photo" not in tail.lower() and "xinhua" not in tail.lower():
        return False
    return bool(_CAPTION_END.search(paragraph, _tail(paragraph)))


def photo_credit(paragraph: str) -> list[str]:
    """The photographers of a credit line standing alone ("新华社发（刘满仓摄）" -> ["刘满仓"])."""
    match = _PHOTO_CREDIT_LINE.match(paragraph)
    if not match:
        return []
    return [name for name in re.split(r"[\s、]+", match["names"]) if name and name not in ("记者", "新华社")]


def strip_furniture(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """(the story's paragraphs, photographers credited on lines of their own), in order."""
    captions = [is_caption(p) for p in paragraphs]
    dated = [_is_dated_line(p) for p in paragraphs]
    kept: list[str] = []
    credited: list[str] = []
    skip_next = False
    for index, paragraph in enumerate(paragraphs):
        if skip_next:
            skip_next = False
            continue
        read_more = _READ_MORE.match(paragraph)
        if read_more:
            skip_next = not read_more["rest"]
            continue
        names = photo_credit(paragraph)
        if names:
            credited += names
            continue
        if is_furniture(paragraph) or captions[index] or (dated[index] and _next_to_caption(index, captions, dated)):
            continue
        text = _without_end_mark(paragraph)
        if text:
            kept.append(text)
    return kept, credited


def _is_dated_line(paragraph: str) -> bool:
    # (a year at the very end first: a string test, where the search costs a scan)
    return (
        len(paragraph) <= _MAX_CAPTION_CHARS
        and paragraph.rstrip(". ")[-4:].isdigit()
        and bool(_DATED_CAPTION.search(paragraph, _tail(paragraph)))
    )


def _without_end_mark(paragraph: str) -> str:
    text = paragraph.rstrip()
    if text.endswith(_END_MARKS):
        return text[:-1].rstrip()
    bare = text.rstrip(". ")
    if bare.lower().endswith(_READ_MORE_HERE):
        return bare[: -len(_READ_MORE_HERE)].rstrip()
    return paragraph


def _tail(paragraph: str) -> int:
    """Where a paragraph's last characters start (a search position: anchors still see the whole)."""
    return max(0, len(paragraph) - _TAIL)


def _next_to_caption(index: int, captions: list[bool], dated: list[bool]) -> bool:
    """A dated line is a caption's first part when a caption, or another such line, stands beside it
    (a gallery's captions follow each other once their images are gone)."""
    neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(captions)]
    return any(captions[i] or dated[i] for i in neighbours)
