"""File-level commands: the only place besides ``read`` and ``export`` that touches files.

``cli.py`` parses arguments and calls these; each reads its inputs with :mod:`nlp_toolkit.read`, runs the stages
or the pipeline over the data model, and writes with :mod:`nlp_toolkit.export` (atomically). Stages never read
or write files themselves (DESIGN.md: one direction of flow).
"""

from __future__ import annotations

# -- case files (the claims and entities contracts) ---------------------------------------------------------------


# -- reports --------------------------------------------------------------------------------------------------------


# -- sentence alignment of two files ----------------------------------------------------------------------------------
