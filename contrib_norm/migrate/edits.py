"""Text edits at ``ast`` positions, for both rewriting passes.

The passes decide *what* to change by looking at CPython's tree of the file;
:class:`Editor` then changes only those spans of the text, so every comment,
blank line and layout choice elsewhere stays as the user wrote it. Edits may
replace a node, remove statements (keeping their comments, and a ``pass``
where a block would become empty), or insert lines at the top level.
"""

import ast


class Editor:
    """Collects edits to one source text and applies them at once.

    Args:
        code: The source the tree was parsed from.
    """

    def __init__(self, code):
        self.code = code
        self.lines = code.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self._edits = []  # (start, end, order, text)

    # --- positions --------------------------------------------------------
    def offset(self, lineno, col):
        """The text offset of ``ast``'s (1-based line, UTF-8 byte column)."""
        if lineno > len(self.lines):
            return len(self.code)
        line = self.lines[lineno - 1]
        if not line.isascii():
            col = len(line.encode("utf-8")[:col].decode("utf-8", "replace"))
        return self.starts[lineno - 1] + col

    def span(self, node):
        """``(start, end)`` text offsets of a node."""
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno, node.end_col_offset))

    def text(self, node):
        """The source text of a node."""
        start, end = self.span(node)
        return self.code[start:end]

    def line_start(self, lineno):
        return self.starts[min(lineno, len(self.lines) + 1) - 1]

    # --- edits ------------------------------------------------------------
    def replace_span(self, start, end, text):
        self._edits.append((start, end, len(self._edits), text))

    def replace(self, node, text):
        """Replaces a node's text."""
        start, end = self.span(node)
        self.replace_span(start, end, text)

    def insert_before(self, node, text):
        start = self.span(node)[0]
        self.replace_span(start, start, text)

    def insert_lines(self, lineno, lines):
        """Inserts whole lines before 1-based line ``lineno`` (after the last
        line if it is past the end)."""
        if not lines:
            return
        at = self.line_start(lineno) if lineno <= len(self.lines) \
            else len(self.code)
        prefix = "" if at == 0 or self.code[at - 1] == "\n" else "\n"
        self.replace_span(at, at, prefix + "".join(l + "\n" for l in lines))

    def insert_statements(self, body, index, lines):
        """Inserts top-level lines before statement ``index`` of ``body``:
        right after the statement before it (comments and blank lines above
        statement ``index`` stay with it), or before the first statement."""
        if index == 0:
            lineno = first_line(body[0]) if body else len(self.lines) + 1
        else:
            lineno = body[index - 1].end_lineno + 1
        self.insert_lines(lineno, lines)

    def remove_statements(self, body, removed, replacements=None):
        """Removes statements of one block, or replaces them by new text.

        Statements sharing a line (``a; b``) are cut out with their
        semicolon; a statement on lines of its own goes with its lines,
        keeping a trailing comment as a comment line. A block left with no
        statement keeps a ``pass``.

        Args:
            body: The block's statements (``ast`` nodes, in order).
            removed: The set of statements to remove or replace.
            replacements: Optional statement -> new text, for a group of
                statements on one line that are all removed: the first of the
                group with a replacement takes its place.
        """
        replacements = replacements or {}
        groups = _line_groups(body)
        everything = all(s in removed for s in body)
        for index, group in enumerate(groups):
            gone = [s in removed for s in group]
            if not any(gone):
                continue
            if all(gone):
                text = next((replacements[s] for s in group
                             if s in replacements), None)
                last = index == len(groups) - 1
                if text is None and everything and last and not isinstance(
                        self._parent_block(body), ast.Module):
                    text = "pass"
                self._remove_group(group, text)
            else:
                self._remove_within(group, gone)

    @staticmethod
    def _parent_block(body):
        return getattr(body, "owner", None)

    def _remove_group(self, group, text):
        start = self.span(group[0])[0]
        end = self.span(group[-1])[1]
        first, last = group[0].lineno, group[-1].end_lineno
        before = self.code[self.line_start(first):start]
        line_end = self.line_start(last + 1) if last < len(self.lines) \
            else len(self.code)
        after = self.code[end:line_end]
        comment = after.strip()
        own_lines = not before.strip() and (not comment or comment[0] == "#")
        if text is not None:
            self.replace_span(start, end, text)
        elif own_lines:
            keep = before + comment + after[len(after.rstrip("\r\n")):] \
                if comment else ""
            self.replace_span(self.line_start(first), line_end, keep)
        else:  # a one-line block after a colon: `try: import x`
            self.replace_span(start, end, "pass")

    def _remove_within(self, group, gone):
        index = 0
        while index < len(group):
            if not gone[index]:
                index += 1
                continue
            run_end = index
            while run_end + 1 < len(group) and gone[run_end + 1]:
                run_end += 1
            if run_end + 1 < len(group):
                start = self.span(group[index])[0]
                end = self.span(group[run_end + 1])[0]
            else:
                start = self.span(group[index - 1])[1]
                end = self.span(group[run_end])[1]
            self.replace_span(start, end, "")
            index = run_end + 1

    def apply(self):
        """The edited text.

        Raises:
            ValueError: If two edits overlap (a bug of the pass).
        """
        edits = sorted(self._edits, key=lambda e: (e[0], e[1], e[2]))
        out, position = [], 0
        for start, end, _, text in edits:
            if start < position:
                raise ValueError("overlapping edits at offset %d" % start)
            out.append(self.code[position:start])
            out.append(text)
            position = end
        out.append(self.code[position:])
        return "".join(out)


def first_line(stmt):
    """The first line of a statement, its decorators included."""
    return min([stmt.lineno] + [d.lineno for d in getattr(
        stmt, "decorator_list", ())])


def _line_groups(body):
    """Splits a block into groups of statements that share lines."""
    groups = []
    for stmt in body:
        if groups and stmt.lineno == groups[-1][-1].end_lineno:
            groups[-1].append(stmt)
        else:
            groups.append([stmt])
    return groups


class Block(list):
    """A block's statements, with the node that owns the block."""

    def __init__(self, statements, owner):
        super().__init__(statements)
        self.owner = owner


def block_of(stmt, parents):
    """The statements of the block holding ``stmt``, as a :class:`Block`.

    Args:
        stmt: A statement node.
        parents: Node -> parent node.
    """
    owner = parents[stmt]
    for field in ("body", "orelse", "finalbody", "handlers"):
        statements = getattr(owner, field, None)
        if isinstance(statements, list) and any(s is stmt for s in statements):
            return Block(statements, owner)
    raise ValueError("statement not found in its parent")


def import_text(stmt, aliases):
    """The text of an import statement with only some of its aliases.

    Args:
        stmt: The ``ast.Import`` or ``ast.ImportFrom``.
        aliases: ``(name, asname)`` pairs to keep.

    Returns:
        The statement's new text, e.g. ``"import numpy as np"``.
    """
    names = ", ".join(name + (" as " + asname if asname else "")
                      for name, asname in aliases)
    if isinstance(stmt, ast.Import):
        return "import " + names
    return "from %s%s import %s" % ("." * stmt.level, stmt.module or "", names)
