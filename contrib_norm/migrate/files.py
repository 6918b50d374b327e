"""Reading and writing the user's files, never losing a byte of them.

* :func:`decode` reads source bytes with the encoding Python itself would use
  (PEP 263 cookie, UTF-8 BOM), so :func:`encode` gives the same bytes back.
* :func:`write_atomic` writes to a temporary file in the destination's own
  folder and renames it over the destination (`os.replace`), so a reader
  sees the old file or the new one, never a mix; a failed write removes the
  temporary file and leaves the destination as it was. The file keeps the
  permission bits it is given (an executable script stays executable).
* :func:`copy_atomic` copies a file the same way, with its mode and times.
"""

import io
import os
import shutil
import stat
import tempfile
import tokenize


class FileError(Exception):
    """A file could not be read, decoded or written; the message says why."""


def decode(data):
    """Decodes Python source bytes as Python would.

    Args:
        data: The file's bytes.

    Returns:
        ``(text, encoding)``; ``encode(text, encoding) == data``.

    Raises:
        FileError: If the bytes are not text in the declared encoding.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as e:
        raise FileError("cannot decode: %s" % e) from None
    if text.encode(encoding) != data:
        raise FileError("cannot decode: the bytes do not survive a round trip "
                        "through %s" % encoding)
    return text, encoding


def encode(text, encoding):
    """Encodes converted source back into its file's encoding.

    Raises:
        FileError: If the new text cannot be written in that encoding.
    """
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as e:
        raise FileError("the converted text cannot be written as %s: %s"
                        % (encoding, e)) from None


def read_bytes(path):
    """Reads a whole file.

    Raises:
        FileError: If it cannot be read (permissions, a folder, I/O error).
    """
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise FileError("cannot read: %s" % (e.strerror or e)) from None


def file_mode(path, default=0o644):
    """The permission bits of `path` (its own, not a link target's)."""
    try:
        return stat.S_IMODE(os.lstat(path).st_mode)
    except OSError:
        return default


def write_atomic(path, data, mode=0o644):
    """Writes `data` to `path` all at once, or not at all.

    Args:
        path: Destination file; its folder is created if missing.
        data: Bytes to write.
        mode: Permission bits of the written file.

    Raises:
        FileError: If the write failed; `path` is then as it was.
    """
    directory = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=directory, prefix=".%s." % os.path.basename(path),
            suffix=".contrib-norm-migrate.tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise FileError("cannot write %s: %s" % (path, e.strerror or e)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def copy_atomic(src, dst):
    """Copies `src` to `dst` (bytes, mode and times) all at once, or not at all.

    Raises:
        FileError: If the copy failed; `dst` is then as it was.
    """
    if os.path.abspath(src) == os.path.abspath(dst):
        return
    write_atomic(dst, read_bytes(src), file_mode(src))
    try:
        shutil.copystat(src, dst)
    except OSError:
        pass
