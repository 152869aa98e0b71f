"""Comment bodies from other systems, turned into the Markdown a Kiebitz comment is written in.

WordPress, Disqus and Remark42 keep comments as HTML. The HTML is first cut
down to the tags Kiebitz itself renders (``markup.sanitize``), then written as
Markdown by markdownify, so that an imported comment is stored, shown, edited
and read by the spam filter exactly like one posted here.
"""

from __future__ import annotations

import re

from markdownify import markdownify

from kiebitz import markup

BLANK_LINE = re.compile(r"\n\s*\n")


def markdown_from_html(html: str) -> str:
    # Kiebitz renders a single newline as a line break, so markdownify's "two spaces, newline" is not needed.
    text = markdownify(markup.sanitize(html), heading_style="ATX", bullets="*").replace("  \n", "\n")
    return text.strip()


def markdown_from_wordpress(content: str) -> str:
    """WordPress stores a comment as typed: HTML tags inline, newlines as the writer put them.

    It shows a blank line as a new paragraph and a single newline as a line
    break (wpautop); the same is done here before the HTML is read.
    """
    paragraphs = [paragraph.strip() for paragraph in BLANK_LINE.split(content.replace("\r\n", "\n"))]
    return markdown_from_html("".join("<p>" + paragraph.replace("\n", "<br>") + "</p>" for paragraph in paragraphs if paragraph))
