"""The three passes over one file, with line bookkeeping, and over a set.

One file goes through two stages, around tf_upgrade_v2 (which runs once for a
whole set of files, see :mod:`upgrade_v2`):

* :func:`prepare`: checks that CPython parses the input, takes its line
  endings off, runs pass 1;
* :func:`finish`: runs pass 3 on tf_upgrade_v2's output, collects the changes
  and issues with input-file line numbers, checks that CPython parses the
  result, and puts the line endings back.

Each stage is a plain function of picklable values, so the command can run it
in a contained child process (:mod:`contain`). A stage that cannot convert a
file raises; the file's output is then its input, unchanged.
"""

import ast
import dataclasses
from typing import Optional

from contrib_norm.migrate import install_only as install_only_pass
from contrib_norm.migrate import line_endings
from contrib_norm.migrate import linediff
from contrib_norm.migrate import pieces as pieces_plan
from contrib_norm.migrate.contain import InProcess
from contrib_norm.migrate.contain import Unconvertible

from contrib_norm.migrate import rewrite as rewrite_pass
from contrib_norm.migrate import spell_out as spell_out_pass
from contrib_norm.migrate import upgrade_v2
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.report import FileResult
from contrib_norm.migrate.report import Issue
from contrib_norm.migrate.report import MANUAL
from contrib_norm.migrate.report import NOTE
from contrib_norm.migrate.report import UNLOGGED
from contrib_norm.migrate.report import UPGRADE_V2
from contrib_norm.migrate.report import compose
from contrib_norm.migrate.report import line_map
from contrib_norm.migrate.report import merge_changes


def check_parses(code, what):
    """Raises :class:`Unconvertible` unless CPython parses `code`.

    The running interpreter's own parser is the judge: pasta (and LibCST)
    accept code that CPython rejects (an unknown ``\\N{...}`` name, newer
    syntax, nesting beyond CPython's limits), and such a file is never
    converted.

    Args:
        code: Python source.
        what: How the failure is introduced, e.g. "cannot parse as Python".
    """
    try:
        ast.parse(code)
    except SyntaxError as e:
        where = " (line %d)" % e.lineno if e.lineno else ""
        raise Unconvertible("%s%s: %s" % (what, where, e.msg)) from None
    except (ValueError, RecursionError, MemoryError) as e:
        raise Unconvertible("%s: %s" % (
            what, "nested too deeply" if not isinstance(e, ValueError)
            else e)) from None


def _handled_by_rewrite(symbol):
    canon = "tensorflow" + symbol[len("tf"):]
    return canon in rewrite_pass.CONTRIB_NORM_MAP


def _from_upgrade_messages(messages):
    """Turns tf_upgrade_v2 log entries into Changes and Issues."""
    changes, issues = [], []
    for msg in messages:
        text = " ".join(msg.text.split())
        if msg.level == "INFO":
            renamed = msg.renamed
            if renamed:
                changes.append(Change(msg.line, renamed[0], renamed[1],
                                      UPGRADE_V2))
            else:
                changes.append(Change(msg.line, "", "", UPGRADE_V2, text=text))
        elif msg.level == "ERROR":
            # Contrib uses are re-scanned after pass 3; don't repeat them.
            # It names a parenthesized use with its parentheses:
            # "Using member (tf.contrib.x) in deprecated module tf.contrib".
            if "in deprecated module tf.contrib." in text:
                continue
            # Pass 3 renames tf.flags to tf.compat.v1.flags.
            if "in deprecated module tf.flags." in text:
                continue
            issues.append(Issue(msg.line, "", "tf_upgrade_v2 error: " + text,
                                MANUAL))
        else:
            symbols = msg.contrib_symbols
            if symbols and all(_handled_by_rewrite(s) for s in symbols):
                continue
            issues.append(Issue(msg.line, "", "tf_upgrade_v2 warning: " + text,
                                NOTE))
    return changes, issues


def _unlogged_changes(before, after, logged):
    """Lines tf_upgrade_v2 changed without logging them, as Changes.

    It rewrites `import tensorflow.compat.v1 as tf` to `import tensorflow as
    tf` (and the uses to `tf.compat.v1.<name>`) but logs only the uses; the
    report lists every change. Only lines replaced one for one are listed.
    """
    logged_lines = {c.line for c in logged}
    old, new = before.splitlines(), after.splitlines()
    found = []
    for tag, i1, i2, j1, j2 in linediff.opcodes(old, new):
        if tag != "replace" or i2 - i1 != j2 - j1:
            continue
        for offset in range(i2 - i1):
            line = i1 + offset + 1
            if line not in logged_lines:
                found.append(Change(line, old[i1 + offset].strip(),
                                    new[j1 + offset].strip(), UPGRADE_V2))
    return found


def _place(entries, to_input, to_output):
    for entry in entries:
        line = entry.line
        entry.line = to_input(line) if line is not None else None
        if entry.out_line is None and line is not None:
            entry.out_line = to_output(line)


@dataclasses.dataclass
class Prepared:
    """One file after :func:`prepare`.

    Attributes:
        text: The input with ``\\n`` line endings.
        endings: Each input line's own ending.
        spelled: Pass 1's output.
        pieces: Where tf_upgrade_v2 converts it in pieces (a large file),
            or None.
    """

    text: str
    endings: list
    spelled: spell_out_pass.PassOutput
    pieces: Optional[pieces_plan.Plan] = None


def prepare(code):
    """The stage before tf_upgrade_v2: input check and pass 1.

    Args:
        code: One file's source text.

    Returns:
        A :class:`Prepared`.

    Raises:
        Unconvertible: If CPython cannot parse the file.
    """
    text, endings = line_endings.split(code)
    check_parses(text, "cannot parse as Python")
    spelled = spell_out_pass.spell_out(text)
    return Prepared(text, endings, spelled, pieces_plan.plan(spelled.code))


def _upgrade_entries(prepared, messages, t1, t2):
    changes, issues = _from_upgrade_messages(messages)
    if prepared.spelled.tf_alias not in (None, "tf"):
        issues.append(Issue(
            None, "", "TensorFlow is imported as `%s`; tf_upgrade_v2 only "
            "recognises the name `tf`, so its renames were not applied to "
            "this file" % prepared.spelled.tf_alias, NOTE))
    changes.extend(_unlogged_changes(t1, t2, changes))
    return changes, issues


def _unreported_lines(t0, t3, changes):
    """Changes for the lines that differ but no pass reported (so that every
    added, changed or removed line is in the report)."""
    covered_out = {c.out_line for c in changes if c.out_line is not None}
    covered_in = {c.line for c in changes if c.line is not None}
    old, new = t0.splitlines(), t3.splitlines()
    found = []
    for tag, i, j in linediff.aligned(old, new):
        if tag == "equal":
            continue
        if j is not None and j + 1 not in covered_out:
            found.append(Change(None if i is None else i + 1,
                                "" if i is None else old[i].strip(),
                                new[j].strip(), UNLOGGED, out_line=j + 1))
        elif j is None and i + 1 not in covered_in:
            found.append(Change(i + 1, old[i].strip(), "", UNLOGGED))
    return [c for c in found if c.old != c.new]


def finish(prepared, upgraded=None, messages=()):
    """The stage after tf_upgrade_v2: pass 3, the report entries, the checks.

    Args:
        prepared: The file's :class:`Prepared`.
        upgraded: tf_upgrade_v2's output for it, or None if it was not run.
        messages: tf_upgrade_v2's log entries for it.

    Returns:
        ``(new_source, FileResult)``; the source has the input's line endings.

    Raises:
        Unconvertible: If pass 3 cannot parse tf_upgrade_v2's output, or
            CPython cannot parse the result.
    """
    t0, t1 = prepared.text, prepared.spelled.code
    t2 = t1 if upgraded is None else upgraded
    changes2, issues2 = ([], []) if upgraded is None else \
        _upgrade_entries(prepared, messages, t1, t2)
    check_parses(t2, "tf_upgrade_v2's output cannot be parsed")
    p3 = rewrite_pass.rewrite(t2)
    t3 = p3.code
    check_parses(t3, "the converted code does not parse")

    back1, back2, back3 = line_map(t0, t1), line_map(t1, t2), line_map(t2, t3)
    fwd1, fwd2, fwd3 = line_map(t1, t0), line_map(t2, t1), line_map(t3, t2)
    identity = lambda line: line  # noqa: E731
    p1 = prepared.spelled
    _place(p1.changes, identity, compose(fwd1, fwd2, fwd3))
    _place(changes2 + issues2, back1, compose(fwd2, fwd3))
    _place(p3.changes + p3.issues, compose(back2, back1), fwd3)

    changes = merge_changes(p1.changes + changes2 + p3.changes)
    out_lines = [line.strip() for line in t3.splitlines()]
    for change in changes:
        if change.line is None and change.out_line is None and change.new:
            if change.new in out_lines:
                change.out_line = out_lines.index(change.new) + 1
    changes.extend(_unreported_lines(t0, t3, changes))
    changes.sort(key=lambda c: (c.line is None, c.line or 0))
    issues = issues2 + p3.issues
    issues.sort(key=lambda i: (i.line is not None, i.line or 0))
    result = FileResult(path="", changes=changes, issues=issues,
                        changed=t3 != t0)
    origin = compose(back3, back2, back1)
    return line_endings.restore(t3, prepared.endings, origin), result


def _install_only_file(runner, code, path):
    outcome = runner.call(install_only, code)
    if outcome.error:
        return code, FileResult(path=path, error=stage_error(
            "--install-only", outcome))
    new_code, result = outcome.value
    result.path = path
    return new_code, result


def stage_error(stage, outcome):
    """The report's reason for a stage that failed on a file."""
    if outcome.expected:
        return outcome.error
    return "%s failed: %s" % (stage, outcome.error)


PASS1 = "pass 1 (spell out tf.contrib imports)"
PASS3 = "pass 3 (rewrite to contrib_norm)"


def install_only(code):
    """``--install-only`` on one file, with the same parse checks.

    Returns:
        ``(new_source, FileResult)``.
    """
    check_parses(line_endings.split(code)[0], "cannot parse as Python")
    new_code, result = install_only_pass.convert(code)
    check_parses(line_endings.split(new_code)[0],
                 "the converted code does not parse")
    return new_code, result


def migrate_sources(sources, upgrade=True, display=None, runner=None,
                    upgrade_options=(), install=False):
    """Migrates a set of Python sources.

    Args:
        sources: Dict of relative path -> source text.
        upgrade: Whether to run tf_upgrade_v2 (pass 2).
        display: Optional dict of relative path -> path shown in the report.
        runner: Where the parsing stages run: a :class:`contain.Contained`
            for untrusted files, :class:`contain.InProcess` (the default).
        upgrade_options: Extra tf_upgrade_v2 flags.
        install: Make only the ``--install-only`` change
            (:mod:`install_only`) instead of the three passes.

    Returns:
        A dict of relative path -> ``(new_source, FileResult)``, in the order
        of ``sources``. A file that could not be converted keeps its source,
        byte for byte, and has ``FileResult.error`` set.
    """
    display = display or {}
    runner = runner or InProcess()
    if install:
        return {rel: _install_only_file(runner, code, display.get(rel, rel))
                for rel, code in sources.items()}
    results, prepared = {}, {}
    for rel, code in sources.items():
        outcome = runner.call(prepare, code)
        if outcome.error:
            results[rel] = (code, FileResult(
                path=display.get(rel, rel), error=stage_error(PASS1, outcome)))
        else:
            results[rel] = None
            prepared[rel] = outcome.value
    upgraded = None
    if upgrade and prepared:
        upgraded = upgrade_v2.run(
            {rel: p.spelled.code for rel, p in prepared.items()},
            upgrade_options, plans={rel: p.pieces
                                    for rel, p in prepared.items()})
    for rel, prep in prepared.items():
        path = display.get(rel, rel)
        if upgraded is not None and rel in upgraded.errors:
            results[rel] = (sources[rel], FileResult(
                path=path, error=upgraded.errors[rel]))
            continue
        args = (prep,) if upgraded is None else (
            prep, upgraded.outputs[rel], upgraded.messages.get(rel, []))
        outcome = runner.call(finish, *args)
        if outcome.error:
            results[rel] = (sources[rel], FileResult(
                path=path, error=stage_error(PASS3, outcome)))
            continue
        new_source, result = outcome.value
        result.path = path
        results[rel] = (new_source, result)
    return results
