"""Running the parsers where a bad file cannot take the command down.

A parser can overflow its stack on deeply nested code and end the process
with SIGSEGV (LibCST's and pasta's do; CPython's has limits of its own); a
pathological file can exhaust the recursion limit or memory, or make a pass
hang. The command therefore runs every pass that
parses a user's file through a :class:`Contained` runner: one long-lived child
Python process that serves calls one at a time. When a call raises, the
outcome says so; when the child dies (a signal, out of memory) or a call
outlasts its time limit, that call's outcome says why and the next call gets
a fresh child. The files before and after the bad one are unaffected.

:class:`InProcess` has the same interface without a child, for library use
and tests of the passes themselves.

The child runs :func:`serve`; requests and replies are pickled,
length-prefixed, on its stdin and stdout.
"""

import dataclasses
import importlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import traceback

_HEADER = struct.Struct("!Q")
# How long a child may take to start and import what a call needs; this is
# not part of a call's own time limit (a loaded machine starts slowly).
_START_LIMIT_S = 300
# The child runs each call on a thread with a large stack and a high
# recursion limit, so that deeply nested (but valid) code is still converted.
_CHILD_STACK_BYTES = 512 * 1024 * 1024
_CHILD_RECURSION_LIMIT = 30000


class Unconvertible(Exception):
    """A file cannot be converted; the message says why, completely."""


@dataclasses.dataclass
class Outcome:
    """The result of one call.

    Attributes:
        value: What the function returned (when `error` is None).
        error: Why there is no value: the exception, the signal the child died
            of, or the time limit.
        expected: Whether `error` is an :class:`Unconvertible`'s message (a
            complete sentence), rather than something that went wrong.
    """

    value: object = None
    error: str = None
    expected: bool = False


def describe_exception(error):
    """``Type: message`` for an exception, on one line."""
    text = " ".join(str(error).split())
    if isinstance(error, Unconvertible):
        return text
    name = type(error).__name__
    if isinstance(error, RecursionError):
        return "%s: the code is nested too deeply to convert" % name
    if isinstance(error, MemoryError):
        return "%s: out of memory" % name
    return "%s: %s" % (name, text) if text else name


class InProcess:
    """Calls functions in this process, turning exceptions into outcomes."""

    def call(self, func, *args):
        try:
            return Outcome(func(*args))
        except Exception as e:  # pylint: disable=broad-except
            return Outcome(error=describe_exception(e),
                           expected=isinstance(e, Unconvertible))

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _signal_name(code):
    try:
        return signal.Signals(-code).name
    except ValueError:
        return "signal %d" % -code


class Contained:
    """Calls functions in a child Python process (see the module docstring).

    Args:
        timeout: Seconds one call may take before its child is stopped; None
            for no limit.
    """

    def __init__(self, timeout=None):
        self.timeout = timeout
        self._proc = None

    def _start(self):
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH")) if p)
        self._proc = subprocess.Popen(
            [sys.executable, "-c",
             "from contrib_norm.migrate import contain; contain.serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def _stop(self):
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if proc.poll() is None:
            proc.kill()
        proc.wait()

    def _read(self, size, limit):
        data = b""
        stdout = self._proc.stdout
        while len(data) < size:
            if limit is not None and os.name == "posix":
                ready, _, _ = select.select([stdout], [], [], limit)
                if not ready:
                    raise TimeoutError
            chunk = os.read(stdout.fileno(), size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def call(self, func, *args):
        """Calls ``func(*args)`` in the child.

        Args:
            func: A module-level function (it is looked up by name there).
            *args: Picklable arguments.

        Returns:
            An :class:`Outcome`.
        """
        if self._proc is None or self._proc.poll() is not None:
            self._stop()
            self._start()
        request = pickle.dumps((func.__module__, func.__qualname__, args),
                               protocol=pickle.HIGHEST_PROTOCOL)
        started = True
        try:
            self._proc.stdin.write(_HEADER.pack(len(request)) + request)
            self._proc.stdin.flush()
            # The child says when the call starts: its own start-up and
            # imports do not count against the time limit of the call.
            self._read(_HEADER.size, _START_LIMIT_S)
            started = False
            size, = _HEADER.unpack(self._read(_HEADER.size, self.timeout))
            kind, payload = pickle.loads(self._read(size, self.timeout))
        except TimeoutError:
            self._stop()
            if started:
                return Outcome(error="the parser process did not start in "
                                     "%d s" % _START_LIMIT_S)
            return Outcome(error="stopped after %g s (time limit per file; "
                                 "see --timeout)" % self.timeout)
        except (EOFError, OSError, pickle.UnpicklingError):
            proc = self._proc
            code = proc.wait() if proc is not None else None
            self._stop()
            if code is not None and code < 0:
                why = "killed by %s" % _signal_name(code)
                if code == -signal.SIGKILL:
                    why += " (out of memory?)"
            else:
                why = "exited with status %s" % code
            return Outcome(error="the parser process crashed: %s" % why)
        if kind == "ok":
            return Outcome(payload)
        return Outcome(error=payload, expected=kind == "expected")

    def close(self):
        self._stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _call_on_big_stack(func, args):
    box = {}

    def target():
        try:
            box["value"] = ("ok", func(*args))
        except BaseException as e:  # pylint: disable=broad-except
            box["value"] = ("expected" if isinstance(e, Unconvertible)
                            else "error", describe_exception(e))
            if os.environ.get("CONTRIB_NORM_MIGRATE_DEBUG"):
                traceback.print_exc()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return box["value"]


def serve():
    """The child's loop: one request in, one reply out, until stdin closes."""
    requests = sys.stdin.buffer
    replies = sys.stdout.buffer
    sys.stdout = sys.stderr  # keep stray prints out of the reply stream
    threading.stack_size(_CHILD_STACK_BYTES)
    sys.setrecursionlimit(_CHILD_RECURSION_LIMIT)
    while True:
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        size, = _HEADER.unpack(header)
        module, qualname, args = pickle.loads(requests.read(size))
        func = importlib.import_module(module)
        for part in qualname.split("."):
            func = getattr(func, part)
        replies.write(_HEADER.pack(0))  # the call starts now
        replies.flush()
        reply = _call_on_big_stack(func, args)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # pylint: disable=broad-except
            data = pickle.dumps(("error", describe_exception(e)))
        replies.write(_HEADER.pack(len(data)) + data)
        replies.flush()

