# SPDX-License-Identifier: GPL-2.0-only
# Thin wrapper: each target does the whole set-up on a fresh Debian 12 machine
# (installs missing packages, configures, builds), then runs its job.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PKGS := liburcu-dev libcmocka-dev pkg-config zlib1g-dev

.PHONY: all deps configure build test bench clean

all: build

deps:
	@missing=""; for p in $(PKGS); do \
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

bench: build
	$(BUILD)/bin/anonrmap bench

clean:
	rm -rf $(BUILD)
