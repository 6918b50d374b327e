"""Each line keeps its own line ending through the migration.

The passes work on text with ``\\n`` endings (tf_upgrade_v2 reads and writes
in text mode, and would turn every ending into ``\\n``). :func:`split` takes
the endings off a file, remembering each line's; :func:`restore` puts them
back on the converted text: a line that came from an input line gets that
line's ending, an added line the ending of the line before it. A file with
mixed endings therefore comes out with the same mix.

Only ``\\r\\n``, ``\\r`` and ``\\n`` end a line, as for Python's tokenizer
(`str.splitlines` would also split at form feeds and other separators).
"""

import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def lines(text):
    """`text`'s lines, each with its own ending (only CR LF, CR and LF end
    a line)."""
    return _LINE.findall(text)


def split(text):
    """Normalizes line endings to ``\\n``.

    Args:
        text: Source text with any line endings.

    Returns:
        ``(normalized, endings)``: the text with ``\\n`` endings, and each
        line's original ending (``""`` for a last line without one).
    """
    lines, endings = [], []
    for match in _LINE.finditer(text):
        line = match.group()
        body = line.rstrip("\r\n")
        lines.append(body)
        endings.append(line[len(body):])
    normalized = "".join(body + ("\n" if end else "")
                         for body, end in zip(lines, endings))
    return normalized, endings


def _dominant(endings):
    counts = {}
    for end in endings:
        if end:
            counts[end] = counts.get(end, 0) + 1
    return max(counts, key=counts.get) if counts else "\n"


def restore(text, endings, origin):
    """Puts the original line endings back.

    Args:
        text: Converted text with ``\\n`` endings.
        endings: The input's endings, as returned by :func:`split`.
        origin: Function from a 1-based line of `text` to the 1-based input
            line it came from, or None for an added line.

    Returns:
        The text with each line's ending restored.
    """
    if all(end in ("\n", "") for end in endings):
        return text
    default = _dominant(endings)
    out = []
    previous = default
    for number, match in enumerate(_LINE.finditer(text), start=1):
        line = match.group()
        if not line.endswith("\n"):
            out.append(line)
            continue
        source = origin(number)
        end = endings[source - 1] if source and source <= len(endings) else ""
        end = end or previous
        previous = end
        out.append(line[:-1] + end)
    return "".join(out)
