"""What the command reads and writes: one job per file.

Tree mode walks ``--intree`` without following symbolic links: a linked file
or folder is skipped (its target may lie outside the tree, and rewriting it
would change a file the user did not name) and listed in the report, and so
is anything that is not a regular file (a FIFO would block the read).
"""

import dataclasses
import os
import stat

PYTHON = "python"
NOTEBOOK = "notebook"
OTHER = "other"


@dataclasses.dataclass
class Job:
    """One input file.

    Attributes:
        rel: Its path relative to the input tree (the file name for
            ``--infile``).
        src: Its path as given.
        dst: Where its output goes (``src`` itself with ``--inplace``).
        kind: :data:`PYTHON`, :data:`NOTEBOOK` or :data:`OTHER` (copied).
    """

    rel: str
    src: str
    dst: str
    kind: str


def kind_of(path):
    """The kind of job a file name makes."""
    if path.endswith(".py"):
        return PYTHON
    if path.endswith(".ipynb"):
        return NOTEBOOK
    return OTHER


def _skip_reason(path):
    try:
        mode = os.lstat(path).st_mode
    except OSError as e:
        return "cannot be read: %s" % (e.strerror or e)
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return "symbolic link to %s (not followed)" % target
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def walk(root, out_root):
    """Lists the files of a tree.

    Args:
        root: The input tree.
        out_root: The output tree (``root`` itself for ``--inplace``).

    Returns:
        ``(jobs, skipped)``: a :class:`Job` per regular file, sorted; and
        ``(path, reason)`` for each link or special file left alone.
    """
    jobs, skipped = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames):
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                skipped.append((path, _skip_reason(path)))
                dirnames.remove(name)
        dirnames.sort()
        for name in sorted(filenames):
            src = os.path.join(dirpath, name)
            reason = _skip_reason(src)
            if reason:
                skipped.append((src, reason))
                continue
            rel = os.path.relpath(src, root)
            jobs.append(Job(rel, src, os.path.join(out_root, rel),
                            kind_of(name)))
    return jobs, skipped


def is_within(path, root):
    """Whether `path` is `root` or lies inside it (both resolved)."""
    path, root = os.path.realpath(path), os.path.realpath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
