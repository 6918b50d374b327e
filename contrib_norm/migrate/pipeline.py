"""The three passes, chained over a set of sources, with line bookkeeping."""

import difflib

import libcst as cst

from contrib_norm.migrate import rewrite as rewrite_pass
from contrib_norm.migrate import spell_out as spell_out_pass
from contrib_norm.migrate import upgrade_v2
from contrib_norm.migrate.report import Change
from contrib_norm.migrate.report import FileResult
from contrib_norm.migrate.report import Issue
from contrib_norm.migrate.report import MANUAL
from contrib_norm.migrate.report import NOTE
from contrib_norm.migrate.report import UPGRADE_V2
from contrib_norm.migrate.report import compose
from contrib_norm.migrate.report import line_map
from contrib_norm.migrate.report import merge_changes


def _syntax_error(error, code=None):
    """Why `code` does not parse, as Python itself says it (with the line).

    LibCST's own message ("Syntax Error @ 3:1") names neither the problem nor,
    always, its line; `compile` does (e.g. "Missing parentheses in call to
    'print'" for Python 2 code), so its message is used when it has one.
    """
    if code is not None:
        try:
            compile(code, "<migrated file>", "exec", dont_inherit=True)
        except SyntaxError as e:
            where = " (line %d)" % e.lineno if e.lineno else ""
            return "cannot parse as Python%s: %s" % (where, e.msg)
        except (ValueError, RecursionError, MemoryError):
            pass
    lines = str(error).strip().splitlines()
    first = lines[0] if lines else repr(error)
    where = ""
    if getattr(error, "raw_line", None):
        where = " (line %d)" % error.raw_line
    return "cannot parse as Python%s: %s" % (where, first)


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
            if "Using member tf.contrib" in text:
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
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
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


def migrate_sources(sources, upgrade=True, display=None):
    """Migrates a set of Python sources.

    Args:
        sources: Dict of relative path -> source text.
        upgrade: Whether to run tf_upgrade_v2 (pass 2).
        display: Optional dict of relative path -> path shown in the report.

    Returns:
        A dict of relative path -> ``(new_source, FileResult)``, in the order
        of ``sources``. A file that cannot be parsed keeps its source and has
        ``FileResult.error`` set.
    """
    display = display or {}
    results = {}
    stage1 = {}
    for rel, code in sources.items():
        result = FileResult(path=display.get(rel, rel))
        results[rel] = (code, result)
        try:
            stage1[rel] = spell_out_pass.spell_out(code)
        except cst.ParserSyntaxError as e:
            result.error = _syntax_error(e, code)
        except RecursionError:
            result.error = "cannot parse as Python: nesting too deep"

    upgraded = None
    if upgrade and stage1:
        upgraded = upgrade_v2.run({rel: p.code for rel, p in stage1.items()})

    for rel, p1 in stage1.items():
        t0, result = results[rel]
        t1 = p1.code
        issues2, changes2 = [], []
        if upgraded is not None:
            if upgraded.error:
                issues2.append(Issue(None, "", "tf_upgrade_v2 did not run "
                                     "(%s); run it on the output yourself"
                                     % upgraded.error, MANUAL))
            elif rel not in upgraded.outputs:
                issues2.append(Issue(None, "", "tf_upgrade_v2 produced no "
                                     "output for this file; run it yourself",
                                     MANUAL))
            changes2, more = _from_upgrade_messages(
                upgraded.messages.get(rel, []))
            issues2.extend(more)
            if p1.tf_alias not in (None, "tf"):
                issues2.append(Issue(
                    None, "", "TensorFlow is imported as `%s`; tf_upgrade_v2 "
                    "only recognises the name `tf`, so its renames were not "
                    "applied to this file" % p1.tf_alias, NOTE))
        t2 = upgraded.outputs.get(rel, t1) if upgraded is not None else t1
        changes2.extend(_unlogged_changes(t1, t2, changes2))
        try:
            p3 = rewrite_pass.rewrite(t2)
        except cst.ParserSyntaxError as e:
            p3 = spell_out_pass.PassOutput(t2, [], [Issue(
                None, "", "pass 3 skipped, tf_upgrade_v2's output could not "
                "be parsed: " + _syntax_error(e, t2), MANUAL)])
        t3 = p3.code

        back1, back2 = line_map(t0, t1), line_map(t1, t2)
        fwd1, fwd2, fwd3 = line_map(t1, t0), line_map(t2, t1), line_map(t3, t2)
        identity = lambda line: line  # noqa: E731
        _place(p1.changes, identity, compose(fwd1, fwd2, fwd3))
        _place(changes2 + issues2, back1, compose(fwd2, fwd3))
        _place(p3.changes + p3.issues, compose(back2, back1), fwd3)

        changes = merge_changes(p1.changes + changes2 + p3.changes)
        out_lines = [line.strip() for line in t3.splitlines()]
        for change in changes:
            if change.line is None and change.out_line is None and change.new:
                if change.new in out_lines:
                    change.out_line = out_lines.index(change.new) + 1
        changes.sort(key=lambda c: (c.line is None, c.line or 0))
        issues = issues2 + p3.issues
        issues.sort(key=lambda i: (i.line is not None, i.line or 0))
        result.changes = changes
        result.issues = issues
        result.changed = t3 != t0
        results[rel] = (t3, result)
    return results
