"""Public self-registration throughput under wrk, against the server ``make run`` starts.

The same server (``geliat runserver``, SQLite, debug on, as ``make run``) answers a
trivial view (``/healthz``) and full registrations (POST /daftar/: NIK check against
the region table, duplicate check, three inserts, audit events). The figure that
matters is the ratio: how much of the server's raw request rate a registration keeps.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GELIAT = ROOT / ".venv" / "bin" / "geliat"
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))

# Each wrk thread posts registrations with NIKs of its own: a valid Purwodadi prefix,
# birth dates walking through the calendar, and a serial that separates threads.
LUA = r"""
local counter = 0
local threads = {}
function setup(thread)
  thread:set("thread_no", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = 0
end
request = function()
  counter = counter + 1
  local n = counter
  local day = 1 + (n % 28)
  local month = 1 + (math.floor(n / 28) % 12)
  local year = 50 + (math.floor(n / 336) % 40)
  local serial = 1 + (thread_no or 0) * 500 + math.floor(n / 13440)
  local nik = string.format("351401%02d%02d%02d%04d", day, month, year, serial)
  local body = "csrfmiddlewaretoken=" .. TOKEN ..
    "&p-nik=" .. nik .. "&p-full_name=Sri+Wahyuni&p-sex=L&p-birth_place=Pasuruan" ..
    "&p-phone=081233445566&p-address=Jl.+Mawar+7&p-rt=2&p-rw=1&p-region=35.14.01.2001" ..
    "&b-name=Keripik+Tempe&b-affected_group=10&b-kbli_section=C&b-revenue_before=3+juta" ..
    "&b-revenue_now=750rb&b-impacts=sales_drop&b-same_address=on&consent=on"
  return wrk.format("POST", "/daftar/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. TOKEN,
    ["Referer"] = "http://127.0.0.1/daftar/",
  }, body)
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


def _csrf_token(base: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/daftar/").read()
    return next(c.value for c in jar if c.name == "csrftoken")


def _wrk(url: str, script: Path | None = None) -> dict:
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    return {"rps": rps, "requests": total, "errors": int(bad.group(1)) if bad else 0, "p50": p50, "p99": p99}


def run() -> str:
    if not shutil.which("wrk"):
        return "Registration throughput: not measured (wrk is missing: `apt-get install wrk`)."
    workdir = Path(tempfile.mkdtemp(prefix="geliat-bench-"))
    env = {
        **os.environ,
        "GELIAT_DEBUG": "1",
        "GELIAT_VAR_DIR": str(workdir),
        "GELIAT_REGISTRATION_RATE": "100000000",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
    }
    subprocess.run([GELIAT, "migrate", "-v0"], env=env, check=True)
    subprocess.run([GELIAT, "wilayah", "load"], env=env, check=True, capture_output=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [GELIAT, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait(base + "/healthz")
        trivial = _wrk(base + "/healthz")
        script = workdir / "register.lua"
        script.write_text(f'local TOKEN = "{_csrf_token(base)}"\n' + LUA)
        register = _wrk(base + "/daftar/", script)
        stored = subprocess.run(
            [GELIAT, "shell", "--no-imports", "-c", "from geliat.registry.models import Registration; print(Registration.objects.count())"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    ratio = register["rps"] / trivial["rps"]
    return f"""## Self-registration throughput (issue #2)

wrk, 2 threads, {CONNECTIONS} connections, {DURATION} each, against `geliat runserver` on
SQLite with debug on (the server `make run` starts). Each registration is a full POST of
the public form: NIK and phone checks, region lookups, duplicate-NIK check, person +
business + registration rows and their audit events.

| request | requests/s | p50 | p99 | failed |
| --- | ---: | ---: | ---: | ---: |
| `GET /healthz` (trivial view, peer) | {trivial['rps']:.0f} | {trivial['p50']} | {trivial['p99']} | {trivial['errors']} |
| `POST /daftar/` (registration) | {register['rps']:.0f} | {register['p50']} | {register['p99']} | {register['errors']} |

**Ratio registration / trivial: {ratio:.2f}** ({register['requests']} registrations sent,
{stored} stored: requests still in flight when wrk stops are stored but not counted by wrk;
a failed registration is a non-redirect answer).
"""


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(run())
