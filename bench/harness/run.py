"""``python -m bench``: the whole benchmark, start to table.

1. Start the bench subgraphs pinned to the load core.
2. Main phase (the benchmark's ``TestQuery``): start every gateway variant pinned to the
   gateway core, check one full response of each, record the subgraph fetches each plan
   makes, warm up, then run rounds - every variant in turn at each concurrency - with a
   full-response check before and after each run and wrk checking every response's status
   and length. CPU is read from /proc for the gateway's process tree around each run.
3. The floor: the fewest-fetch plan's subgraph requests replayed straight to the subgraphs.
4. Scale phase: restart one variant per gateway on the scaling supergraph and measure CPU
   per request for responses touching 10 ... 10,000 entities.
5. Write ``latest.md`` and ``latest.json``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from bench.harness import checks, gateways, load, planning, procs, report, workload
from bench.harness.machine import describe_machine
from bench.harness.settings import REPO_DIR, Settings

RECORD_DELAY_MS = 50


@dataclass
class Running:
    variant: gateways.Variant
    url: str = ""
    version: str = ""
    managed: procs.Managed | None = None
    #: Why this variant has no numbers; "" while it is fine.
    problem: str = ""
    #: Byte length of its correct response to the current workload.
    length: int = 0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bench:
    def __init__(self, settings: Settings) -> None:
        self.s = settings
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.run_dir = settings.run_dir / stamp
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.started: list[procs.Managed] = []
        self.subgraphs: procs.Managed | None = None
        cores = os.cpu_count() or 1
        self.gateway_core = settings.gateway_core if cores > 1 else None
        self.load_core = settings.load_core if cores > 1 else None

    # -- processes -------------------------------------------------------------------

    def start_subgraphs(self) -> None:
        port = self.s.subgraph_port
        if not procs.port_free(port):
            raise SystemExit(f"port {port} is taken: set BENCH_SUBGRAPH_PORT")
        argv = [sys.executable, "-m", "bench.subgraphs", "--port", str(port)]
        self.subgraphs = procs.start(
            "subgraphs", argv, self.run_dir / "subgraphs.log", self.load_core, cwd=REPO_DIR
        )
        self.started.append(self.subgraphs)
        probe = b'{"query":"{ _service { sdl } }"}'
        url = f"http://127.0.0.1:{port}/accounts"

        def up() -> bool:
            try:
                return checks.post(url, probe, timeout=2)[0] == 200
            except OSError:
                return False

        if not procs.wait_until(up, 30):
            raise SystemExit(f"bench subgraphs did not start:\n{self.subgraphs.log_tail()}")

    def start_gateways(
        self, variants: list[gateways.Variant], supergraph: str, phase: str
    ) -> list[Running]:
        """Start ``variants`` (configs and logs in ``<run dir>/<phase>/``) and wait until
        each answers or fails."""
        phase_dir = self.run_dir / phase
        phase_dir.mkdir(exist_ok=True)
        running: list[Running] = []
        port = self.s.gateway_port
        for variant in variants:
            entry = Running(variant)
            running.append(entry)
            while not procs.port_free(port):
                port += 1
            try:
                spec = gateways.launch(variant, port, supergraph, self.s, phase_dir)
            except gateways.Unavailable as error:
                entry.problem = f"not available: {error}"
                continue
            port += 1
            entry.url, entry.version = spec.url, spec.version
            tag = variant.id.replace("/", "-")
            entry.managed = procs.start(
                variant.id,
                spec.argv,
                phase_dir / f"{tag}.log",
                self.gateway_core,
                env=spec.env,
                cwd=spec.cwd,
            )
            self.started.append(entry.managed)
        deadline = time.monotonic() + self.s.start_timeout
        for entry in running:
            if entry.managed is None:
                continue
            managed = entry.managed

            def answers(url: str = entry.url, m: procs.Managed = managed) -> bool:
                if not m.alive():
                    return True
                try:
                    checks.post(url, b'{"query":"{ __typename }"}', timeout=2)
                    return True
                except OSError:
                    return False

            ready = procs.wait_until(answers, max(1.0, deadline - time.monotonic()))
            if not managed.alive():
                tail = managed.log_tail(3).replace("\n", " / ").replace("|", "/")
                entry.problem = f"not available: exited at start: {tail[-300:]}"
            elif not ready:
                entry.problem = f"not available: no answer within {self.s.start_timeout:.0f}s"
            log(f"{entry.variant.id}: {entry.problem or 'ready at ' + entry.url}")
        return running

    def stop(self, running: list[Running]) -> None:
        for entry in running:
            if entry.managed is not None:
                entry.managed.stop()

    # -- measuring -------------------------------------------------------------------

    def check(self, entry: Running, work: workload.Workload) -> bool:
        """A full response compared as JSON; on success remembers its byte length."""
        if entry.problem:
            return False
        result = checks.check(entry.url, work.body, work.expected)
        if not result.ok:
            entry.problem = f"wrong answer ({work.name}): {result.detail}".replace("|", "/")
            log(f"{entry.variant.id}: {entry.problem}")
            return False
        entry.length = result.length
        return True

    def measured(
        self, entry: Running, body_file: Path, connections: int, seconds: float
    ) -> tuple[load.LoadResult, float, float]:
        """One wrk run; returns it with the gateway's and the subgraphs' CPU milliseconds per
        request.

        CPU is sampled inside the run, leaving out its first and last moments: at the end
        wrk drops the requests still in flight, whose CPU the gateway spends anyway, which
        would otherwise be charged to the requests that completed (at 50 connections on a
        slow gateway, that is most of a second of work). Requests in the window are the
        run's steady rate times the window's length.
        """
        assert entry.managed is not None and self.subgraphs is not None
        margin = min(1.0, seconds * 0.1)
        process = load.start_wrk(
            entry.url, body_file, entry.length, connections, seconds, self.load_core
        )
        time.sleep(margin)
        t0 = time.monotonic()
        gateway_before = procs.cpu_seconds(entry.managed.pid)
        subgraphs_before = procs.cpu_seconds(self.subgraphs.pid)
        time.sleep(max(0.1, seconds - 2 * margin))
        gateway_cpu = procs.cpu_seconds(entry.managed.pid) - gateway_before
        subgraph_cpu = procs.cpu_seconds(self.subgraphs.pid) - subgraphs_before
        window = time.monotonic() - t0
        result = load.finish_wrk(process, seconds + 60)
        in_window = result.rps * window
        if in_window <= 0:
            return result, float("nan"), float("nan")
        return result, gateway_cpu * 1000 / in_window, subgraph_cpu * 1000 / in_window

    def record_plan(self, entry: Running, work: workload.Workload) -> dict[str, Any] | None:
        """The subgraph fetches one request through ``entry`` makes, grouped in levels."""
        base = f"http://127.0.0.1:{self.s.subgraph_port}"
        checks.post(f"{base}/_record?delay_ms={RECORD_DELAY_MS}", b"")
        try:
            status, _ = checks.post(entry.url, work.body)
        finally:
            _, payload = checks.post(f"{base}/_record", b"", method="GET")
        fetches = orjson.loads(payload)["fetches"]
        if status != 200 or not fetches:
            return None
        levels = load.plan_levels(fetches, RECORD_DELAY_MS)
        return {"base": base + "/", "levels": levels, "recorded_through": entry.variant.id}

    # -- phases ----------------------------------------------------------------------

    def main_phase(self, variants: list[gateways.Variant]) -> dict[str, Any]:
        work = workload.main()
        body_file = self.run_dir / "main-body.json"
        body_file.write_bytes(work.body)
        if max(self.s.concurrency, default=1) <= 1:
            # Dedupe-off variants only run at more than one connection.
            variants = [v for v in variants if v.dedupe is not False]
        running = self.start_gateways(variants, work.supergraph, "main")
        try:
            for entry in running:
                self.check(entry, work)
            plans = {}
            for entry in running:
                if not entry.problem:
                    plan = self.record_plan(entry, work)
                    if plan is not None:
                        plans[entry.variant.id] = plan
                        self.check(entry, work)  # still right after the slowed-down request
            rows = self._rounds(running, work, body_file)
            floor = self._floor(plans)
            for entry in running:
                for row in rows:
                    if row.variant == entry.variant.id and entry.managed is not None:
                        row.peak_mb = procs.peak_memory_mb(entry.managed.pid)
        finally:
            self.stop(running)
        return {
            "rows": rows,
            "floor": floor,
            "plans": {
                k: {"fetches": sum(len(lv) for lv in p["levels"]), "levels": len(p["levels"])}
                for k, p in plans.items()
            },
            "versions": {e.variant.gateway: e.version for e in running if e.version},
            "problems": {e.variant.id: e.problem for e in running if e.problem},
        }

    def _rounds(
        self, running: list[Running], work: workload.Workload, body_file: Path
    ) -> list[report.Row]:
        rows: dict[tuple[str, int], report.Row] = {}
        for connections in self.s.concurrency:
            for entry in running:
                if connections == 1 and entry.variant.dedupe is False:
                    continue  # nothing in flight to deduplicate at one connection
                rows[entry.variant.id, connections] = report.Row(
                    entry.variant.id, entry.variant.label, entry.variant.dedupe, connections
                )
        if self.s.warmup > 0:
            for (variant_id, connections), _row in rows.items():
                entry = next(e for e in running if e.variant.id == variant_id)
                if not entry.problem:
                    log(f"warm-up {variant_id} c={connections}")
                    with contextlib.suppress(RuntimeError):
                        load.run_wrk(
                            entry.url,
                            body_file,
                            entry.length,
                            connections,
                            self.s.warmup,
                            self.load_core,
                        )
        for round_number in range(1, self.s.rounds + 1):
            for (variant_id, connections), row in rows.items():
                entry = next(e for e in running if e.variant.id == variant_id)
                if not self.check(entry, work):
                    row.note = entry.problem
                    continue
                try:
                    result, cpu_ms, subgraph_cpu_ms = self.measured(
                        entry, body_file, connections, self.s.duration
                    )
                except RuntimeError as error:
                    entry.problem = f"load run failed: {error}".replace("|", "/")
                    row.note = entry.problem
                    continue
                after_ok = self.check(entry, work)
                row.requests += result.requests
                row.seconds += result.seconds
                row.cpu_ms.append(cpu_ms)
                row.subgraph_cpu_ms.append(subgraph_cpu_ms)
                row.errors += result.errors + (0 if after_ok else 1)
                row.p50s.append(result.p50_ms)
                row.p99s.append(result.p99_ms)
                if not after_ok:
                    row.note = entry.problem
                log(
                    f"round {round_number} {variant_id} c={connections}: "
                    f"{result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms, "
                    f"{cpu_ms:.2f} CPU ms/req, "
                    f"{result.errors} errors"
                )
        return list(rows.values())

    def _floor(self, plans: dict[str, dict[str, Any]]) -> dict[int, dict[str, Any]]:
        if not self.s.floor or not plans:
            return {}
        if shutil.which("node") is None:
            return {}
        chosen_id, plan = min(
            plans.items(),
            key=lambda kv: (sum(len(lv) for lv in kv[1]["levels"]), len(kv[1]["levels"])),
        )
        plan_file = self.run_dir / "floor-plan.json"
        plan_file.write_bytes(orjson.dumps(plan))
        out: dict[int, dict[str, Any]] = {}
        assert self.subgraphs is not None
        for connections in self.s.concurrency:
            before = procs.cpu_seconds(self.subgraphs.pid)
            try:
                result = load.run_floor(plan_file, connections, self.s.duration, self.load_core)
            except RuntimeError as error:
                out[connections] = {"note": str(error)}
                continue
            subgraph_cpu = procs.cpu_seconds(self.subgraphs.pid) - before
            out[connections] = {
                "rps": result.rps,
                "p50_ms": result.p50_ms,
                "p99_ms": result.p99_ms,
                "errors": result.errors,
                "plans": result.requests,
                "plan_of": chosen_id,
                "fetches_per_plan": result.raw["fetches_per_plan"],
                "levels": result.raw["levels"],
                "subgraph_cpu_ms_per_plan": subgraph_cpu * 1000 / max(result.requests, 1),
            }
            log(f"floor c={connections}: {result.rps:.0f} plans/s, p99 {result.p99_ms:.1f} ms")
        return out

    def scale_phase(self, variants: list[gateways.Variant]) -> dict[str, dict[int, dict[str, Any]]]:
        sizes = self.s.scale_sizes
        if not sizes:
            return {}
        chosen = [v for v in variants if v.dedupe is not False]
        running = self.start_gateways(chosen, workload.scale(1).supergraph, "scale")
        out: dict[str, dict[int, dict[str, Any]]] = {e.variant.label: {} for e in running}
        try:
            for size in sizes:
                work = workload.scale(size)
                body_file = self.run_dir / f"scale-{size}.json"
                body_file.write_bytes(work.body)
                for entry in running:
                    cell = out[entry.variant.label].setdefault(size, {})
                    if not self.check(entry, work):
                        cell["note"] = entry.problem.split(":")[0]
                        entry.problem = entry.problem if entry.problem.startswith("not") else ""
                        continue
                    with contextlib.suppress(RuntimeError):
                        load.run_wrk(entry.url, body_file, entry.length, 1, 1, self.load_core)
                    result, cpu_ms, _ = self.measured(entry, body_file, 1, self.s.scale_duration)
                    ok_after = self.check(entry, work)
                    cell.update(
                        requests=result.requests,
                        errors=result.errors + (0 if ok_after else 1),
                        cpu_ms=cpu_ms if result.requests else None,
                        p50_ms=result.p50_ms,
                    )
                    log(
                        f"scale {size} {entry.variant.id}: {cell.get('cpu_ms') or 0:.2f} CPU ms/req"
                    )
        finally:
            self.stop(running)
        return out

    def close(self) -> None:
        for managed in reversed(self.started):
            managed.stop()


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # SystemExit unwinds through ``Bench.close``, so no gateway outlives the run.
    raise SystemExit(128 + signum)


def _auth_cost() -> str:
    """``python -m bench.auth_cost --e2e``: token verification in-process, and the benchmark
    query through our gateway anonymous and with a bearer token, alternating (same run)."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.auth_cost", "--n", "1000", "--e2e"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            timeout=900,
            check=True,
        )
    except (subprocess.SubprocessError, OSError) as error:
        return f"not measured: {error}"
    return done.stdout.strip()


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    settings = Settings()
    if load.wrk_available() is None:
        print("wrk is not installed: `make bench-deps` (or apt-get install wrk)", file=sys.stderr)
        return 2
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {settings.load_core})
    variants = [v for v in gateways.VARIANTS if settings.wants(v.gateway)]
    bench = Bench(settings)
    result: dict[str, Any] = {
        "machine": describe_machine(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(settings).items()},
    }
    log(f"run files in {bench.run_dir}")
    try:
        bench.start_subgraphs()
        result["main"] = bench.main_phase(variants)
        result["scale"] = bench.scale_phase(variants)
        log("cold planning time")
        result["planning"] = planning.measure()
    finally:
        bench.close()
    log("cost of authentication (bench/auth_cost.py)")
    result["auth"] = _auth_cost()
    markdown = report.render(result, settings)
    result["main"]["rows"] = [row.as_json() for row in result["main"]["rows"]]
    report.write(settings.out_dir, result, markdown)
    print(markdown)
    log(f"wrote {settings.out_dir / 'latest.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
