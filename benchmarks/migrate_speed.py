"""`python -m benchmarks.migrate_speed`: contrib-norm-migrate on large files.

Generates TF1 model files of the given sizes (repeated blocks in the style of
2017 code: tf.layers, tf.contrib.layers and slim calls, summaries, variable
scopes), then times, on each, in the same run and one after the other:

* the anchor: TensorFlow's ``tf_upgrade_v2`` alone;
* ``contrib-norm-migrate`` (all three passes, tf_upgrade_v2 included).

It reports the time ratio (ours / anchor) and each command's peak memory
(the largest resident set of the command and its children). The targets
are a ratio of at most 1.3 and at most 1 GiB for a 5 MB file. A run of ours
that reaches ``--timeout`` (the tool's per-file limit) leaves the file
unchanged, as the tool does for any file over its limit, and is reported as
not finished.

Usage::

    python -m benchmarks.migrate_speed                  # 1.5 MB and 5 MB
    python -m benchmarks.migrate_speed --sizes 0.1 0.3  # smaller, faster
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

BLOCK = '''

def block_{i}(x, is_training):
    """Block {i}: conv, contrib batch norm, a slim conv, a summary."""
    with tf.variable_scope("block_{i}"):
        h = tf.layers.conv2d(x, 16, 3, padding="same", name="conv_{i}")
        h = tf.contrib.layers.batch_norm(h, is_training=is_training,
                                         scope="bn_{i}")
        h = tf.nn.relu(h)
        h = slim.conv2d(h, 16, [3, 3], normalizer_fn=slim.batch_norm,
                        scope="sconv_{i}")
        w = tf.get_variable("w_{i}", [16, 16],
                            initializer=tf.contrib.layers.xavier_initializer())
        tf.summary.histogram("w_{i}", w)
        h = tf.layers.batch_normalization(h, training=is_training,
                                          name="bnl_{i}")
        loss = tf.reduce_mean(tf.square(h))
        return h, loss + tf.contrib.layers.l2_regularizer(1e-4)(w)
'''

HEADER = "import tensorflow as tf\nimport tensorflow.contrib.slim as slim\n"


def generate(size_bytes):
    """A TF1 source of about `size_bytes` bytes."""
    parts, total, i = [HEADER], len(HEADER), 0
    while total < size_bytes:
        block = BLOCK.format(i=i)
        parts.append(block)
        total += len(block)
        i += 1
    return "".join(parts)


def _measure(argv, timeout):
    """Runs a command; returns (seconds, peak RSS in MiB of its children,
    exit status or None on timeout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True,
                              timeout=timeout, check=False)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        status = None
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss is the largest child so far: a smaller later child does not
    # show, so each command runs in a fresh measuring process (see main).
    return seconds, max(peak, before) / 1024.0, status


def _one(kind, size_mb, timeout):
    """Measures one command on one generated file, in this process."""
    from contrib_norm.migrate import upgrade_v2  # noqa: WPS433
    work = tempfile.mkdtemp(prefix="migrate_speed_")
    infile = os.path.join(work, "model.py")
    with open(infile, "w", encoding="utf-8") as f:
        f.write(generate(int(size_mb * 1e6)))
    outfile = os.path.join(work, "out.py")
    report = os.path.join(work, "report.txt")
    if kind == "tf_upgrade_v2":
        argv = upgrade_v2.command()
    else:
        argv = [sys.executable, "-m", "contrib_norm.migrate",
                "--timeout", str(timeout)]
    argv += ["--infile", infile, "--outfile", outfile, "--reportfile", report]
    seconds, peak, status = _measure(argv, timeout + 120)
    print(json.dumps({"kind": kind, "bytes": os.path.getsize(infile),
                      "seconds": seconds, "peak_mib": peak, "status": status}))


def _summary(size, row, timeout):
    """One line per file size. An anchor that did not finish in `timeout`
    bounds the ratio from above (its time is at least the timeout)."""
    anchor, ours = row["tf_upgrade_v2"], row["contrib-norm-migrate"]
    row["ratio"] = None
    ratio = "-"
    if ours["status"] is not None:
        row["ratio"] = ours["seconds"] / anchor["seconds"]
        ratio = ("%.2f" if anchor["status"] is not None else "< %.2f") % (
            row["ratio"])
        row["anchor_finished"] = anchor["status"] is not None

    def took(entry):
        if entry["status"] is None:
            return "not finished in %g s" % timeout
        return "%.1f s" % entry["seconds"]

    return ("%.2f MB: tf_upgrade_v2 %s (%.0f MiB); contrib-norm-migrate %s "
            "(%.0f MiB); ratio %s (target <= 1.3)" % (
                size, took(anchor), anchor["peak_mib"], took(ours),
                ours["peak_mib"], ratio))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.5, 5.0],
                        help="file sizes in MB (default: 1.5 5)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="per-file limit for each command, seconds")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--_one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._one:
        _one(args._one[0], float(args._one[1]), args.timeout)
        return
    rows = []
    for size in args.sizes:
        row = {"size_mb": size}
        for kind in ("tf_upgrade_v2", "contrib-norm-migrate"):
            # A fresh process per measurement, so that its children's peak
            # memory is its own.
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.migrate_speed", "--_one",
                 kind, str(size), "--timeout", str(args.timeout)],
                capture_output=True, text=True, check=True)
            row[kind] = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(_summary(size, row, args.timeout), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
