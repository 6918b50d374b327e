"""The ``contrib-norm-migrate`` command.

Converts TF1 programs that use tf.contrib normalization layers (and
``tf.layers.batch_normalization``) to run on today's TensorFlow with
contrib_norm, in three passes:

1. spell out tf.contrib imports and aliases (``slim.batch_norm`` ->
   ``tf.contrib.slim.batch_norm``);
2. run TensorFlow's own ``tf_upgrade_v2`` (skipped with ``--no-upgrade-v2``);
3. rewrite what tf_upgrade_v2 leaves broken to contrib_norm.

It never loses or corrupts a file: every output is checked with CPython's
parser before it is written, writes are atomic, and a file that any pass
cannot convert is left as it was (copied unchanged to an output tree), named
in the report with the reason. See :data:`EXIT_STATUS`.
"""

import argparse
import os
import sys

import contrib_norm
from contrib_norm.migrate import contain
from contrib_norm.migrate import files
from contrib_norm.migrate import inputs
from contrib_norm.migrate import notebook
from contrib_norm.migrate import pipeline
from contrib_norm.migrate import report

DEFAULT_REPORT = "report.txt"
DEFAULT_TIMEOUT_S = 1800
EXIT_STATUS = ("Exit status:\n"
               "  0  every file was converted\n"
               "  1  converted, but manual work remains (listed in the report)\n"
               "  2  a usage error (nothing was written), or some file could "
               "not be\n"
               "     converted (it was left unchanged, or copied unchanged to "
               "the\n"
               "     output tree, and is named in the report with the reason)")


def build_parser():
    """Builds the argument parser.

    Returns:
        An ``argparse.ArgumentParser``.
    """
    parser = argparse.ArgumentParser(
        prog="contrib-norm-migrate",
        description="Convert a TF1 program using tf.contrib normalization "
                    "layers to TensorFlow 2 + contrib_norm (tf.compat.v1 "
                    "graph mode).",
        epilog="Simple usage:\n"
               "  contrib-norm-migrate --infile foo.py --outfile foo_v2.py\n"
               "  contrib-norm-migrate --intree old/ --outtree new/\n"
               "  contrib-norm-migrate --intree src/ --inplace\n"
               "  contrib-norm-migrate --infile nb.ipynb --outfile nb_v2.ipynb"
               "\n\n" + EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--infile", dest="input_file",
                        help="the file to convert")
    parser.add_argument("--outfile", dest="output_file",
                        help="where to write the converted file")
    parser.add_argument("--intree", dest="input_tree",
                        help="convert every .py and .ipynb file under this "
                             "directory (other files are copied; symbolic "
                             "links are skipped and listed)")
    parser.add_argument("--outtree", dest="output_tree",
                        help="the directory to write the converted tree to; "
                             "it must not exist yet")
    parser.add_argument("--existing-outtree", action="store_true",
                        help="allow an --outtree that already exists; every "
                             "file there that is replaced is named in the "
                             "report and on the terminal")
    parser.add_argument("--copyotherfiles", dest="copy_other_files",
                        type=_boolean, default=True, metavar="BOOL",
                        help="in tree mode, whether to copy the files that "
                             "are not converted (default: True)")
    parser.add_argument("--inplace", action="store_true",
                        help="overwrite the input file(s) with the result")
    parser.add_argument("--reportfile", dest="report_filename",
                        default=DEFAULT_REPORT,
                        help="where to write the report (default: %(default)s)")
    parser.add_argument("--print_all", action="store_true",
                        help="print the whole report to stdout, not only the "
                             "summary, errors and manual work")
    parser.add_argument("--no_import_rename", action="store_true",
                        help="passed to tf_upgrade_v2: do not rename imports "
                             "to compat.v2 explicitly")
    parser.add_argument("--no_upgrade_compat_v1_import", action="store_true",
                        help="passed to tf_upgrade_v2: do not upgrade "
                             "`import tensorflow.compat.v1 as tf` to the v2 "
                             "API")
    parser.add_argument("--install-only", action="store_true",
                        help="make only the change the contrib_norm.install() "
                             "route needs: `import tensorflow as tf` becomes "
                             "`import tensorflow.compat.v1 as tf` followed by "
                             "`import contrib_norm`, `contrib_norm.install()` "
                             "and `tf.disable_v2_behavior()`; nothing else "
                             "(no tf_upgrade_v2, no rewriting)")
    parser.add_argument("--no-upgrade-v2", dest="upgrade_v2",
                        action="store_false",
                        help="skip running TensorFlow's tf_upgrade_v2 (pass 2)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                        metavar="SECONDS",
                        help="time limit for each file's parsing passes "
                             "(default: %(default)g); a file over it is left "
                             "unchanged and reported")
    parser.add_argument("--version", action="version",
                        version="%(prog)s " + contrib_norm.__version__)
    return parser



def _boolean(text):
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise argparse.ArgumentTypeError("expected True or False, got %r" % text)


def _check_args(parser, args):
    """Refuses what would write over something the user did not ask to touch.

    Every refusal happens before anything is written, and exits 2.
    """
    if args.input_file and args.input_tree:
        parser.error("use either --infile or --intree, not both "
                     "(got --infile %r and --intree %r)"
                     % (args.input_file, args.input_tree))
    if not args.input_file and not args.input_tree:
        parser.error("one of --infile or --intree is required")
    if args.timeout is not None and not args.timeout > 0:
        parser.error("--timeout must be a positive number of seconds, got %r"
                     % args.timeout)
    if args.input_file:
        _check_file_args(parser, args)
    else:
        _check_tree_args(parser, args)


def _check_file_args(parser, args):
    if args.output_tree:
        parser.error("--outtree %r goes with --intree, not --infile"
                     % args.output_tree)
    if not os.path.isfile(args.input_file):
        parser.error("--infile %r: no such file" % args.input_file)
    if args.output_file and os.path.exists(args.output_file) and \
            os.path.samefile(args.output_file, args.input_file):
        args.inplace, args.output_file = True, None  # the same file
    if args.inplace and args.output_file:
        parser.error("--inplace cannot be combined with --outfile %r"
                     % args.output_file)
    if not args.inplace and not args.output_file:
        parser.error("--infile %r needs --outfile or --inplace"
                     % args.input_file)
    if args.inplace and os.path.islink(args.input_file):
        parser.error("--infile %r is a symbolic link to %r: --inplace would "
                     "replace the link; name the file it points to"
                     % (args.input_file, os.readlink(args.input_file)))
    if args.output_file and os.path.isdir(args.output_file):
        parser.error("--outfile %r is a directory" % args.output_file)
    if inputs.kind_of(args.input_file) == inputs.OTHER:
        parser.error("--infile %r: only .py and .ipynb files are converted"
                     % args.input_file)


def _check_tree_args(parser, args):
    if args.output_file:
        parser.error("--outfile %r goes with --infile, not --intree"
                     % args.output_file)
    if args.inplace and args.output_tree:
        parser.error("--inplace cannot be combined with --outtree %r"
                     % args.output_tree)
    if not args.inplace and not args.output_tree:
        parser.error("--intree %r needs --outtree or --inplace"
                     % args.input_tree)
    if not os.path.isdir(args.input_tree):
        parser.error("--intree %r: no such directory" % args.input_tree)
    if args.output_tree:
        if inputs.is_within(args.output_tree, args.input_tree):
            parser.error("--outtree %r must not be --intree %r or inside it "
                         "(use --inplace to convert the tree in place)"
                         % (args.output_tree, args.input_tree))
        if inputs.is_within(args.input_tree, args.output_tree):
            parser.error("--intree %r is inside --outtree %r: the output "
                         "would overwrite the input"
                         % (args.input_tree, args.output_tree))
        if os.path.lexists(args.output_tree):
            if not os.path.isdir(args.output_tree):
                parser.error("--outtree %r exists and is not a directory"
                             % args.output_tree)
            if not args.existing_outtree:
                parser.error("--outtree %r already exists; choose a new "
                             "directory, or pass --existing-outtree to write "
                             "into it (replaced files are listed)"
                             % args.output_tree)


def _plan(args):
    """The jobs, the skipped paths, and every path the run reads or writes."""
    if args.input_file:
        out = args.input_file if args.inplace else args.output_file
        jobs = [inputs.Job(os.path.basename(args.input_file), args.input_file,
                           out, inputs.kind_of(args.input_file))]
        skipped = []
    else:
        out_root = args.input_tree if args.inplace else args.output_tree
        jobs, skipped = inputs.walk(args.input_tree, out_root)
        if args.inplace or not args.copy_other_files:
            jobs = [j for j in jobs if j.kind != inputs.OTHER]
    return jobs, skipped


def _check_report_path(parser, args, jobs):
    report_path = os.path.realpath(args.report_filename)
    if os.path.isdir(report_path):
        parser.error("--reportfile %r is a directory" % args.report_filename)
    for job in jobs:
        for role, path in (("an input", job.src), ("an output", job.dst)):
            if os.path.realpath(path) == report_path:
                parser.error("--reportfile %r is %s file of this run (%r)"
                             % (args.report_filename, role, path))


def main(argv=None):
    """Runs the command.

    Args:
        argv: Arguments (without the program name); ``sys.argv[1:]`` if None.

    Returns:
        The exit status (see :data:`EXIT_STATUS`).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        _check_args(parser, args)
        jobs, skipped = _plan(args)
        _check_report_path(parser, args, jobs)
    except SystemExit as e:
        return 2 if e.code not in (0, None) else 0
    with contain.Contained(timeout=args.timeout) as runner:
        return _run(args, jobs, skipped, runner)


class _Source:
    """One Python or notebook job's input, read and decoded."""

    def __init__(self, job):
        self.job = job
        self.data = None      # the input's bytes, when they could be read
        self.encoding = None
        self.code = None      # the Python code the passes see
        self.extracted = None  # for a notebook: notebook.Extracted
        self.error = None
        try:
            self.data = files.read_bytes(job.src)
            if job.kind == inputs.NOTEBOOK:
                self.encoding = "utf-8"
                text = self.data.decode("utf-8")
                self.extracted = notebook.extract(text)
                self.code = self.extracted.code
            else:
                self.code, self.encoding = files.decode(self.data)
        except UnicodeDecodeError as e:
            self.error = "cannot decode: %s" % e
        except (files.FileError, contain.Unconvertible) as e:
            self.error = str(e)

    def output(self, new_code):
        """The output bytes for converted code (raises on failure)."""
        if new_code == self.code:
            return self.data
        if self.extracted is None:
            return files.encode(new_code, self.encoding)
        new = notebook.insert(self.extracted, new_code)
        text = notebook.dumps(new, self.data.decode("utf-8"))
        return files.encode(text, self.encoding)


def _convert(args, sources, runner):
    """Runs the passes over every decoded source; returns FileResults and
    output bytes by relative path."""
    codes = {rel: s.code for rel, s in sources.items() if s.error is None}
    options = [flag for flag, on in (
        ("--no_import_rename", args.no_import_rename),
        ("--no_upgrade_compat_v1_import", args.no_upgrade_compat_v1_import))
        if on]
    converted = pipeline.migrate_sources(
        codes, upgrade=args.upgrade_v2,
        display={rel: s.job.src for rel, s in sources.items()},
        runner=runner, upgrade_options=options, install=args.install_only)
    results, outputs = {}, {}
    for rel, source in sources.items():
        if source.error is not None:
            results[rel] = report.FileResult(path=source.job.src,
                                             error=source.error)
            continue
        new_code, result = converted[rel]
        if source.extracted is not None:
            result.labels = source.extracted.labels
        if result.error is None:
            try:
                outputs[rel] = source.output(new_code)
            except (files.FileError, contain.Unconvertible) as e:
                result.error = str(e)
        results[rel] = result
    return results, outputs


def _run(args, jobs, skipped, runner):
    sources = {j.rel: _Source(j) for j in jobs if j.kind != inputs.OTHER}
    results, outputs = _convert(args, sources, runner)
    overwritten = []
    ordered = []
    for job in jobs:
        result = results.get(job.rel)
        if result is None:  # another file: copied
            result = report.FileResult(path=job.src, copied=True)
        result.output = job.dst
        if not args.inplace and os.path.lexists(job.dst):
            overwritten.append(job.dst)
        try:
            if job.rel in outputs:
                if not (args.inplace and outputs[job.rel] == sources[job.rel].data):
                    files.write_atomic(job.dst, outputs[job.rel],
                                       files.file_mode(job.src))
            elif not args.inplace:
                files.copy_atomic(job.src, job.dst)
        except files.FileError as e:
            result.error = "%s; and it could not be copied: %s" % (
                result.error, e) if result.error else str(e)
            result.changed = False
        ordered.append(result)

    header = _header(args, jobs)
    text = report.render(ordered, header, skipped=skipped,
                         overwritten=overwritten)
    status = report.exit_status(ordered)
    try:
        files.write_atomic(args.report_filename, text.encode("utf-8"))
        written = "Report written to %s" % args.report_filename
    except files.FileError as e:
        status = 2
        written = "contrib-norm-migrate: the report could not be written " \
                  "(%s); it follows:\n%s" % (e, text)
    lines = ["contrib-norm-migrate: " + report.summary_line(ordered)]
    if args.print_all:
        lines.append(text)
    else:
        lines.extend("  " + line for line in
                     report.terminal_lines(ordered, skipped, overwritten))
    lines.append(written)
    _tell(lines)
    return status


def _tell(lines):
    """Prints the summary. A reader that stops early (``| head``) costs the
    rest of the summary only: the files and the report are written already,
    and the exit status stays theirs."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the pipe again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _header(args, jobs):
    header = []
    if args.input_file:
        header.append("Input file: %s" % args.input_file)
        header.append("Output file: %s" % (args.input_file if args.inplace
                                           else args.output_file))
    else:
        header.append("Input tree: %s" % args.input_tree)
        header.append("Output tree: %s" % (args.input_tree if args.inplace
                                           else args.output_tree))
        header.append("Other files copied: %d" % sum(
            1 for j in jobs if j.kind == inputs.OTHER))
    if args.install_only:
        header.append("Passes: --install-only (the import of TensorFlow as "
                      "tensorflow.compat.v1, and contrib_norm.install())")
    else:
        header.append("Passes: spell out tf.contrib imports; %s; rewrite to "
                      "contrib_norm" % (
                          "tf_upgrade_v2" if args.upgrade_v2
                          else "tf_upgrade_v2 skipped (--no-upgrade-v2)"))
    header.append("Line numbers are those of the input files; "
                  "\"output line\" gives the line in the converted file.")
    return header


if __name__ == "__main__":
    sys.exit(main())
