"""Comment bodies from other systems, turned into the Markdown a Kiebitz comment is written in.

WordPress, Disqus and Remark42 keep comments as HTML. The HTML is first cut
down to the tags Kiebitz itself renders (``markup.sanitize``), then written as
Markdown by markdownify, so that an imported comment is stored, shown, edited
and read by the spam filter exactly like one posted here.
"""

from __future__ import annotations

import re

from kiebitz import markup

BLANK_LINE = re.compile(r"\n\s*\n")
# wpautop adds no line break next to a block element: the newlines around its tags are layout, not text.
# Around the outer ones a paragraph ends; the inner ones (list items, table and definition parts) stay inside it.
OUTER_BLOCK_TAG = re.compile(
    r"\s*(</?(?:address|blockquote|div|dl|h[1-6]|hr|ol|p|pre|table|ul)\b[^>]*>)\s*", re.IGNORECASE
)
INNER_BLOCK_TAG = re.compile(r"\s*(</?(?:dd|dt|li|tbody|td|tfoot|th|thead|tr)\b[^>]*>)\s*", re.IGNORECASE)
PREFORMATTED = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
# Kiebitz keeps no tables: a cell's end becomes a space and a row's a line break, so the words stay apart.
CELL_END, ROW_END = re.compile(r"</t[dh]>", re.IGNORECASE), re.compile(r"</(?:tr|dt|dd)>", re.IGNORECASE)
KEPT_NEWLINE = "\x00"


def markdown_from_html(html: str) -> str:
    html = ROW_END.sub("<br>", CELL_END.sub(" ", html))
    # Imported here: markdownify brings BeautifulSoup, 4 MiB and 0.1 s to load, which a server worker that
    # never receives an upload should not carry (the admin's upload route sits in every worker).
    from markdownify import markdownify

    # Kiebitz renders a single newline as a line break, so markdownify's "two spaces, newline" is not needed.
    text = markdownify(markup.sanitize(html), heading_style="ATX", bullets="*").replace("  \n", "\n")
    return text.strip()


def markdown_from_wordpress(content: str) -> str:
    """WordPress stores a comment as typed: HTML tags inline, newlines as the writer put them.

    It shows a blank line as a new paragraph and a single newline as a line
    break, except beside block elements and inside <pre> (wpautop); the same
    is done here before the HTML is read.
    """
    content = PREFORMATTED.sub(lambda pre: pre.group(0).replace("\n", KEPT_NEWLINE), content.replace("\r\n", "\n"))
    content = INNER_BLOCK_TAG.sub(r"\1", content)
    content = OUTER_BLOCK_TAG.sub(lambda tag: "\n\n" + tag.group(1) + "\n\n", content)
    paragraphs = [paragraph.strip() for paragraph in BLANK_LINE.split(content)]
    html = "".join(
        paragraph if OUTER_BLOCK_TAG.fullmatch(paragraph) else "<p>" + paragraph.replace("\n", "<br>") + "</p>"
        for paragraph in paragraphs if paragraph
    )
    return markdown_from_html(html.replace(KEPT_NEWLINE, "\n"))
