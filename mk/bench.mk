# The side-by-side gateway benchmark (issue 6): `make bench`, code in bench/, docs/bench.md.
#
# bench-deps installs what a fresh clone lacks: the venv, the peer gateways from npm at the
# versions bench/peers/package-lock.json pins, and wrk (Debian's package; needs root or
# passwordless sudo - otherwise it says how to install it and stops).
# Knobs (environment): BENCH_DURATION, BENCH_ROUNDS, BENCH_WARMUP, BENCH_CONCURRENCY,
# BENCH_GATEWAYS, BENCH_SCALE_SIZES, BENCH_SCALE_DURATION, BENCH_FLOOR - see docs/bench.md.

BENCH_PEERS := bench/peers
BENCH_NPM_CI := npm ci --no-audit --no-fund --loglevel=error

.PHONY: bench bench-deps bench-wrk bench-smoke

$(BENCH_PEERS)/node_modules/.package-lock.json: $(BENCH_PEERS)/package-lock.json
	cd $(BENCH_PEERS) && $(BENCH_NPM_CI)

bench-wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "bench: wrk is missing and this user cannot install packages;" \
	    "install it with: apt-get install -y wrk" >&2; exit 1; fi; \
	  $$SUDO apt-get install -y -q wrk >/dev/null 2>&1 || \
	    { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q wrk >/dev/null; } || \
	    { echo "bench: could not install wrk (apt-get install -y wrk)" >&2; exit 1; }; }

## Install what the benchmark needs: venv, peer gateways (npm ci), wrk.
bench-deps: $(STAMP) $(BENCH_PEERS)/node_modules/.package-lock.json bench-wrk

## Run the whole benchmark and write bench/results/latest.md (about 15 minutes).
bench: bench-deps
	$(PY) -m bench

## A quick end-to-end pass (a few seconds per gateway; numbers are not meaningful).
bench-smoke: bench-deps
	BENCH_DURATION=2 BENCH_ROUNDS=1 BENCH_WARMUP=1 BENCH_SCALE_SIZES=10,1000 \
	  BENCH_SCALE_DURATION=2 BENCH_OUT=bench/.run/smoke $(PY) -m bench
