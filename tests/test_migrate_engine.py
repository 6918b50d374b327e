"""The migration passes' engine: scopes, text edits, the line diff, pieces.

These are the parts that make contrib-norm-migrate fast on large files
(issue: migrate data safety, item 7): CPython's ``ast`` with position edits
instead of a concrete syntax tree, a patience line diff instead of difflib's
quadratic matcher, and tf_upgrade_v2 run on pieces of a large file.
"""

import ast
import difflib
import random
import textwrap

import pytest

from contrib_norm.migrate import edits
from contrib_norm.migrate import linediff
from contrib_norm.migrate import names
from contrib_norm.migrate import pieces
from contrib_norm.migrate import pipeline
from contrib_norm.migrate import upgrade_v2


def src(text):
    return textwrap.dedent(text).lstrip("\n")


def paths_of_reads(code):
    """{(line, name): resolved path} for every read of an imported name."""
    resolver = names.Resolver(ast.parse(code))
    return {(n.lineno, n.id): resolver.name_path(n)
            for n in resolver.accessed_names()}


# --- scopes -----------------------------------------------------------------

SCOPE_CODE = src("""
    import tensorflow.contrib.slim as slim
    import numpy as layers

    def f(slim):
        return slim.conv2d

    def g():
        global layers
        layers = 3
        return layers

    def h():
        x = slim.batch_norm
        def inner():
            nonlocal x
            return x, slim
        return inner

    class C:
        slim = None
        y = slim
        def m(self):
            return slim

    z = [slim for slim in range(3)]
    w = [a for a in slim.b]
    v = lambda slim: slim
    """)


@pytest.mark.parametrize("line, name, expected", [
    (5, "slim", None),              # a parameter shadows the import
    (10, "layers", None),           # `global` rebinding: not one import
    (13, "slim", "tensorflow.contrib.slim"),
    (16, "slim", "tensorflow.contrib.slim"),  # through nested functions
    (21, "slim", None),             # a class attribute shadows in its body
    (23, "slim", "tensorflow.contrib.slim"),  # methods skip the class scope
    (25, "slim", None),             # a comprehension variable
    (26, "slim", "tensorflow.contrib.slim"),  # first iterable: outer scope
    (27, "slim", None),             # a lambda parameter
])
def test_names_resolve_by_python_scoping_rules(line, name, expected):
    assert paths_of_reads(SCOPE_CODE).get((line, name)) == expected


def test_a_name_bound_by_two_different_imports_is_not_resolved():
    code = src("""
        try:
            import tensorflow.contrib.slim as slim
        except ImportError:
            import tf_slim as slim
        y = slim.batch_norm
        """)
    assert paths_of_reads(code)[(5, "slim")] is None


def test_walrus_in_a_comprehension_binds_in_the_function():
    code = src("""
        import tensorflow as tf
        def f(xs):
            [(tf := x) for x in xs]
            return tf.zeros
        """)
    assert paths_of_reads(code)[(4, "tf")] is None


# --- text edits ---------------------------------------------------------------

def test_edits_use_character_offsets_on_non_ascii_lines():
    code = "s = 'ünïcödé'; y = tf.contrib.layers.batch_norm(x)  # ç\n"
    tree = ast.parse(code)
    chain = tree.body[1].value.func
    editor = edits.Editor(code)
    editor.replace(chain, "contrib_norm.layers.batch_norm")
    assert editor.apply() == ("s = 'ünïcödé'; y = "
                              "contrib_norm.layers.batch_norm(x)  # ç\n")


@pytest.mark.parametrize("code, remove, expected", [
    ("import a; import b; x = 1\n", (0, 1), "x = 1\n"),
    ("x = 1; import a; import b\n", (1, 2), "x = 1\n"),
    ("x = 1; import a; y = 2\n", (1,), "x = 1; y = 2\n"),
    ("import a  # why\ny = 1\n", (0,), "# why\ny = 1\n"),
    ("import a; import b\ny = 1\n", (0, 1), "y = 1\n"),
    ("import a\n", (0,), ""),
])
def test_removing_statements_keeps_the_rest_of_the_line(code, remove, expected):
    tree = ast.parse(code)
    editor = edits.Editor(code)
    block = edits.Block(tree.body, tree)
    editor.remove_statements(block, {tree.body[i] for i in remove})
    assert editor.apply() == expected


def test_an_emptied_block_keeps_pass():
    code = "try: import a\nexcept ImportError: pass\n"
    tree = ast.parse(code)
    body = tree.body[0].body
    editor = edits.Editor(code)
    editor.remove_statements(edits.Block(body, tree.body[0]), {body[0]})
    assert editor.apply() == "try: pass\nexcept ImportError: pass\n"


def test_top_level_insertion_goes_above_decorators():
    code = "@dec\ndef f():\n    pass\n"
    tree = ast.parse(code)
    editor = edits.Editor(code)
    editor.insert_statements(tree.body, 0, ["import contrib_norm"])
    assert editor.apply() == "import contrib_norm\n" + code


def test_overlapping_edits_are_a_loud_error():
    code = "a.b.c\n"
    tree = ast.parse(code)
    editor = edits.Editor(code)
    editor.replace(tree.body[0].value, "x")
    editor.replace(tree.body[0].value.value, "y")
    with pytest.raises(ValueError, match="overlapping"):
        editor.apply()


# --- line diff ----------------------------------------------------------------

def apply_opcodes(a, b, ops):
    out = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            out.extend(a[i1:i2])
        elif tag in ("replace", "insert"):
            out.extend(b[j1:j2])
    return out


@pytest.mark.parametrize("seed", range(40))
def test_line_diff_opcodes_rebuild_the_new_text(seed):
    rng = random.Random(seed)
    vocabulary = ["h = tf.nn.relu(h)", "return h", "", "x = %d" % seed, "y"]
    a = [rng.choice(vocabulary) if rng.random() < 0.6 else "u%d" % i
         for i in range(rng.randrange(0, 60))]
    b = list(a)
    for _ in range(rng.randrange(0, 6)):
        position = rng.randrange(0, len(b) + 1)
        kind = rng.random()
        if kind < 0.4 and b:
            del b[min(position, len(b) - 1)]
        elif kind < 0.7:
            b.insert(position, rng.choice(vocabulary + ["new"]))
        elif b:
            b[min(position, len(b) - 1)] = "changed"
    ops = linediff.opcodes(a, b)
    assert apply_opcodes(a, b, ops) == b
    # Contiguous and complete, as difflib's.
    assert ops == [] or (ops[0][1], ops[0][3]) == (0, 0)
    assert ops == [] or (ops[-1][2], ops[-1][4]) == (len(a), len(b))
    equal = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
    best = sum(n for _, _, n in difflib.SequenceMatcher(
        None, a, b, autojunk=False).get_matching_blocks())
    assert equal >= best - 6  # never much worse than difflib's matching


def test_line_diff_matches_difflib_on_unique_lines():
    a = ["line %d" % i for i in range(50)]
    b = a[:10] + ["new"] + a[10:30] + a[31:]
    assert linediff.opcodes(a, b) == difflib.SequenceMatcher(
        None, a, b, autojunk=False).get_opcodes()


@pytest.mark.parametrize("seed", range(20))
def test_aligned_pairs_every_line_once_in_order(seed):
    rng = random.Random(seed)
    a = ["x%d = f(%d)" % (rng.randrange(5), i) for i in range(rng.randrange(12))]
    b = [line.replace("f", "g") if rng.random() < 0.5 else line for line in a]
    for _ in range(rng.randrange(4)):
        b.insert(rng.randrange(len(b) + 1), "import m%d" % rng.randrange(3))
    pairs = list(linediff.aligned(a, b))
    assert [i for _, i, _ in pairs if i is not None] == list(range(len(a)))
    assert [j for _, _, j in pairs if j is not None] == list(range(len(b)))
    assert all(a[i] == b[j] for tag, i, j in pairs if tag == "equal")


def test_a_line_inserted_into_a_replaced_block_is_not_paired():
    a = ["import tensorflow as tf", "x = tf.contrib.layers.batch_norm(y)",
         "z = tf.contrib.layers.layer_norm(x)"]
    b = ["import tensorflow as tf", "import contrib_norm",
         "x = contrib_norm.layers.batch_norm(y)",
         "z = contrib_norm.layers.layer_norm(x)"]
    assert list(linediff.aligned(a, b)) == [
        ("equal", 0, 0), ("replace", None, 1), ("replace", 1, 2),
        ("replace", 2, 3)]


def test_report_lists_each_line_of_a_rewritten_block_once():
    """Every line of a block changes and an import is inserted above it: each
    change is reported at its own output line, the import once, as added."""
    code = src('''
        import tensorflow as tf
        x = tf.contrib.layers.batch_norm(y)
        z = tf.contrib.layers.layer_norm(x)
        ''')
    new_code, result = pipeline.finish(pipeline.prepare(code))
    out = new_code.splitlines()
    assert out[1] == "import contrib_norm"
    entries = [(c.line, c.out_line, c.old, c.new) for c in result.changes]
    assert entries == [
        (2, 3, "tf.contrib.layers.batch_norm", "contrib_norm.layers.batch_norm"),
        (3, 4, "tf.contrib.layers.layer_norm", "contrib_norm.layers.layer_norm"),
        (None, 2, "", "import contrib_norm"),
    ]
    assert len({c.out_line for c in result.changes}) == len(result.changes)


# --- tf_upgrade_v2 in pieces -------------------------------------------------

BLOCK = src('''
    def block_{i}(x, is_training):
        """Block {i}."""
        h = tf.layers.conv2d(x, 16, 3, name="conv_{i}")
        h = tf.contrib.layers.batch_norm(h, is_training=is_training)
        tf.summary.histogram("h_{i}", h)
        w = tf.get_variable("w_{i}", [3], initializer=tf.zeros_initializer())
        return tf.nn.relu(h) + tf.reduce_sum(w)

    ''')
LARGE = ('"""A model."""\nfrom __future__ import print_function\n'
         "import tensorflow as tf\nimport numpy as np\n\n"
         + "".join(BLOCK.format(i=i) for i in range(24))
         + "@tf.function\ndef last(x):\n    return tf.to_float(x)\n")


def test_plan_cuts_between_top_level_statements():
    cuts = pieces.plan(LARGE, piece_chars=1500)
    assert cuts.header == ("from __future__ import print_function\n"
                           "import tensorflow as tf\nimport numpy as np")
    lines = LARGE.splitlines()
    assert len(cuts.starts) >= 3
    for start in cuts.starts:
        assert lines[start - 1].startswith(("def ", "@"))
    assert pieces.plan(LARGE) is None  # small files stay whole
    texts = pieces.split(LARGE, cuts)
    assert texts[0] + "".join(t.split(pieces.SENTINEL + "\n", 1)[1]
                              for t in texts[1:]) == LARGE
    for text in texts:
        ast.parse(text)


@pytest.mark.slow
def test_pieces_give_tf_upgrade_v2s_own_result():
    code = pipeline.prepare(LARGE).spelled.code
    cuts = pieces.plan(code, piece_chars=1500)
    whole = upgrade_v2.run({"m.py": code})
    parts = upgrade_v2.run({"m.py": code}, plans={"m.py": cuts})
    assert parts.errors == whole.errors == {}
    assert parts.outputs["m.py"] == whole.outputs["m.py"]

    def log(result):
        return [(m.line, m.col, m.level, m.text)
                for m in result.messages["m.py"]]

    assert log(parts) == log(whole)
    assert any(m[0] and m[0] > cuts.starts[-1] for m in log(parts))


def test_a_piece_that_loses_its_sentinel_fails_its_file():
    cuts = pieces.Plan("import tensorflow as tf", [3])
    with pytest.raises(ValueError, match="piece 2"):
        pieces.join(cuts, ["a = 1\nb = 2\n", "import tensorflow as tf\nc = 3\n"],
                    [[], []])
