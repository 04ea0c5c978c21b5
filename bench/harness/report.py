"""The results: aggregated per gateway variant and written as one markdown table (plus
the floor and the entity-scaling table) and as JSON."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from bench.harness import planning
from bench.harness.settings import Settings


@dataclass
class Row:
    """One gateway variant at one concurrency, summed over its rounds."""

    variant: str
    label: str
    dedupe: bool | None
    connections: int
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    #: Per round: CPU milliseconds per request of the gateway's process tree, and of the
    #: subgraphs (see ``Bench.measured``).
    cpu_ms: list[float] = field(default_factory=list)
    subgraph_cpu_ms: list[float] = field(default_factory=list)
    p50s: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    #: Why there are no numbers (not available, wrong answer), else "".
    note: str = ""

    @property
    def rps(self) -> float | None:
        return self.requests / self.seconds if self.seconds and self.requests else None

    @property
    def cpu(self) -> float | None:
        """CPU ms per request: the median over rounds."""
        return statistics.median(self.cpu_ms) if self.cpu_ms else None

    @property
    def subgraph_cpu(self) -> float | None:
        return statistics.median(self.subgraph_cpu_ms) if self.subgraph_cpu_ms else None

    @property
    def p50(self) -> float | None:
        return statistics.median(self.p50s) if self.p50s else None

    @property
    def p99(self) -> float | None:
        return statistics.median(self.p99s) if self.p99s else None

    def as_json(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "connections": self.connections,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "rps": self.rps,
            "p50_ms": self.p50,
            "p99_ms": self.p99,
            "p50_ms_per_round": self.p50s,
            "p99_ms_per_round": self.p99s,
            "errors": self.errors,
            "cpu_ms_per_request": self.cpu,
            "cpu_ms_per_request_per_round": self.cpu_ms,
            "subgraph_cpu_ms_per_request": self.subgraph_cpu,
            "peak_memory_mb": self.peak_mb or None,
            "note": self.note,
        }


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or not theirs:
        return "-"
    return f"{ours / theirs:.2f}"


def group_of(row: Row) -> str:
    if row.connections == 1:
        return "c=1"
    return f"c={row.connections}, dedupe {'on' if row.dedupe else 'off'}"


def main_table(rows: list[Row], floor: dict[int, dict[str, Any]]) -> list[str]:
    out = [
        "| run | gateway | req/s | p50 ms | p99 ms | errors | CPU ms/req | peak MiB "
        "| ours÷this CPU/req | ours÷this p99 | ours÷this req/s |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(group_of(row), []).append(row)
    for group, members in groups.items():
        ours = next((r for r in members if r.variant.startswith("ours")), None)
        for row in members:
            name = row.label
            if row.note and not row.requests:
                out.append(f"| {group} | {name} | {row.note} |  |  |  |  |  |  |  |  |")
                continue
            ratios = ["-", "-", "-"]
            if ours is not None and row is not ours:
                ratios = [
                    _ratio(ours.cpu, row.cpu),
                    _ratio(ours.p99, row.p99),
                    _ratio(ours.rps, row.rps),
                ]
            out.append(
                f"| {group} | {name} | {_num(row.rps, 0)} | {_num(row.p50, 2)} | "
                f"{_num(row.p99, 2)} | {row.errors} | {_num(row.cpu, 2)} | "
                f"{_num(row.peak_mb, 0)} | {' | '.join(ratios)} |"
            )
        connections = members[0].connections
        if connections in floor and group in ("c=1", f"c={connections}, dedupe off"):
            f = floor[connections]
            out.append(
                f"| {group} | floor: subgraphs only | {_num(f.get('rps'), 0)} | "
                f"{_num(f.get('p50_ms'), 2)} | {_num(f.get('p99_ms'), 2)} | "
                f"{f.get('errors', '-')} | 0 | - | - | - | - |"
            )
    return out


def scale_table(scale: dict[str, dict[int, dict[str, Any]]], sizes: list[int]) -> list[str]:
    head = " | ".join(f"{n:,} entities" for n in sizes)
    out = [
        f"| gateway | {head} | µs per entity at {sizes[-1]:,} |",
        "|---|" + "--:|" * (len(sizes) + 1),
    ]
    for label, by_size in scale.items():
        cells = []
        for n in sizes:
            entry = by_size.get(n, {})
            cells.append(
                _num(entry.get("cpu_ms"), 2) if entry.get("cpu_ms") else entry.get("note") or "-"
            )
        last = by_size.get(sizes[-1], {}).get("cpu_ms")
        per_entity = _num(last * 1000 / sizes[-1], 2) if last else "-"
        out.append(f"| {label} | {' | '.join(cells)} | {per_entity} |")
    return out


def write(out_dir: Path, result: dict[str, Any], markdown: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.md").write_text(markdown)
    (out_dir / "latest.json").write_bytes(
        orjson.dumps(result, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    )


def render(result: dict[str, Any], settings: Settings) -> str:
    """The markdown of ``latest.md``."""
    m = result["machine"]
    main = result["main"]
    lines = [
        "# Gateway benchmark: latest result",
        "",
        f"Run {m['date']} on {m['nproc']} cores ({m['cpu_model']}), load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}; "
        f"{settings.rounds} rounds x {settings.duration:g} s per gateway and concurrency, "
        f"gateway pinned to core {settings.gateway_core}, wrk and subgraphs on core "
        f"{settings.load_core}. Every response checked (status and length in wrk; a full "
        "JSON comparison before and after each run). `make bench` wrote this file.",
        "",
        "## The benchmark query (TestQuery)",
        "",
        *main_table(main["rows"], main["floor"]),
        "",
        "req/s: completed requests per second (all rounds); p50/p99: median over rounds; "
        "errors: non-200, wrong-length, socket errors and failed full checks; CPU ms/req: "
        "the gateway's process tree, median over rounds; peak MiB: VmHWM summed over the "
        "tree. ours÷this: below 1 is better for us in CPU and p99, above 1 in req/s; ours "
        "is compared within the same run group (same concurrency and dedupe setting).",
        "",
    ]
    if main["floor"]:
        any_floor = next(iter(main["floor"].values()))
        lines += [
            f"Floor: the {any_floor.get('fetches_per_plan')} subgraph requests "
            f"({any_floor.get('levels')} levels) that `{any_floor.get('plan_of')}` sends for "
            "one query, replayed straight to the subgraphs by `bench/peers/floor.mjs` (Node, "
            "keep-alive, each level's requests in parallel); its req/s are whole plans per "
            "second.",
            "",
        ]
    if main["plans"]:
        lines.append(
            "Subgraph requests per query: "
            + ", ".join(
                f"{k} {v['fetches']} in {v['levels']} levels" for k, v in main["plans"].items()
            )
            + "."
        )
        lines.append("")
    if result.get("scale"):
        lines += [
            "## CPU ms per request by entities in the response",
            "",
            "`productList(count: N) { upc name price weight inStock shippingEstimate }`: "
            "one entity hop (products → inventory, with `@requires`), one connection, "
            f"{settings.scale_duration:g} s per gateway and size.",
            "",
            *scale_table(result["scale"], list(settings.scale_sizes)),
            "",
        ]
    if result.get("planning"):
        lines += [
            "## Cold planning time (ours)",
            "",
            "A fresh planner over a fresh resolution graph per run (plans are cached, so a "
            "client pays this once per operation and process), median and best of "
            f"{planning.RUNS} runs in-process: `python -m bench.harness.planning`.",
            "",
            *planning.table(result["planning"]),
            "",
        ]
    if result.get("auth"):
        lines += [
            "## Cost of authentication (ours)",
            "",
            "`python -m bench.auth_cost --n 1000 --e2e`: CPU per operation in-process, then the "
            "benchmark query through the whole gateway anonymous and with a bearer token, in "
            "alternating rounds of the same run.",
            "",
            "```",
            result["auth"],
            "```",
            "",
        ]
    lines += ["## Versions", ""]
    lines += [f"- {k}: {v}" for k, v in main["versions"].items()]
    lines += [
        f"- machine: kernel {m['kernel']}, Python {m['python']}, Node {m['node']}, {m['wrk']}",
        "",
    ]
    if main["problems"]:
        lines += ["## Problems", ""]
        lines += [f"- {k}: {v}" for k, v in main["problems"].items()]
        lines.append("")
    return "\n".join(lines)
