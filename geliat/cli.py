"""The ``geliat`` console command: Django's manage.py under the project's name.

``geliat migrate``, ``geliat demo --people 500``, ``geliat wilayah load`` … all run
the management command of the same name.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "geliat"
    # Shell habit writes commands with hyphens (`geliat dedup-file`); Django's are modules.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
