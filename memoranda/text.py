"""Plain text with paragraphs and bullet lists, rendered safely (every character escaped), and
word-level differences between two texts."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")
_TOKENS = re.compile(r"\s+|[^\s]+")
# Above this many characters in one changed block, word-level matching gets slow and the result
# unreadable: the block is shown as removed and added instead.
_WORD_DIFF_LIMIT = 20_000


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """Split text into ("p", [lines]) paragraphs, ("ul", [items]) bullet lists and ("ol", [items])
    numbered lists. A blank line separates blocks."""
    result: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            result.append(("ul", [_BULLET.sub("", line).strip() for line in lines]))
        elif all(_NUMBERED.match(line) for line in lines):
            result.append(("ol", [_NUMBERED.sub("", line).strip() for line in lines]))
        else:
            result.append(("p", [line.strip() for line in lines]))
    return result


def render_text(text: str) -> SafeString:
    parts = []
    for kind, lines in blocks(text):
        if kind in ("ul", "ol"):
            items = "".join(f"<li>{escape(item)}</li>" for item in lines)
            css = "govuk-list--bullet" if kind == "ul" else "govuk-list--number"
            parts.append(f'<{kind} class="govuk-list {css}">{items}</{kind}>')
        else:
            parts.append('<p class="govuk-body">' + "<br>".join(escape(line) for line in lines) + "</p>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of user text above is escaped


def _removed(text: str) -> str:
    if not text.strip():
        return ""
    return f'<del class="moc-del"><span class="govuk-visually-hidden">[removed: </span>{escape(text)}<span class="govuk-visually-hidden">]</span></del>'


def _added(text: str) -> str:
    if not text.strip():
        return escape(text)
    return f'<ins class="moc-ins"><span class="govuk-visually-hidden">[added: </span>{escape(text)}<span class="govuk-visually-hidden">]</span></ins>'


def _word_level(old: str, new: str) -> str:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    out: list[str] = []
    removed: list[str] = []
    added: list[str] = []

    def flush():
        if removed or added:
            out.append(_removed("".join(removed)) + _added("".join(added)))
            removed.clear()
            added.clear()

    for index, (op, i1, i2, j1, j2) in enumerate(ops):
        if op != "equal":
            removed.extend(a[i1:i2])
            added.extend(b[j1:j2])
            continue
        text = "".join(a[i1:i2])
        if (removed or added) and not text.strip() and index + 1 < len(ops):
            # A lone space between two changes: keep the change in one piece, so it reads
            # "[removed: the partnership board] [added: every six months]".
            removed.append(text)
            added.append(text)
            continue
        flush()
        out.append(escape(text))
    flush()
    return "".join(out)


def word_diff(old: str, new: str) -> SafeString:
    """The new text with removed words in <del> and added words in <ins> (each also announced to
    screen readers). Lines are matched first, then words inside changed lines, so long texts stay
    fast and paragraphs keep their shape (show it in an element with white-space: pre-wrap)."""
    a = (old or "").replace("\r\n", "\n").splitlines(keepends=True)
    b = (new or "").replace("\r\n", "\n").splitlines(keepends=True)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old_block, new_block = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            out.append(escape(old_block))
        elif op == "delete":
            out.append(_removed(old_block))
        elif op == "insert":
            out.append(_added(new_block))
        elif len(old_block) + len(new_block) > _WORD_DIFF_LIMIT:
            out.append(_removed(old_block) + _added(new_block))
        else:
            out.append(_word_level(old_block, new_block))
    return mark_safe("".join(out))  # noqa: S308 - built only from escaped text
