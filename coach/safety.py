"""Make text inert before the UI renders it as Markdown: no HTML, no images, no links, no maths.

Everything the app shows from articles, the marketer or a model goes through `inert`. Emphasis and
lists stay (the summary uses them; they cannot load or run anything); what could load or run
something is escaped so it shows as the characters that were typed:
- `<` `>` `&`: raw HTML (`<img onerror>`, `<script>`), autolinks `<http://...>` and entities;
- `[` `]`: every Markdown image, link, reference definition and Streamlit's `:color[...]`; the
  citation markers `[1]` still read as `[1]`;
- `$`: Streamlit renders `$...$` as LaTeX, which would swallow "a budget of $500 ... $200";
- bare URLs (`http://...`, `www.`): GFM would turn them into links after parsing, where escapes no
  longer count, so an invisible word joiner goes between `http:` and `//` (and after `www`);
- the backslash first, so a backslash in the text cannot undo one of the escapes above.
- Streamlit's shortcodes `:material/icon:` and `:emoji:`: a word joiner after the first colon, so
  they show as typed instead of as an icon or an emoji.
A line break stays a line break (Markdown would join the two lines into one).

`neutralise` is for text that leaves the coach as data (`ask --json`, the stored transcript): a model's
images, links and HTML are taken out (an image's alt text and a link's text stay), so no consumer of the
JSON loads or runs them, and the caller can say that it happened.
"""

import re

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = re.compile(r"([\\\[\]$])")
_AUTOLINK = re.compile(r"(?i)\b(https?:|ftp:|www)(?=//|\.)")
_SHORTCODE = re.compile(r"(?<![\w:]):(?=(?:material/)?[a-z0-9_+-]+:)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def inert(text: str) -> str:
    """Markdown that renders as exactly `text`, except that it keeps emphasis and lists."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    escaped = "".join(_HTML.get(char, char) for char in escaped)
    escaped = _AUTOLINK.sub(lambda match: match.group(0) + WORD_JOINER, escaped)
    escaped = _SHORTCODE.sub(":" + WORD_JOINER, escaped)
    return escaped.replace("\n", "  \n")


_ACTIVE = (
    (re.compile(r"<(script|style|iframe|object|embed|svg|math|template)\b.*?(?:</\1\s*>|\Z)", re.I | re.S), ""),
    (re.compile(r"<!--.*?(?:-->|\Z)", re.S), ""),
    (re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # an image: its alt text
    (re.compile(r"!\[([^\]\n]*)\]\[[^\]\n]*\]"), r"\1"),  # a reference-style image
    (re.compile(r"(?<!!)\[([^\]\n]+)\]\((?:[^()\n]|\([^()\n]*\))*\)"), r"\1"),  # a link: its text
    (re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$", re.M), ""),  # a reference definition
    (re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>", re.I), ""),  # an autolink
    (re.compile(r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>", re.I), ""),  # any other HTML tag
)


def neutralise(text: str) -> tuple[str, bool]:
    """The text without images, links, HTML and script; and whether anything was taken out."""
    result = text
    for pattern, replacement in _ACTIVE:
        result = pattern.sub(replacement, result)
    if result == text:
        return text, False
    return re.sub(r"[ \t]{2,}", " ", result).strip(), True


class InertStream:
    """`inert` of a growing text in linear time: each appended piece is made inert once.

    A piece is committed up to its last whitespace (nothing `inert` looks at spans whitespace: a URL, a
    shortcode, a marker), the rest waits as a carry-over for the next piece, so the pieces' output is
    exactly `inert` of the whole. A run of more than MAX_CARRY characters without whitespace is committed
    anyway (at worst a harmless extra word joiner).
    """

    MAX_CARRY = 2000

    def __init__(self) -> None:
        self._done: list[str] = []
        self._carry = ""

    def add(self, piece: str) -> None:
        text = self._carry + piece
        cut = max(text.rfind(" "), text.rfind("\n"), text.rfind("\t")) + 1
        if cut == 0 and len(text) > self.MAX_CARRY:
            cut = len(text) - 16
        if cut:
            self._done.append(inert(text[:cut]))
        self._carry = text[cut:]

    def markdown(self) -> str:
        """Everything so far, inert (the carry-over too, as it stands)."""
        if len(self._done) > 1:
            self._done = ["".join(self._done)]
        return (self._done[0] if self._done else "") + inert(self._carry)
