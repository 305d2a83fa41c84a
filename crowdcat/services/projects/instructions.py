"""Markdown written by staff (project instructions), rendered to safe HTML."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# CommonMark without raw HTML; nh3 then keeps only harmless tags and attributes, so a
# pasted <script> or javascript: link never reaches a volunteer's browser.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
         "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}


def render_markdown(text: str) -> Markup:
    """Safe HTML for Markdown text."""
    html = _MD.render(text or "")
    return Markup(nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES,
                            url_schemes={"http", "https", "mailto"},
                            link_rel="noopener noreferrer nofollow"))
