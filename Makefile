# SPDX-License-Identifier: GPL-2.0-only
# Thin wrapper: each target does the whole set-up on a fresh Debian 12 machine
# (installs missing packages, configures, builds), then runs its job.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# gnuplot-nox and graphviz draw the pictures (make plots, anonrmap dot -T png)
PKGS := liburcu-dev libcmocka-dev pkg-config zlib1g-dev gnuplot-nox graphviz
# What `make plots` times: 10^6 VMAs takes minutes, so plots stop at 10^5.
SPEED_ARGS ?= --max-vmas 100000 --reps 7
# libFuzzer and the sanitizer runtimes for clang (Debian 12 package names)
FUZZ_PKGS := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 60

.PHONY: all deps deps-fuzz configure build test asan tsan fuzz ci bench speed plots clean

all: build

deps:
	@$(MAKE) -s install-pkgs WANT="$(PKGS)"

deps-fuzz: deps
	@$(MAKE) -s install-pkgs WANT="$(FUZZ_PKGS)"

.PHONY: install-pkgs
install-pkgs:
	@missing=""; for p in $(WANT); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

configure: deps
	@[ -f $(BUILD)/CMakeCache.txt ] || cmake --preset default -B $(BUILD)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The non-kernel suite again under AddressSanitizer + UBSan (gcc).
asan: deps
	@[ -f build-asan/CMakeCache.txt ] || cmake --preset asan
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ctest -LE kernel --output-on-failure -j$(JOBS)

# The stress tests (docs/stress.md) under ThreadSanitizer: the only suite
# with threads racing each other, so the only one tsan has work in. Only the
# two stress binaries are built, which keeps CI's share small.
tsan: deps
	@[ -f build-tsan/CMakeCache.txt ] || cmake --preset tsan
	cmake --build build-tsan -j$(JOBS) --target anonrmap_cli anonrmap_teeth_cli
	cd build-tsan && ctest -L stress --output-on-failure -j$(JOBS)

# Both libFuzzer targets for FUZZ_SECONDS each (docs/fuzzing.md).
fuzz: deps-fuzz
	@[ -f build-fuzz/CMakeCache.txt ] || cmake --preset fuzz
	cmake --build build-fuzz -j$(JOBS)
	sh fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

# What CI runs after `make test`.
ci: asan tsan fuzz

# The tables on stdout, then the pictures in $(BUILD)/bench at a size that
# keeps the whole target under two minutes on a fresh clone; `make plots`
# draws them at full size.
bench: build
	$(BUILD)/bin/anonrmap bench --workload all,recorded; [ $$? -le 1 ]
	$(MAKE) --no-print-directory plots SPEED_ARGS="--max-vmas 30000 --reps 5"

# The speed goals of issue 11, measured beside the live kernel (it takes
# /tmp/anonrmap-live.lock itself while it times the kernel).
speed: build
	$(BUILD)/bin/anonrmap-speed

# Pictures in $(BUILD)/bench: slab KB per design and workload (from
# `anonrmap bench --format csv`), walk cost and fork time (from anonrmap-speed).
plots: build
	@mkdir -p $(BUILD)/bench
	@# exit status 1 is a goal missed, which still leaves figures to draw
	$(BUILD)/bin/anonrmap-speed $(SPEED_ARGS) --csv $(BUILD)/bench fork walk \
	  > $(BUILD)/bench/speed.txt; [ $$? -le 1 ]
	@# exit status 1 is lazy's invariant violations, reported on stderr
	$(BUILD)/bin/anonrmap bench --format csv > $(BUILD)/bench/slab.csv; [ $$? -le 1 ]
	bench/plot.sh $(BUILD)/bench/slab.csv $(BUILD)/bench $(BUILD)/bench

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
