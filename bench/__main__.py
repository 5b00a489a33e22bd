"""``make bench`` / ``python -m bench [NAME …]``: run benchmarks, write docs/benchmarks.md.

Each benchmark module has ``run() -> str`` returning a markdown section. Its section in
docs/benchmarks.md (between ``<!-- bench:NAME -->`` markers) is replaced; the others stay,
so one benchmark can be re-run alone.
"""

import datetime
import os
import platform
import re
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BENCHMARKS = ["wilayah", "registration", "verification", "import", "dedup", "programmes", "coordination"]
HEADER = """# Benchmarks

Measured by `make bench` (`python -m bench [NAME]`); each section says what ran, on
which machine, and compares with its peer as a ratio measured in the same run.
"""


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {datetime.date.today():%Y-%m-%d}"


def _replace_section(text: str, name: str, body: str) -> str:
    block = f"<!-- bench:{name} -->\n{body.strip()}\n\n_Machine: {_machine()}._\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip() + "\n\n" + block + "\n"


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        module = import_module(f"bench.bench_{name}")
        print(f"== {name}", flush=True)
        body = module.run()
        print(body, flush=True)
        # Re-read: another benchmark may have written its own section meanwhile.
        text = DOC.read_text() if DOC.exists() else HEADER
        DOC.write_text(_replace_section(text, name, body))
    print(f"written: {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
