"""Large files go through tf_upgrade_v2 in pieces.

tf_upgrade_v2 holds a whole file in pasta's tree: about 1.7 GB per MB of
source, so a 5 MB file needs some 8 GB. A file larger than
:data:`PIECE_CHARS` is therefore cut between top-level statements into
pieces of about that size. Every piece after the first is preceded by the
file's top-level imports (tf_upgrade_v2's renames depend on them) and a
sentinel line; in its output, everything up to the sentinel is dropped, and
its log lines are moved back to the file's own line numbers.

:func:`plan` decides the cuts (it parses the file, so it runs in the
contained stage); :func:`split` and :func:`join` are plain text work.
"""

import ast
import dataclasses
from typing import List

from contrib_norm.migrate.edits import Editor
from contrib_norm.migrate.edits import first_line

#: A file larger than this (in characters) is converted in pieces of about
#: this size.
PIECE_CHARS = 100000

SENTINEL = "__contrib_norm_piece__ = None"


@dataclasses.dataclass
class Plan:
    """Where one file is cut.

    Attributes:
        header: The file's top-level import statements, each starting a
            line.
        starts: The 1-based first line of each piece after the first.
    """

    header: str
    starts: List[int]


def plan(code, piece_chars=None):
    """Where to cut a file for tf_upgrade_v2, or None to keep it whole.

    Args:
        code: The source (``\\n`` line endings), which must parse.
        piece_chars: Piece size; :data:`PIECE_CHARS` by default.

    Returns:
        A :class:`Plan`, or None for a file of one piece.
    """
    piece_chars = piece_chars or PIECE_CHARS
    if len(code) <= piece_chars:
        return None
    tree = ast.parse(code)
    editor = Editor(code)
    header, starts = [], []
    previous_end, piece_start = 0, 0
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            header.append(editor.text(stmt))
        first = first_line(stmt)
        offset = editor.line_start(first)
        if first > previous_end and offset - piece_start >= piece_chars:
            starts.append(first)
            piece_start = offset
        previous_end = stmt.end_lineno
    if not starts:
        return None
    return Plan("\n".join(header), starts)


def split(code, cuts):
    """The texts tf_upgrade_v2 converts for one file.

    Args:
        code: The source.
        cuts: Its :class:`Plan`.

    Returns:
        A list of texts: the first piece as it is, each later one behind the
        header and the sentinel.
    """
    lines = code.splitlines(keepends=True)
    bounds = [1] + cuts.starts + [len(lines) + 1]
    texts = []
    for index in range(len(bounds) - 1):
        body = "".join(lines[bounds[index] - 1:bounds[index + 1] - 1])
        texts.append(body if index == 0 else _prefix(cuts) + body)
    return texts


def _prefix(cuts):
    """What precedes each piece after the first: the imports, the sentinel."""
    return (cuts.header + "\n" if cuts.header else "") + SENTINEL + "\n"


def join(cuts, outputs, messages):
    """One file's output and log from its pieces'.

    Args:
        cuts: The file's :class:`Plan`.
        outputs: tf_upgrade_v2's output for each piece, in order.
        messages: The log :class:`upgrade_v2.Message` lists of each piece.

    Returns:
        ``(output, messages)``, with the file's own line numbers.

    Raises:
        ValueError: If a piece's output lost its sentinel line.
    """
    header_lines = len(_prefix(cuts).splitlines())
    texts, log, whole_file = [outputs[0]], list(messages[0]), set()
    for msg in messages[0]:
        if msg.line is None:
            whole_file.add((msg.level, msg.text))
    for index in range(1, len(outputs)):
        lines = outputs[index].splitlines(keepends=True)
        marks = [i for i, line in enumerate(lines)
                 if line.rstrip("\r\n") == SENTINEL]
        if len(marks) != 1:
            raise ValueError("tf_upgrade_v2 changed the line that separates "
                             "piece %d of the file" % (index + 1))
        texts.append("".join(lines[marks[0] + 1:]))
        first = cuts.starts[index - 1]
        for msg in messages[index]:
            if msg.line is None:
                if (msg.level, msg.text) not in whole_file:
                    whole_file.add((msg.level, msg.text))
                    log.append(msg)
            elif msg.line > header_lines:
                msg.line = first + msg.line - header_lines - 1
                log.append(msg)
    return "".join(texts), log
