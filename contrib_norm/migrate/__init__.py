"""``contrib-norm-migrate``: convert TF1 programs to TensorFlow 2 + contrib_norm.

The command chains three passes over each file:

1. :mod:`contrib_norm.migrate.spell_out` spells out tf.contrib imports and
   aliases so that every use reads ``tf.contrib.<...>``;
2. :mod:`contrib_norm.migrate.upgrade_v2` runs TensorFlow's ``tf_upgrade_v2``;
3. :mod:`contrib_norm.migrate.rewrite` rewrites what tf_upgrade_v2 leaves
   broken to contrib_norm and reports what is left.

Use it as ``contrib-norm-migrate`` or ``python -m contrib_norm.migrate``.
"""

from contrib_norm.migrate.cli import main
from contrib_norm.migrate.pipeline import migrate_sources

__all__ = ["main", "migrate_sources"]
