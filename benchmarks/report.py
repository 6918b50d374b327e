"""The printed tables, benchmarks/results.json, and Markdown for README.md.

`python -m benchmarks.report [results.json]` prints the Markdown tables.
"""

import json
import os
import sys

DEFAULT_OUTPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "results.json"
)


def _verdict(ok):
    return {True: "ok", False: "MISSED", None: "info"}[ok]


def ratio_verdict(row):
    """'ok' or 'MISSED' by the median; '~' where the IQR straddles the target.

    'ok~': the median meets the target but the upper quartile does not;
    'MISSED~': the median misses it but the lower quartile meets it (within
    the noise: compare with the A/A row); 'MISSED, floor': the floor timed
    in the same rounds (`x * gamma + beta` alone) misses it too, so no
    formulation could meet it on that input.
    """
    target = row["target"]
    if target is None:
        return "info"
    if row["ratio"] <= target:
        return "ok~" if row["q75"] > target else "ok"
    if "floor" in row and row["floor"]["ratio"] > target:
        return "MISSED, floor"
    return "MISSED~" if row["q25"] <= target else "MISSED"


def floor_text(row):
    """The floor's ratio to the anchor as a table cell ('' without one)."""
    return f"{row['floor']['ratio']:.3f}" if "floor" in row else ""


def _table(header, rows):
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def comparisons_table(rows):
    """The time-ratio table of `comparisons.run`'s rows."""
    header = [
        "shape", "contrib_norm", "anchor", "mode", "ms", "anchor ms",
        "ratio", "IQR", "min-max", "target", "", "floor", "ops", "full-size",
    ]
    body = []
    for r in rows:
        ours, anchor = r["profile"]["ours"], r["profile"]["anchor"]
        body.append(
            [
                r["shape_key"] + ("/NCHW" if r["data_format"] == "NCHW" else ""),
                r["ours"],
                r["anchor"],
                r["mode"],
                f"{r['ms']:.2f}",
                f"{r['anchor_ms']:.2f}",
                f"{r['ratio']:.3f}",
                f"{r['q25']:.2f}-{r['q75']:.2f}",
                f"{r['min']:.2f}-{r['max']:.2f}",
                "" if r["target"] is None else f"<= {r['target']}",
                ratio_verdict(r),
                floor_text(r),
                f"{ours['ops']}/{anchor['ops']}",
                f"{ours['full_size']}/{anchor['full_size']}",
            ]
        )
    return _table(header, body)


def construction_table(rows):
    """The table of `construction.run`'s rows."""
    return _table(
        ["layer", "build ms", "gradients ms"],
        [
            [r["layer"], f"{r['build_ms']:.1f}", f"{r['gradients_ms']:.1f}"]
            for r in rows
        ],
    )


def memory_table(rows, target):
    """The table of `memory.run`'s rows, with verdicts against `target`."""
    header = [
        "layer", "peak MiB", "min-max", "anchor peak MiB", "ratio", "target", "",
        "net MiB", "anchor net MiB", "net ratio",
    ]
    body = [
        [
            r["layer"],
            f"{r['peak_mb']:.0f}",
            "{:.0f}-{:.0f}".format(*r["peak_range_mb"]),
            f"{r['anchor_peak_mb']:.0f}",
            f"{r['ratio']:.3f}",
            f"<= {target}",
            _verdict(r["ratio"] <= target),
            f"{r['net_peak_mb']:.0f}",
            f"{r['anchor_net_peak_mb']:.0f}",
            f"{r['net_ratio']:.2f}",
        ]
        for r in rows
    ]
    note = (
        "medians over the children of each layer; "
        "net: peak minus the RSS after the imports"
    )
    return _table(header, body) + "\n" + note


def scaling_table(rows):
    """The table of `scaling.run`'s rows (empty text for none)."""
    if not rows:
        return ""
    batches = rows[0]["batches"]
    reference = rows[0]["layer"]
    header = ["layer"] + [f"ms N={b}" for b in batches]
    header += [f"per-sample N={b}" for b in batches[1:]] + ["slope"]
    header += [f"vs ref N={b}" for b in batches]
    body = [
        [r["layer"]]
        + [f"{m:.1f}" for m in r["ms"]]
        + [f"{p:.2f}" for p in r["per_sample_vs_smallest"][1:]]
        + [f"{r['slope']:.2f}"]
        + [f"{v:.2f}" for v in r["vs_reference"]]
        for r in rows
    ]
    note = (
        f"per-sample: time per sample relative to N={batches[0]}; slope: of "
        f"log(time) on log(N); vs ref: ratio to {reference} at the same N"
    )
    return _table(header, body) + "\n" + note


def write_json(results, path):
    """Writes `results` to `path` as indented JSON, creating its folder."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=1, sort_keys=False)
        out.write("\n")


def _markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(results):
    """The results as Markdown tables (for README.md)."""
    parts = []
    for shape_key in results["settings"]["shapes"]:
        rows = [r for r in results["comparisons"] if r["shape_key"] == shape_key]
        if not rows:
            continue
        parts.append(f"#### {shape_key} {tuple(rows[0]['shape'])}\n")
        parts.append(
            _markdown(
                ["contrib_norm", "anchor", "mode", "ms", "anchor ms", "ratio",
                 "IQR", "target", "", "floor", "ops", "full-size"],
                [
                    [
                        f"`{r['ours']}`"
                        + (" NCHW" if r["data_format"] == "NCHW" else ""),
                        r["anchor"],
                        r["mode"],
                        f"{r['ms']:.2f}",
                        f"{r['anchor_ms']:.2f}",
                        f"**{r['ratio']:.3f}**",
                        f"{r['q25']:.2f}–{r['q75']:.2f}",
                        "" if r["target"] is None else f"≤ {r['target']}",
                        r["verdict"],
                        floor_text(r),
                        f"{r['profile']['ours']['ops']}/"
                        f"{r['profile']['anchor']['ops']}",
                        f"{r['profile']['ours']['full_size']}/"
                        f"{r['profile']['anchor']['full_size']}",
                    ]
                    for r in rows
                ],
            )
            + "\n"
        )
    parts += _markdown_sections(results)
    return "\n".join(parts)


def _markdown_sections(results):
    parts = []
    if results.get("construction"):
        parts.append("#### Graph construction (ms, median)\n")
        parts.append(
            _markdown(
                ["layer", "build", "gradients"],
                [
                    [
                        f"`{r['layer']}`",
                        f"{r['build_ms']:.1f}",
                        f"{r['gradients_ms']:.1f}",
                    ]
                    for r in results["construction"]
                ],
            )
            + "\n"
        )
    memory = results.get("memory", {})
    if memory.get("rows"):
        parts.append(
            f"#### Peak process memory, training step (target ≤ {memory['target']})\n"
        )
        parts.append(
            _markdown(
                ["layer", "peak MiB", "raw fused MiB", "ratio", "net MiB",
                 "raw fused net MiB"],
                [
                    [
                        f"`{r['layer']}`",
                        f"{r['peak_mb']:.0f}",
                        f"{r['anchor_peak_mb']:.0f}",
                        f"**{r['ratio']:.3f}**",
                        f"{r['net_peak_mb']:.0f}",
                        f"{r['anchor_net_peak_mb']:.0f}",
                    ]
                    for r in memory["rows"]
                ],
            )
            + "\n"
        )
    if results.get("scaling"):
        rows = results["scaling"]
        batches = rows[0]["batches"]
        parts.append("#### Training step against batch size\n")
        parts.append(
            _markdown(
                ["layer"]
                + [f"ms N={b}" for b in batches]
                + ["slope"]
                + [f"vs raw fused N={b}" for b in batches],
                [
                    [f"`{r['layer']}`"]
                    + [f"{m:.1f}" for m in r["ms"]]
                    + [f"{r['slope']:.2f}"]
                    + [f"{v:.2f}" for v in r["vs_reference"]]
                    for r in rows
                ],
            )
            + "\n"
        )
    return parts


def main(argv=None):
    """`python -m benchmarks.report [results.json]`: Markdown tables."""
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0] if argv else DEFAULT_OUTPUT, encoding="utf-8") as f:
        print(markdown(json.load(f)))


if __name__ == "__main__":
    main()
