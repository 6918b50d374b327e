"""Jupyter notebooks: their code cells as one Python source, and back.

The code cells are joined into one module, so that an import in the first
cell resolves its uses in later ones, as when the notebook runs. Each cell is
followed by a marker comment; lines that are IPython rather than Python
(``%magic``, ``!shell``, ``x = !cmd``, ``obj?``) become ``pass`` statements
that carry their index, and come back verbatim. After the passes the module
is cut at the markers and each cell gets its new source; everything else in
the notebook (outputs, metadata, other cells) is kept as it was. A notebook
whose code did not change is written back byte for byte.
"""

import dataclasses
import json
import re

from contrib_norm.migrate.contain import Unconvertible

_MARK = "# contrib-norm-migrate: end of cell %d"
_MARK_RE = re.compile(r"^# contrib-norm-migrate: end of cell (\d+)\n?$")
_KEEP = "pass  # contrib-norm-migrate: IPython line %d"
_KEEP_RE = re.compile(r"^([ \t]*)pass  # contrib-norm-migrate: IPython line "
                      r"(\d+)$")
_IPYTHON_ASSIGN = re.compile(r"^[ \t]*[\w., ]+=[ \t]*[!%]")


@dataclasses.dataclass
class Extracted:
    """A notebook's code, ready for the passes.

    Attributes:
        code: The code cells as one Python source.
        labels: For each line of `code`, where it is in the notebook
            (``cell 3, line 2``), or None for a marker.
        notebook: The parsed notebook.
        cells: Indexes (in ``notebook["cells"]``) of the cells in `code`.
        kept: The IPython lines, by index.
    """

    code: str
    labels: list
    notebook: dict
    cells: list
    kept: list


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _is_ipython(line, continued):
    stripped = line.lstrip()
    return (continued or stripped.startswith(("%", "!", "?"))
            or (stripped.rstrip().endswith("?") and not stripped.startswith("#"))
            or bool(_IPYTHON_ASSIGN.match(line)))


def extract(text):
    """Reads a notebook's code cells.

    Args:
        text: The ``.ipynb`` file's text.

    Returns:
        An :class:`Extracted`.

    Raises:
        Unconvertible: If the text is not a notebook.
    """
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
        if not isinstance(cells, list):
            raise TypeError("'cells' is not a list")
    except (ValueError, KeyError, TypeError, RecursionError) as e:
        raise Unconvertible("cannot read the notebook: %s" % e) from None
    lines, labels, kept, indexes = [], [], [], []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        if source.lstrip().startswith("%%"):
            continue  # a cell magic: the whole cell is not Python
        continued = False
        for number, line in enumerate(source.split("\n"), start=1):
            if _is_ipython(line, continued):
                continued = line.rstrip().endswith("\\")
                indent = re.match(r"[ \t]*", line).group()
                kept.append(line)
                line = indent + _KEEP % (len(kept) - 1)
            lines.append(line)
            labels.append("cell %d, line %d" % (index + 1, number))
        lines.append(_MARK % index)
        labels.append(None)
        indexes.append(index)
    return Extracted("\n".join(lines) + "\n", labels, notebook, indexes, kept)


def insert(extracted, code):
    """Puts converted code back into the notebook's cells.

    Args:
        extracted: What :func:`extract` returned.
        code: The converted :attr:`Extracted.code`.

    Returns:
        The new notebook, as a dict.

    Raises:
        Unconvertible: If the cell markers did not come through unchanged.
    """
    pieces, current, seen = {}, [], []
    for line in code.split("\n"):
        mark = _MARK_RE.match(line)
        if mark:
            seen.append(int(mark.group(1)))
            pieces[seen[-1]] = current
            current = []
            continue
        keep = _KEEP_RE.match(line)
        if keep:
            index = int(keep.group(2))
            if index >= len(extracted.kept):
                raise Unconvertible("an IPython line's placeholder was changed")
            line = extracted.kept[index]
        current.append(line)
    if seen != extracted.cells or "".join(current).strip():
        raise Unconvertible("the notebook's cells could not be told apart "
                            "after conversion")
    notebook = json.loads(json.dumps(extracted.notebook))
    for index in extracted.cells:
        cell = notebook["cells"][index]
        source = "\n".join(pieces[index])
        if source == _source(cell):
            continue
        if isinstance(cell.get("source"), list):
            cell["source"] = re.findall(r"[^\n]*\n|[^\n]+$", source)
        else:
            cell["source"] = source
    return notebook


def dumps(notebook, original_text):
    """Serializes a notebook in the style of the file it came from.

    The indentation is taken from the original (Jupyter writes one space);
    non-ASCII text stays as it is, and a final newline is kept.
    """
    match = re.search(r"\n([ \t]+)\S", original_text)
    indent = match.group(1) if match else None
    text = json.dumps(notebook, indent=indent, ensure_ascii=False)
    if original_text.endswith("\n"):
        text += "\n"
    return text
