"""The export's cell rules as SQL: the constants they are built from."""
from __future__ import annotations

import sys

from crowdcat.services.export.postgres_cells import WHITESPACE, space_codes


def test_the_white_space_written_out_is_what_python_strips():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    assert every == WHITESPACE
    assert ("\u3000 題名\t\n" + WHITESPACE).strip(WHITESPACE) == "題名"
    assert space_codes() == [0, *sorted(map(ord, every))]
