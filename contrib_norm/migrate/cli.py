"""The ``contrib-norm-migrate`` command.

Converts TF1 programs that use tf.contrib normalization layers (and
``tf.layers.batch_normalization``) to run on today's TensorFlow with
contrib_norm, in three passes:

1. spell out tf.contrib imports and aliases (``slim.batch_norm`` ->
   ``tf.contrib.slim.batch_norm``);
2. run TensorFlow's own ``tf_upgrade_v2`` (skipped with ``--no-upgrade-v2``);
3. rewrite what tf_upgrade_v2 leaves broken to contrib_norm.

Exit status: 0 when everything was converted, 1 when manual work remains, 2
for bad arguments or a file that could not be parsed (it is copied
unchanged).
"""

import argparse
import io
import os
import shutil
import sys
import tokenize

from contrib_norm.migrate import pipeline
from contrib_norm.migrate import report

DEFAULT_REPORT = "report.txt"


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
               "  contrib-norm-migrate --intree src/ --inplace\n\n"
               "Exit status: 0 all converted, 1 manual work remains, "
               "2 bad arguments or unparsable file.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--infile", dest="input_file",
                        help="the file to convert")
    parser.add_argument("--outfile", dest="output_file",
                        help="where to write the converted file")
    parser.add_argument("--intree", dest="input_tree",
                        help="convert every .py file under this directory "
                             "(other files are copied)")
    parser.add_argument("--outtree", dest="output_tree",
                        help="the directory to write the converted tree to")
    parser.add_argument("--inplace", action="store_true",
                        help="overwrite the input file(s) with the result")
    parser.add_argument("--reportfile", dest="report_filename",
                        default=DEFAULT_REPORT,
                        help="where to write the report (default: %(default)s)")
    parser.add_argument("--no-upgrade-v2", dest="upgrade_v2",
                        action="store_false",
                        help="skip running TensorFlow's tf_upgrade_v2 (pass 2)")
    return parser


def _check_args(parser, args):
    if args.input_file and args.input_tree:
        parser.error("use either --infile or --intree, not both "
                     "(got --infile %r and --intree %r)"
                     % (args.input_file, args.input_tree))
    if not args.input_file and not args.input_tree:
        parser.error("one of --infile or --intree is required")
    if args.input_file:
        if args.output_tree:
            parser.error("--outtree %r goes with --intree, not --infile"
                         % args.output_tree)
        if args.inplace and args.output_file:
            parser.error("--inplace cannot be combined with --outfile %r"
                         % args.output_file)
        if not args.inplace and not args.output_file:
            parser.error("--infile %r needs --outfile or --inplace"
                         % args.input_file)
        if not os.path.isfile(args.input_file):
            parser.error("--infile %r: no such file" % args.input_file)
    else:
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
            src = os.path.realpath(args.input_tree)
            dst = os.path.realpath(args.output_tree)
            if dst == src or dst.startswith(src + os.sep):
                parser.error("--outtree %r must not be --intree %r or inside "
                             "it (use --inplace to overwrite)"
                             % (args.output_tree, args.input_tree))
            if os.path.exists(dst) and not os.path.isdir(dst):
                parser.error("--outtree %r exists and is not a directory"
                             % args.output_tree)


def _read(path):
    """Returns (text, encoding) or (None, reason)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, UnicodeDecodeError, LookupError) as e:
        return None, "cannot decode: %s" % e


def _write(path, text, encoding):
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode(encoding))


def _copy(src, dst):
    if os.path.abspath(src) == os.path.abspath(dst):
        return
    directory = os.path.dirname(dst)
    if directory:
        os.makedirs(directory, exist_ok=True)
    shutil.copy2(src, dst)


def _collect(args):
    """Lists (relative path, input path, output path) for every file."""
    if args.input_file:
        out = args.input_file if args.inplace else args.output_file
        return [(os.path.basename(args.input_file), args.input_file, out)], []
    files, others = [], []
    root = args.input_tree
    out_root = root if args.inplace else args.output_tree
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            src = os.path.join(dirpath, filename)
            rel = os.path.relpath(src, root)
            dst = os.path.join(out_root, rel)
            if filename.endswith(".py"):
                files.append((rel, src, dst))
            else:
                others.append((rel, src, dst))
    return files, others


def main(argv=None):
    """Runs the command.

    Args:
        argv: Arguments (without the program name); ``sys.argv[1:]`` if None.

    Returns:
        The exit status: 0 all converted, 1 manual work remains, 2 bad
        arguments or a file that could not be parsed.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        _check_args(parser, args)
    except SystemExit as e:
        return 2 if e.code not in (0, None) else 0
    try:
        return _run(args)
    except OSError as e:
        print("contrib-norm-migrate: error: %s" % e, file=sys.stderr)
        return 2


def _run(args):
    files, others = _collect(args)
    sources, display, encodings, unreadable = {}, {}, {}, []
    for rel, src, dst in files:
        text, encoding = _read(src)
        display[rel] = src
        if text is None:
            unreadable.append((rel, src, dst, encoding))
            continue
        sources[rel] = text
        encodings[rel] = encoding

    results = pipeline.migrate_sources(sources, upgrade=args.upgrade_v2,
                                       display=display)

    ordered = []
    outputs = {rel: dst for rel, _, dst in files}
    inputs = {rel: src for rel, src, _ in files}
    for rel, src, dst, reason in unreadable:
        result = report.FileResult(path=src, output=dst, error=reason)
        results[rel] = (None, result)
    for rel, _, _ in files:
        new_text, result = results[rel]
        result.output = outputs[rel]
        if result.error:
            _copy(inputs[rel], outputs[rel])
        elif not args.inplace or result.changed:
            _write(outputs[rel], new_text, encodings[rel])
        ordered.append(result)
    if not args.inplace:
        for _, src, dst in others:
            _copy(src, dst)

    header = []
    if args.input_file:
        header.append("Input file: %s" % args.input_file)
        header.append("Output file: %s" % (args.input_file if args.inplace
                                           else args.output_file))
    else:
        header.append("Input tree: %s" % args.input_tree)
        header.append("Output tree: %s" % (args.input_tree if args.inplace
                                           else args.output_tree))
        header.append("Other files copied: %d" % (0 if args.inplace
                                                  else len(others)))
    header.append("Passes: spell out tf.contrib imports; %s; rewrite to "
                  "contrib_norm" % ("tf_upgrade_v2" if args.upgrade_v2
                                    else "tf_upgrade_v2 skipped (--no-upgrade-v2)"))
    header.append("Line numbers are those of the input files; "
                  "\"output line\" gives the line in the converted file.")
    text = report.render(ordered, header)
    report_dir = os.path.dirname(args.report_filename)
    if report_dir:
        os.makedirs(report_dir, exist_ok=True)
    with open(args.report_filename, "w", encoding="utf-8") as f:
        f.write(text)

    status = report.exit_status(ordered)
    print("contrib-norm-migrate: " + report.summary_line(ordered))
    for result in ordered:
        if result.error:
            print("  %s: %s (copied unchanged)" % (result.path, result.error))
        for issue in result.manual:
            where = "%s:%s" % (result.path,
                               issue.line if issue.line is not None else "-")
            print("  %s: %s" % (where, issue.describe()))
    print("Report written to %s" % args.report_filename)
    return status


if __name__ == "__main__":
    sys.exit(main())
