"""Records of what the migration changed and what it left, and the report."""

import dataclasses
from typing import List, Optional

from contrib_norm.migrate import linediff

# Kinds of issues.
MANUAL = "manual"  # manual work remains: exit status 1
NOTE = "note"      # worth knowing, nothing to do in the code

# Which pass made a change.
SPELL_OUT = "imports"
UPGRADE_V2 = "tf_upgrade_v2"
REWRITE = "contrib_norm"
UNLOGGED = "unlogged"  # a line that differs, though no pass logged a change


@dataclasses.dataclass
class Change:
    """One edit.

    Attributes:
        line: Line in the text the pass read (mapped to the input file's line
            by :meth:`FileResult.finish`); None for an added line.
        old: The text that was replaced ("" for an insertion).
        new: The text that replaced it ("" for a removal).
        source: The pass that made the change.
        out_line: Line in the output file, where known.
        text: A description, for changes that are not a plain replacement.
    """

    line: Optional[int]
    old: str
    new: str
    source: str
    out_line: Optional[int] = None
    text: str = ""

    def describe(self):
        """The change as report text (``old -> new``, added/removed)."""
        if self.text:
            return self.text
        if self.old and self.new:
            return "%s -> %s" % (self.old, self.new)
        if self.new:
            return "added %s" % self.new
        return "removed %s" % self.old


@dataclasses.dataclass
class Issue:
    """Something the migration could not convert, or a note about a change.

    Attributes:
        line: Line in the input file (None if unknown).
        symbol: The API concerned, e.g. ``tf.contrib.layers.conv2d``.
        hint: What to do about it.
        kind: :data:`MANUAL` or :data:`NOTE`.
        out_line: Line in the output file, where known.
    """

    line: Optional[int]
    symbol: str
    hint: str
    kind: str = MANUAL
    out_line: Optional[int] = None

    def describe(self):
        """The issue as report text (``symbol: hint``)."""
        return "%s: %s" % (self.symbol, self.hint) if self.symbol else self.hint


@dataclasses.dataclass
class FileResult:
    """What happened to one input file.

    Attributes:
        path: The input path as shown in the report.
        output: Where the result was written.
        changes: Edits made, with input-file line numbers.
        issues: Unconverted uses and notes.
        error: Why the file could not be converted (its output is its
            input, unchanged) or copied.
        changed: Whether the output differs from the input.
        copied: Whether this is a file that is only copied (not Python).
        labels: For a notebook, where each line of its code is in the
            notebook (``cell 3, line 2``); line numbers are shown that way.
    """

    path: str
    output: str = ""
    changes: List[Change] = dataclasses.field(default_factory=list)
    issues: List[Issue] = dataclasses.field(default_factory=list)
    error: Optional[str] = None
    changed: bool = False
    copied: bool = False
    labels: Optional[list] = None

    def where(self, line, out_line=None):
        """``path:line`` (or ``path: cell 3, line 2``) for the report."""
        label = None
        if self.labels is not None and line is not None:
            if 0 < line <= len(self.labels):
                label = self.labels[line - 1]
            text = "%s: %s" % (self.path, label) if label else self.path
            return text
        text = "%s:%d" % (self.path, line) if line is not None else self.path
        if out_line is not None and out_line != line:
            text += " (output line %d)" % out_line
        return text

    @property
    def manual(self):
        return [i for i in self.issues if i.kind == MANUAL]

    @property
    def notes(self):
        return [i for i in self.issues if i.kind == NOTE]


def line_map(old_text, new_text):
    """Maps line numbers of ``new_text`` to those of ``old_text``.

    Args:
        old_text: Text before an edit.
        new_text: Text after it.

    Returns:
        A function from a 1-based line of ``new_text`` to the matching 1-based
        line of ``old_text``, or None for a line that the edit inserted.
    """
    old_lines = old_text.splitlines()
    new_lines = new_text.splitlines()
    table = {}
    previous = None  # the old line of the last pair in a replaced block
    for tag, i, j in linediff.aligned(old_lines, new_lines):
        if tag != "replace":
            previous = None
        elif i is not None:
            previous = i + 1
        if j is not None:
            # A line a replaced one grew into maps to it.
            table[j + 1] = previous if i is None else i + 1

    def lookup(line):
        if line is None:
            return None
        return table.get(line, line)

    return lookup


def compose(*maps):
    """Composes line maps.

    Args:
        *maps: Functions from line to line (or None), applied in order.

    Returns:
        The composed function; None propagates.
    """

    def lookup(line):
        for mapping in maps:
            line = mapping(line)
            if line is None:
                return None
        return line

    return lookup


def merge_changes(changes):
    """Folds a change whose old text another change on the line produced.

    ``tf_contrib.layers.batch_norm -> tf.contrib.layers.batch_norm`` followed
    by ``tf.contrib.layers.batch_norm -> contrib_norm.layers.batch_norm`` on
    the same input line becomes one entry ``tf_contrib.layers.batch_norm ->
    contrib_norm.layers.batch_norm``.

    Args:
        changes: Changes in the order the passes made them.

    Returns:
        The merged list, in the same order.
    """
    merged = []
    by_line = {}  # input line -> its changes so far, in order
    for change in changes:
        earlier = None
        if change.line is not None and change.old:
            earlier = next((e for e in by_line.get(change.line, ())
                            if e.new and e.new == change.old), None)
        if earlier is None:
            merged.append(change)
            by_line.setdefault(change.line, []).append(change)
            continue
        earlier.new = change.new
        earlier.source = earlier.source + "+" + change.source
        if change.out_line is not None:
            earlier.out_line = change.out_line
    return [c for c in merged if c.text or c.old != c.new]


def exit_status(results):
    """The command's exit status for a set of results.

    Args:
        results: FileResults.

    Returns:
        2 if a file could not be converted or copied, else 1 if manual work
        remains, else 0.
    """
    if any(r.error for r in results):
        return 2
    if any(r.manual for r in results):
        return 1
    return 0


def summary_line(results):
    """A one-line summary of a set of FileResults.

    Args:
        results: FileResults.

    Returns:
        The summary sentence.
    """
    converted = [r for r in results if not r.copied]
    changed = sum(1 for r in converted if r.changed)
    manual = sum(len(r.manual) for r in converted)
    files_manual = sum(1 for r in converted if r.manual)
    errors = sum(1 for r in results if r.error)
    changes = sum(len(r.changes) for r in converted)
    return ("%d file(s) processed, %d changed (%d change(s)); "
            "%d unconverted use(s) in %d file(s) need manual work; "
            "%d file(s) could not be converted or copied."
            % (len(converted), changed, changes, manual, files_manual, errors))


def _section(out, title, rows, empty=None):
    if not rows and empty is None:
        return
    title = "%s (%d)" % (title, len(rows))
    out.append(title)
    out.append("-" * len(title))
    out.extend(rows if rows else [empty])
    out.append("")


def _error_rows(results):
    return ["%s: %s" % (r.path, r.error) for r in results if r.error]


def _issue_rows(results, kind):
    return ["%s: %s" % (r.where(i.line, i.out_line), i.describe())
            for r in results for i in r.issues if i.kind == kind]


def _skipped_rows(skipped):
    return ["%s: %s" % (path, reason) for path, reason in skipped]


def terminal_lines(results, skipped=(), overwritten=()):
    """What the command prints under its summary: failures, manual work,
    skipped and replaced files."""
    lines = ["%s (left unchanged)" % row for row in _error_rows(results)]
    lines += _issue_rows(results, MANUAL)
    lines += ["skipped %s" % row for row in _skipped_rows(skipped)]
    lines += ["replaced existing %s" % path for path in overwritten]
    return lines


def render(results, header_lines=(), skipped=(), overwritten=()):
    """Renders the full report text.

    Args:
        results: The FileResults, in processing order.
        header_lines: Extra lines for the top (input, output, passes run).
        skipped: ``(path, reason)`` for the links and special files skipped.
        overwritten: Output files that existed and were replaced.

    Returns:
        The report as a string.
    """
    out = ["contrib-norm-migrate report", "=" * 27]
    out.extend(header_lines)
    out.append("")
    out.append(summary_line(results))
    out.append("")
    _section(out, "Files that could not be converted or copied (each left "
             "unchanged; a converted tree holds an unchanged copy)",
             _error_rows(results))
    _section(out, "Unconverted uses: manual work needed",
             _issue_rows(results, MANUAL), empty="none")
    _section(out, "Notes", _issue_rows(results, NOTE))
    _section(out, "Skipped (symbolic links are not followed)",
             _skipped_rows(skipped))
    _section(out, "Existing files replaced in the output", list(overwritten))

    out.append("Changes")
    out.append("-" * 7)
    for r in results:
        if r.error or r.copied:
            continue
        out.append("%s -> %s: %d change(s)" % (r.path, r.output, len(r.changes)))
        for change in r.changes:
            out.append("  %s: %s  [%s]" % (
                r.where(change.line, change.out_line),
                change.describe(), change.source))
    out.append("")
    return "\n".join(out)
