# ktsim — GNU Make build.  `make` builds, `make test` runs every suite,
# `make demo` runs the 50/25/25 scenario, `make bench` measures speed.
# `make deps` installs missing Debian packages (run by demo and test).
# V=1 shows full commands; SAN=1 builds with address+undefined sanitizers.

CC      ?= gcc
OPT     ?= -O2
# Link-time optimisation inlines across modules (the flow path calls into
# server, nat, pool, dist and engine on every event): +7-10% events/s on
# bench-reference, results byte-identical. LTO= turns it off.
LTO     ?= -flto=auto
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wundef -Wwrite-strings
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
PKGS    := gsl libcjson cunit
PKG_CFLAGS = $(shell pkg-config --cflags gsl libcjson 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs gsl libcjson 2>/dev/null)
CFLAGS  ?=
CFLAGS  += $(OPT) $(LTO) -g $(CSTD) $(WARN) -Iinclude $(PKG_CFLAGS) -DHAVE_INLINE -MMD -MP
LDFLAGS += $(OPT) $(LTO)
LDLIBS  += $(PKG_LIBS) -lm

BUILD   := build
ifeq ($(SAN),1)
  CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=address,undefined
  BUILD   := build-san
endif
# MPI=1: sweeps across ranks (Debian's Open MPI, mpicc).
ifeq ($(MPI),1)
  CC      := mpicc
  CFLAGS  += -DKTSIM_MPI
  BUILD   := $(BUILD)-mpi
endif
# A sanitizer or MPI build keeps its binary apart so ./ktsim is never stale.
BIN     := $(if $(filter 1,$(SAN) $(MPI)),$(BUILD)/ktsim,ktsim)
# Test builds check invariants after every operation (heap order, flow balance).
TEST_CFLAGS := -DKTSIM_CHECKS

ifeq ($(V),1)
  Q :=
  say :=@true
else
  Q := @
  say := @printf '  %-6s %s\n'
endif

SRCS    := $(wildcard sim/*.c)
LIBSRCS := $(filter-out sim/main.c,$(SRCS))
OBJS    := $(SRCS:sim/%.c=$(BUILD)/%.o)
LIBOBJS := $(LIBSRCS:sim/%.c=$(BUILD)/%.o)
TOBJS   := $(LIBSRCS:sim/%.c=$(BUILD)/t/%.o)
TSRCS   := $(wildcard tests/test_*.c)
TTOBJS  := $(TSRCS:tests/%.c=$(BUILD)/t/%.o)
TBIN    := $(BUILD)/ktsim-tests

DEB_PKGS := build-essential pkg-config libgsl-dev libcjson-dev libcunit1-dev gnuplot-nox python3 \
            libopenmpi-dev openmpi-bin valgrind

.PHONY: all test test-core test-san check demo bench deps clean test-update mpi-bin fuzz
all: $(BIN)

# Install whatever Debian packages are missing (needs root, as on the CI machine).
deps:
	@missing=""; \
	for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "run as root: apt-get install -y$$missing" >&2; exit 1; fi; \
	fi

$(BUILD)/CFLAGS: FORCE | $(BUILD)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@

$(BUILD) $(BUILD)/t:
	@mkdir -p $@

$(BUILD)/%.o: sim/%.c $(BUILD)/CFLAGS | $(BUILD)
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/t/%.o: sim/%.c $(BUILD)/CFLAGS | $(BUILD)/t
	$(say) CC '$< (checks)'
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/t/test_%.o: tests/test_%.c $(BUILD)/CFLAGS | $(BUILD)/t
	$(say) CC $<
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(BIN): $(OBJS)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) $(OBJS) -o $@ $(LDLIBS)

$(TBIN): $(TOBJS) $(TTOBJS)
	$(say) LD $@
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS) -lcunit

# `make test`: install, build, then every suite; then the unit, bad-input
# and command-line suites again under address and undefined-behaviour
# sanitizers, and a short run under valgrind. `make test SAN=1` runs the
# sanitized pass alone.
test: deps
	@$(MAKE) --no-print-directory test-core
ifneq ($(SAN),1)
	@$(MAKE) --no-print-directory SAN=1 test-san
	@sh tests/run_valgrind.sh ./$(BIN)
endif

test-core:
	@$(MAKE) --no-print-directory $(BIN) $(TBIN)
	@$(MAKE) --no-print-directory check-layers
	@sh tests/run_bad_inputs.sh ./$(BIN)
	@KTSIM_SAN=$(SAN) sh tests/run_cli.sh ./$(BIN)
	@sh tests/update_reference.sh ./$(BIN) --check
	@$(MAKE) --no-print-directory MPI=1 SAN= mpi-bin
	@sh tests/run_sweep.sh ./$(BIN) build-mpi/ktsim
	@sh tests/run_plan.sh ./$(BIN)
	@cd tests && ../$(TBIN)

test-san:
	@$(MAKE) --no-print-directory $(BIN) $(TBIN)
	@sh tests/run_bad_inputs.sh ./$(BIN)
	@KTSIM_SAN=1 sh tests/run_cli.sh ./$(BIN)
	@cd tests && ../$(TBIN)

check: test

mpi-bin: $(BIN)

# The engine layer must know nothing of Kubernetes (STYLE habit 1).
check-layers:
	@bad=$$(grep -l -E '#include "ktsim/(cluster|placement|lb|proxy|server|metrics|sim|scenario|results|summary|json)\.h"' \
	  sim/engine.c sim/rng.c sim/dist.c sim/stats.c sim/pool.c sim/ring.c 2>/dev/null); \
	if [ -n "$$bad" ]; then echo "layering: engine modules include model headers: $$bad" >&2; exit 1; fi

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	./$(BIN) run scenarios/local-50-25-25.json -o out/demo

bench: deps
	@$(MAKE) --no-print-directory $(BIN) $(BUILD)/bench-engine $(BUILD)/bench-placement
	@sh tests/bench.sh ./$(BIN)

$(BUILD)/bench-engine: tests/bench_engine.c $(LIBOBJS)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS) -Wno-missing-prototypes $^ -o $@ $(LDLIBS)

$(BUILD)/bench-placement: tests/bench_placement.c $(LIBOBJS)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS) -Wno-missing-prototypes $^ -o $@ $(LDLIBS)

# Coverage-guided fuzzing of the scenario loader with clang's libFuzzer, for
# FUZZ_TIME seconds (default 60), from a corpus of the shipped scenarios and
# the bad-input cases. Crashes land in build-fuzz/ as crash-*.
FUZZ_TIME ?= 60
fuzz:
	@missing=""; for p in clang libclang-rt-14-dev; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi
	@mkdir -p build-fuzz/corpus
	@cp scenarios/*.json tests/scenarios/bad/*.json build-fuzz/corpus/
	$(say) CC build-fuzz/fuzz-scenario
	$(Q)clang -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -DHAVE_INLINE -Iinclude $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		tests/fuzz/fuzz_scenario.c $(LIBSRCS) -o build-fuzz/fuzz-scenario $(LDLIBS)
	cd build-fuzz && ./fuzz-scenario -max_total_time=$(FUZZ_TIME) -max_len=65536 -timeout=10 \
		-rss_limit_mb=4096 corpus

# Regenerate the golden summaries on purpose after a deliberate model change.
test-update: $(BIN)
	@sh tests/update_reference.sh ./$(BIN)

clean:
	rm -rf build build-san build-mpi build-fuzz ktsim out

FORCE:
-include $(OBJS:.o=.d) $(TOBJS:.o=.d) $(TTOBJS:.o=.d)
