"""Pass 2: run TensorFlow's own tf_upgrade_v2 and read its report.

tf_upgrade_v2 is run once, as a subprocess, on a temporary tree holding the
pass-1 output of every file, so a whole tree costs one TensorFlow start-up.
"""

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile

ENV_COMMAND = "CONTRIB_NORM_TF_UPGRADE_V2"
TIMEOUT_S = 1800

_MESSAGE = re.compile(r"^(\d+):(\d+): (INFO|WARNING|ERROR): (.*)$")
_PROCESSING = re.compile(r"^Processing file '(.*)'$")
_RENAMED = re.compile(r"^Renamed '([^']+)' to '([^']+)'")
_CONTRIB_SYMBOL = re.compile(r"tf\.contrib(?:\.\w+)+")


@dataclasses.dataclass
class Message:
    """One entry of tf_upgrade_v2's detailed log.

    Attributes:
        line: Line in the file tf_upgrade_v2 read.
        col: Column.
        level: ``INFO``, ``WARNING`` or ``ERROR``.
        text: The message.
    """

    line: int
    col: int
    level: str
    text: str

    @property
    def renamed(self):
        """``(old, new)`` for a "Renamed 'a' to 'b'" message, else None."""
        match = _RENAMED.match(self.text)
        return match.groups() if match else None

    @property
    def contrib_symbols(self):
        return _CONTRIB_SYMBOL.findall(self.text)


@dataclasses.dataclass
class UpgradeResult:
    """Outputs of one tf_upgrade_v2 run.

    Attributes:
        outputs: Relative path -> converted source (missing if it failed).
        messages: Relative path -> list of :class:`Message`.
        error: Why the run failed as a whole, or None.
    """

    outputs: dict
    messages: dict
    error: str = None


def command():
    """The command that starts tf_upgrade_v2, as an argument list.

    Uses ``$CONTRIB_NORM_TF_UPGRADE_V2`` when set, else the ``tf_upgrade_v2``
    console script next to the running Python, else ``python -m
    tensorflow.tools.compatibility.tf_upgrade_v2_main``.

    Returns:
        A list of strings.
    """
    override = os.environ.get(ENV_COMMAND)
    if override:
        return [override]
    bindir = os.path.dirname(sys.executable)
    for name in ("tf_upgrade_v2", "tf_upgrade_v2.exe"):
        script = os.path.join(bindir, name)
        if os.path.isfile(script) and os.access(script, os.X_OK):
            return [script]
    return [sys.executable, "-m",
            "tensorflow.tools.compatibility.tf_upgrade_v2_main"]


def parse_log(text, intree):
    """Parses the detailed log of a tf_upgrade_v2 report.

    Args:
        text: The report file's content.
        intree: The ``--intree`` argument the run was given.

    Returns:
        A dict: path relative to ``intree`` -> list of :class:`Message`.
    """
    marker = "Detailed log follows:"
    if marker in text:
        text = text[text.index(marker) + len(marker):]
    prefix = intree.rstrip("/\\") + os.sep
    messages = {}
    current = None
    last = None
    for raw in text.splitlines():
        line = raw.rstrip()
        processing = _PROCESSING.match(line)
        if processing:
            path = processing.group(1)
            if path.startswith(prefix):
                path = path[len(prefix):]
            current = messages.setdefault(os.path.normpath(path), [])
            last = None
            continue
        match = _MESSAGE.match(line)
        if match and current is not None:
            last = Message(int(match.group(1)), int(match.group(2)),
                           match.group(3), match.group(4))
            current.append(last)
            continue
        if not line or set(line) <= set("-=") or line.startswith(" outputting to"):
            last = None
            continue
        if last is not None:
            last.text += "\n" + line
    return messages


def _with_line_endings_of(source, output):
    """`output` with the line endings of `source`.

    tf_upgrade_v2 reads and writes in text mode, so it turns CRLF files into
    LF ones; the migration changes nothing but the code it converts.
    """
    if "\r\n" in source and "\r\n" not in output:
        return output.replace("\n", "\r\n")
    return output


def run(sources, timeout=TIMEOUT_S):
    """Runs tf_upgrade_v2 on a set of sources.

    Args:
        sources: Dict of relative path -> source text.
        timeout: Seconds before the subprocess is stopped.

    Returns:
        An :class:`UpgradeResult`.
    """
    if not sources:
        return UpgradeResult({}, {})
    workdir = tempfile.mkdtemp(prefix="contrib_norm_migrate_")
    try:
        intree = "in"
        for rel, code in sources.items():
            path = os.path.join(workdir, intree, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(code)
        argv = command() + ["--intree", intree, "--outtree", "out",
                            "--copyotherfiles", "False",
                            "--reportfile", "report.txt"]
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        try:
            proc = subprocess.run(argv, cwd=workdir, env=env,
                                  capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except (OSError, subprocess.SubprocessError) as e:
            return UpgradeResult({}, {}, "could not run %s: %s"
                                 % (" ".join(argv), e))
        outputs = {}
        for rel in sources:
            path = os.path.join(workdir, "out", rel)
            if os.path.isfile(path):
                with open(path, encoding="utf-8", newline="") as f:
                    outputs[rel] = _with_line_endings_of(sources[rel], f.read())
        report_path = os.path.join(workdir, "report.txt")
        messages = {}
        if os.path.isfile(report_path):
            with open(report_path, encoding="utf-8") as f:
                messages = parse_log(f.read(), intree)
        error = None
        if proc.returncode != 0 or not outputs:
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-5:]
            error = "%s exited with status %d: %s" % (
                os.path.basename(argv[0]), proc.returncode, " | ".join(tail))
        return UpgradeResult(outputs, messages, error)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
