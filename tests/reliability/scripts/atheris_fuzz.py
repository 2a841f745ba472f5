"""Coverage-guided fuzzing of the reader and checker with atheris (optional, manual).

Not part of the test suite (atheris is not a project dependency). To run it:

    uv venv /tmp/atheris-venv && VIRTUAL_ENV=/tmp/atheris-venv uv pip install atheris
    PYTHONPATH=.:.venv/lib/python3.11/site-packages \
        /tmp/atheris-venv/bin/python tests/reliability/scripts/atheris_fuzz.py -runs=100000

Any exception other than core.errors.AudiencesError (or a broken table) is a crash.
"""

from __future__ import annotations

import sys

import atheris

# Only the project's code is instrumented: with Python 3.11, atheris 3.0's bytecode
# rewriting of Polars' own modules breaks their control flow (false crashes).
import phonenumbers  # noqa: E402,F401
import polars  # noqa: E402,F401

with atheris.instrument_imports(include=["core"]):
    from core import plan, profile, reading  # noqa: F401

sys.path.insert(0, __file__.rsplit("/", 2)[0])  # tests/reliability, for test_fuzz
from test_fuzz import exercise  # noqa: E402


def one_input(data: bytes) -> None:
    exercise(data)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
