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
from typing import Optional

from contrib_norm.migrate import pieces

ENV_COMMAND = "CONTRIB_NORM_TF_UPGRADE_V2"
TIMEOUT_S = 1800

_MESSAGE = re.compile(r"^(?:(\d+):(\d+): )?(INFO|WARNING|ERROR): (.*)$")
_PROCESSING = re.compile(r"^Processing file (?:'(.*)'|\"(.*)\")$")
_RENAMED = re.compile(r"^Renamed '([^']+)' to '([^']+)'")
_CONTRIB_SYMBOL = re.compile(r"tf\.contrib(?:\.\w+)+")


@dataclasses.dataclass
class Message:
    """One entry of tf_upgrade_v2's detailed log.

    Attributes:
        line: Line in the file tf_upgrade_v2 read (None for a message about
            the whole file).
        col: Column (None likewise).
        level: ``INFO``, ``WARNING`` or ``ERROR``.
        text: The message.
    """

    line: Optional[int]
    col: Optional[int]
    level: str
    text: str

    @property
    def whole_file(self):
        """Whether the message is about the whole file (it has no position),
        as tf_upgrade_v2's "ERROR: Failed to parse." is."""
        return self.line is None

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
    """Outputs of tf_upgrade_v2 over a set of sources.

    Attributes:
        outputs: Relative path -> converted source, for each file it converted.
        messages: Relative path -> list of :class:`Message`.
        errors: Relative path -> why tf_upgrade_v2 did not convert that file.
    """

    outputs: dict
    messages: dict
    errors: dict


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
            path = processing.group(1) or processing.group(2)
            if path.startswith(prefix):
                path = path[len(prefix):]
            current = messages.setdefault(os.path.normpath(path), [])
            last = None
            continue
        match = _MESSAGE.match(line)
        if match and current is not None:
            line_no, col = match.group(1), match.group(2)
            last = Message(int(line_no) if line_no else None,
                           int(col) if col else None,
                           match.group(3), match.group(4))
            current.append(last)
            continue
        if not line or set(line) <= set("-=") or line.startswith(" outputting to"):
            last = None
            continue
        if last is not None:
            last.text += "\n" + line
    return messages


def _file_error(rel, source, output, messages):
    """Why tf_upgrade_v2's result for one file cannot be used, or None."""
    for msg in messages:
        if msg.whole_file and msg.level == "ERROR":
            detail = [line for line in msg.text.splitlines()
                      if line.strip()]
            reason = detail[0]
            if len(detail) > 1 and detail[-1] != reason:
                reason += " " + detail[-1].strip()
            return "tf_upgrade_v2 could not convert it: " + reason
    if output is None:
        return "tf_upgrade_v2 wrote no output for it"
    if source.strip() and not output.strip():
        return "tf_upgrade_v2 wrote an empty output for it"
    return None


def _run_once(sources, options, timeout):
    """One tf_upgrade_v2 process over `sources`.

    Returns:
        ``(UpgradeResult, None)``, or ``(None, reason)`` when the process
        failed as a whole (it stops at the first file that raises).
    """
    workdir = tempfile.mkdtemp(prefix="contrib_norm_migrate_")
    try:
        # Files are named by their index: any user file name works (quotes,
        # spaces, non-ASCII), and the log is parsed without ambiguity.
        names = {rel: os.path.join("f%d" % i, "m.py")
                 for i, rel in enumerate(sources)}
        for rel, code in sources.items():
            path = os.path.join(workdir, "in", names[rel])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(code)
        argv = command() + ["--intree", "in", "--outtree", "out",
                            "--copyotherfiles", "",
                            "--reportfile", "report.txt"] + list(options)
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        env["PYTHONUTF8"] = "1"
        try:
            proc = subprocess.run(argv, cwd=workdir, env=env,
                                  capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return None, "tf_upgrade_v2 did not finish in %d s" % timeout
        except (OSError, subprocess.SubprocessError) as e:
            return None, "could not run %s: %s" % (" ".join(argv), e)
        report_path = os.path.join(workdir, "report.txt")
        if proc.returncode != 0 or not os.path.isfile(report_path):
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
            return None, "%s exited with status %d: %s" % (
                os.path.basename(argv[0]), proc.returncode, " | ".join(tail))
        with open(report_path, encoding="utf-8") as f:
            logged = parse_log(f.read(), "in")
        result = UpgradeResult({}, {}, {})
        for rel, name in names.items():
            path = os.path.join(workdir, "out", name)
            output = None
            if os.path.isfile(path):
                with open(path, encoding="utf-8", newline="") as f:
                    output = f.read()
            messages = logged.get(os.path.normpath(name), [])
            error = _file_error(rel, sources[rel], output, messages)
            if error:
                result.errors[rel] = error
            else:
                result.outputs[rel] = output
                result.messages[rel] = messages
        return result, None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(sources, options=(), timeout=TIMEOUT_S, plans=None):
    """Runs tf_upgrade_v2 on a set of sources, isolating files that break it.

    Files with a plan in ``plans`` are converted in pieces (:mod:`pieces`)
    and put together again; a piece that fails fails its whole file.

    One process converts the whole set. tf_upgrade_v2 stops at the first file
    that raises inside it (pasta's recursion, an unexpected node), so when
    the process fails the set is split in two and each half is run again,
    down to the single files that fail; every other file is still converted.

    Args:
        sources: Dict of relative path -> source text (``\n`` line endings).
        options: Extra tf_upgrade_v2 flags (``--no_import_rename``, ...).
        timeout: Seconds before one process is stopped.
        plans: Optional dict of relative path -> :class:`pieces.Plan`.

    Returns:
        An :class:`UpgradeResult`; every path is in `outputs` or `errors`.
    """
    plans = {rel: cuts for rel, cuts in (plans or {}).items() if cuts}
    expanded = {}
    for rel, code in sources.items():
        if rel in plans:
            for index, text in enumerate(pieces.split(code, plans[rel])):
                expanded[(rel, index)] = text
        else:
            expanded[rel] = code
    result = _run_isolating(expanded, options, timeout)
    for rel, cuts in plans.items():
        keys = [(rel, index) for index in range(len(cuts.starts) + 1)]
        errors = [result.errors.pop(key) for key in keys
                  if key in result.errors]
        outputs = [result.outputs.pop(key, None) for key in keys]
        logs = [result.messages.pop(key, []) for key in keys]
        if errors:
            result.errors[rel] = errors[0]
            continue
        try:
            result.outputs[rel], result.messages[rel] = pieces.join(
                cuts, outputs, logs)
        except ValueError as e:
            result.errors[rel] = str(e)
    return result


def _run_isolating(sources, options, timeout):
    """:func:`run` on files (or pieces) keyed by anything hashable."""
    result = UpgradeResult({}, {}, {})
    pending = [dict(sources)] if sources else []
    probed = False
    while pending:
        part = pending.pop()
        done, reason = _run_once(part, options, timeout)
        if done is not None:
            result.outputs.update(done.outputs)
            result.messages.update(done.messages)
            result.errors.update(done.errors)
            continue
        if not probed and len(part) > 1:
            # Does tf_upgrade_v2 run at all? If not, no split will help.
            probed = True
            if _run_once({"probe.py": "x = 1\n"}, options, timeout)[0] is None:
                reason = "tf_upgrade_v2 does not run (%s); --no-upgrade-v2 " \
                         "skips it" % reason
                for rest in pending + [part]:
                    result.errors.update(dict.fromkeys(rest, reason))
                break
        if len(part) == 1:
            rel, = part
            result.errors[rel] = reason
        else:
            items = list(part.items())
            half = len(items) // 2
            pending.extend([dict(items[half:]), dict(items[:half])])
    return result
