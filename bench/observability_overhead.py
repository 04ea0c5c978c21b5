"""Gateway CPU per benchmark request with observability off, on (metrics and the JSON
request log, tracing off: the defaults of ``mode: production``), spans (also tracing,
spans made and propagated, not exported) and full (every span exported over OTLP/HTTP to
a local sink).

    python -m bench.observability_overhead [--rounds 5] [--seconds 6]

The four gateways run at once (``python -m gateway serve``, ``bench/gateway.yaml`` with
only the ``observability`` section changed), pinned to core 0; the bench subgraphs, the
OTLP sink and this driver run on core 1. Each round sends the benchmark query to each
gateway in turn over one keep-alive connection for ``--seconds``; CPU comes from
``/proc/PID/stat``. Reported: median CPU ms per request over rounds, and the median over
rounds of each round's ratio to off.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson
import yaml

from bench.harness import checks, procs, workload

REPO = Path(__file__).resolve().parents[1]

VARIANTS: dict[str, dict[str, Any]] = {
    "off": {
        "metrics": {"enabled": False},
        "request_log": {"enabled": False},
        "tracing": {"enabled": False},
    },
    "on": {},
    "spans": {"tracing": {"enabled": True, "exporter": "none"}},
    "full": {"tracing": {"enabled": True}},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Sink(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP receiver that accepts and drops every export."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def drive(port: int, body: bytes, seconds: float, length: int) -> int:
    """Requests answered with the expected length in ``seconds`` (one connection)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"content-type": "application/json", "accept": "application/json"}
    count, deadline = 0, time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            conn.request("POST", "/graphql", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status != 200 or len(payload) != length:
                raise SystemExit(f"wrong response: {response.status}, {len(payload)} bytes")
            count += 1
    finally:
        conn.close()
    return count


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.observability_overhead")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args(argv)
    multi = (os.cpu_count() or 1) > 1
    gateway_core, load_core = (0, 1) if multi else (None, None)
    if load_core is not None:
        os.sched_setaffinity(0, {load_core})
    work = workload.main()
    base = yaml.safe_load((REPO / "bench" / "gateway.yaml").read_text())
    run_dir = Path(tempfile.mkdtemp(prefix="obs-overhead-"))
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    sink_url = f"http://127.0.0.1:{sink.server_address[1]}/v1/traces"
    started: list[procs.Managed] = []
    try:
        subgraph_port = free_port()
        subgraphs = procs.start(
            "subgraphs",
            [sys.executable, "-m", "bench.subgraphs", "--port", str(subgraph_port)],
            run_dir / "subgraphs.log",
            load_core,
            cwd=REPO,
        )
        started.append(subgraphs)
        ports: dict[str, int] = {}
        for name, section in VARIANTS.items():
            config = dict(base)
            config["subgraphs"] = {
                sub: {"url": f"http://127.0.0.1:{subgraph_port}/{sub}"} for sub in base["subgraphs"]
            }
            ports[name] = free_port()
            config["server"] = {**base["server"], "port": ports[name]}
            observability = orjson.loads(orjson.dumps(section))
            if name == "full":
                observability["tracing"]["otlp_endpoint"] = sink_url
            config["observability"] = observability
            path = run_dir / f"{name}.yaml"
            path.write_text(yaml.safe_dump(config))
            started.append(
                procs.start(
                    name,
                    [sys.executable, "-m", "gateway", "serve", "--config", str(path)],
                    run_dir / f"{name}.log",
                    gateway_core,
                    cwd=REPO,
                )
            )
        lengths: dict[str, int] = {}
        for name, port in ports.items():
            url = f"http://127.0.0.1:{port}/graphql"

            def up(url: str = url) -> bool:
                try:
                    return checks.check(url, work.body, work.expected).ok
                except OSError:
                    return False

            if not procs.wait_until(up, 60):
                raise SystemExit(f"{name} did not answer correctly; logs in {run_dir}")
            lengths[name] = checks.check(url, work.body, work.expected).length
        gateways = {p.name: p for p in started if p.name in VARIANTS}
        for name, port in ports.items():  # warm-up
            drive(port, work.body, 2.0, lengths[name])
        per_request: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(args.rounds):
            for name, port in ports.items():
                before = procs.cpu_seconds(gateways[name].pid)
                count = drive(port, work.body, args.seconds, lengths[name])
                used = procs.cpu_seconds(gateways[name].pid) - before
                per_request[name].append(1000 * used / count)
        # The machine's load drifts between rounds: each round's ratio compares variants
        # measured seconds apart, and the median of those ratios is the number to read.
        off = per_request["off"]
        print("variant  CPU ms/request (median)  ratio to off (median of rounds)  per round")
        for name, values in per_request.items():
            ratios = [v / o for v, o in zip(values, off, strict=True)]
            rounds = " ".join(f"{v:.3f}" for v in values)
            print(
                f"{name:<8} {statistics.median(values):>23.3f} "
                f"{statistics.median(ratios):>32.3f}  {rounds}"
            )
    finally:
        for process in reversed(started):
            process.stop()
        sink.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
