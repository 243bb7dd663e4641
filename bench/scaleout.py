"""Throughput through nginx with one and with two app servers (issue #26). Run once: `DATABASE_URL=postgres://... python bench/scaleout.py`; not part of `make bench`.

The deployment of tests/test_scaleout.py (PostgreSQL at DATABASE_URL, Redis, `raak
serve` × 2 behind nginx, the demo), then, with bench/load.py's client (CONNECTIONS
keep-alive clients without pauses for SECONDS per page):

1. straight to server A (no proxy): the trivial view `/gezond` and the published
   national picture;
2. through nginx with both servers in its upstream;
3. through nginx with server B stopped and taken out of the upstream (reload).

Each server runs RAAK_WORKERS × RAAK_THREADS (default 2 × 4). On a two-core machine a
second server cannot add cores, so no gain is expected: the figures document what the
proxy and the second server cost, and the published page's ratio to `/gezond` under
the layout. The section "Several app servers" of docs/performance.md is replaced.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/raak_bench python bench/scaleout.py
"""

import os
import platform
import signal
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402
from common import replace_section  # noqa: E402

from tests.scaleout_stack import NGINX_CONF, Stack  # noqa: E402

PAGES = {"/gezond": b"ok", "/raak-2008-2010/ronde/eindrapportage-2011/": b"Landelijk beeld"}


def measure(port, label):
    rows = []
    for path, expect in PAGES.items():
        load.warm_up(port, path, 16)
        found = load.hammer(port, [path], expect=expect, seconds=load.SECONDS)
        if found is None:
            raise SystemExit(f"{label}: no measurement for {path}")
        rps, errors = found
        if errors:
            raise SystemExit(f"{label}: {len(errors)} failed requests on {path}: {errors[:3]}")
        rows.append(rps)
        print(f"{label:<32} {path:<45} {rps:7.0f} req/s", flush=True)
    return rows


def main():
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:54329/raak_bench")
    stack = Stack(url)
    load_before = os.getloadavg()
    try:
        stack.env["RAAK_MAX_REQUESTS"] = "0"
        stack.up("pass")
        port = lambda base: int(base.rsplit(":", 1)[1])  # noqa: E731
        results = {"A direct": measure(port(stack.a), "server A, no proxy")}
        results["nginx, A + B"] = measure(stack.nginx_port, "nginx → A + B")
        stack.procs["b"].signal(signal.SIGTERM)
        conf = stack.tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                user="user root;" if os.geteuid() == 0 else "", tmp=stack.tmp, root=ROOT,
                port=stack.nginx_port, port_a=stack.port_a, port_b=stack.port_a,
            )
        )  # fmt: skip
        nginx = stack.procs["nginx"]
        nginx.signal(signal.SIGHUP)  # reload: the upstream now has A only
        time.sleep(2)
        results["nginx, A only"] = measure(stack.nginx_port, "nginx → A")
    finally:
        stack.down()
    load_after = os.getloadavg()
    lines = [
        "## Several app servers (bench/scaleout.py)",
        "",
        f"{date.today().isoformat()}, {platform.node()}, {os.cpu_count()} cores, PostgreSQL, "
        f"Redis cache; each `raak serve` {stack.env['RAAK_WORKERS']} workers × "
        f"{stack.env['RAAK_THREADS']} threads; {load.CONNECTIONS} keep-alive clients, "
        f"{load.SECONDS:g} s per page; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (other work shared the machine).",
        "",
        "| layout | `/gezond` req/s | published national picture req/s | ratio |",
        "|---|---|---|---|",
    ]
    for label, (trivial, page) in results.items():
        lines.append(f"| {label} | {trivial:.0f} | {page:.0f} | {page / trivial:.2f} |")
    lines += [
        "",
        "On two cores a second app server adds processes, not CPU, so no real gain is to be",
        "expected; with a high load average the differences between the rows are mostly the",
        "other work's noise (each figure is one 5-second run). The layout is for availability",
        "(a server can stop without an outage: tests/test_scaleout.py) and for machines with",
        "more cores; size it as docs/deployment.md says.",
    ]
    replace_section("## Several app servers", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
