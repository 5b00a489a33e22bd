#!/usr/bin/env python
"""Django's command-line utility; ``geliat`` (geliat/cli.py) wraps the same thing."""

from geliat.cli import main

if __name__ == "__main__":
    main()
