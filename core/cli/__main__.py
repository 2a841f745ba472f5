"""`python -m core.cli`: the command line without the app."""

from core.cli import main

if __name__ == "__main__":
    main()
