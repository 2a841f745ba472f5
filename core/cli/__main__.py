"""`python -m core.cli`: the command line without the app."""

from core.cli.base import run

if __name__ == "__main__":
    run()
