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
A line break stays a line break (Markdown would join the two lines into one).
"""

import re

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN = re.compile(r"([\\\[\]$])")
_AUTOLINK = re.compile(r"(?i)\b(https?:|ftp:|www)(?=//|\.)")
WORD_JOINER = "\u2060"


def inert(text: str) -> str:
    """Markdown that renders as exactly `text`, except that it keeps emphasis and lists."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    escaped = "".join(_HTML.get(char, char) for char in escaped)
    escaped = _AUTOLINK.sub(lambda match: match.group(0) + WORD_JOINER, escaped)
    return escaped.replace("\n", "  \n")
