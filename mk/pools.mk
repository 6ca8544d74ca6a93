# mk/pools.mk: the Linux-hosted pools (lib/pool/), their tests, tools and benches.
#
# Course map: docs/pools.md. Targets added here:
#   make pools         the tools: build/pool/weft-compare, weft-logs, pool-bench
#   make compare       run weft-compare here (table on stdout, SVG in build/)
#   make bench-pools   the pool benchmarks (also part of `make bench`)
# Every test binary is built twice: under ASan+UBSan (build/host/) and under
# TSan (build/tsan/); both sets are in TEST_SUITES.

DEPS_PKGS += libcmocka-dev libglib2.0-dev python3 pkg-config zlib1g-dev gzip util-linux

POOL_LIB  := $(addprefix lib/pool/,pool_os_posix.c pool_fork.c future.c future_many.c threadpool.c procpool.c procpool_map.c procpool_manager.c procpool_results.c procpool_spawn.c procpool_worker.c shm_counter.c)
POOL_HDRS := $(wildcard lib/pool/*.h) tests/host/pool_testutil.h
POOL_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Ilib/pool -g -pthread
POOL_ASAN := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
POOL_TSAN := -O1 -fsanitize=thread
POOL_OPT  := -O2

POOL_TESTS := pool_future_test pool_threadpool_test pool_procpool_test pool_shm_test \
              pool_hostile_test pool_wait_test pool_features_test
TEST_SUITES += $(POOL_TESTS:%=$(BUILD)/host/%) $(POOL_TESTS:%=$(BUILD)/tsan/%)

$(BUILD)/host/pool_%_test: tests/host/pool_%_test.c $(POOL_LIB) $(POOL_HDRS) mk/pools.mk
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_ASAN) -o $@ $< $(POOL_LIB) -lcmocka

$(BUILD)/tsan/pool_%_test: tests/host/pool_%_test.c $(POOL_LIB) $(POOL_HDRS) mk/pools.mk
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_TSAN) -o $@ $< $(POOL_LIB) -lcmocka

# The log-analysis case end to end (a script, with the tool's paths filled in):
# the counting runs under ASan+UBSan, the huge-file case on the optimised
# build (ASan's shadow memory would not fit the memory limit it runs under).
LOGS_SRCS := tools/weft_logs.c tools/logscan.c
LOGS_HDRS := tools/logscan.h
TEST_SUITES += $(BUILD)/host/pool_logs_test
$(BUILD)/host/weft-logs: $(LOGS_SRCS) $(LOGS_HDRS) $(POOL_LIB) $(POOL_HDRS) mk/pools.mk
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_ASAN) -Itools -o $@ $(LOGS_SRCS) $(POOL_LIB) -lz
$(BUILD)/host/pool_logs_test: tests/host/pool_logs_test.sh $(BUILD)/host/weft-logs $(BUILD)/pool/weft-logs
	@mkdir -p $(@D)
	sed -e 's|@WEFT_LOGS@|$(abspath $(BUILD)/host/weft-logs)|' \
	    -e 's|@WEFT_LOGS_OPT@|$(abspath $(BUILD)/pool/weft-logs)|' \
	    -e 's|@GEN@|$(abspath tools/gen_access_logs.py)|' $< > $@
	chmod +x $@

# The log reader's edges, one cmocka case each (single-threaded: ASan+UBSan only).
TEST_SUITES += $(BUILD)/host/logscan_test
$(BUILD)/host/logscan_test: tests/host/logscan_test.c tools/logscan.c $(LOGS_HDRS) mk/pools.mk
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_ASAN) -Itools -o $@ $< tools/logscan.c -lz -lcmocka

# The comparison tool, checked the same way, under ASan+UBSan (its figures
# are not judged, only what it prints, draws and refuses).
# The coroutine column runs on lib/coro's event loop (mk/coro.mk, read before this file).
COMPARE_SRCS := tools/weft_compare.c tools/compare_work.c tools/compare_svg.c $(CORO_CORE) $(CORO_ASYNC)
COMPARE_HDRS := tools/compare_svg.h tools/compare_work.h tools/cpuwork.h $(CORO_HDRS)
TEST_SUITES += $(BUILD)/host/pool_compare_test
$(BUILD)/host/weft-compare: $(COMPARE_SRCS) $(COMPARE_HDRS) $(POOL_LIB) $(POOL_HDRS) mk/pools.mk
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_ASAN) -Itools -o $@ $(COMPARE_SRCS) $(POOL_LIB) -lm
$(BUILD)/host/pool_compare_test: tests/host/pool_compare_test.sh $(BUILD)/host/weft-compare
	@mkdir -p $(@D)
	sed -e 's|@WEFT_COMPARE@|$(abspath $(BUILD)/host/weft-compare)|' $< > $@
	chmod +x $@

# The benchmarks' arguments, statistics and pipeline (quick: no timing judged).
TEST_SUITES += $(BUILD)/host/pool_bench_test
$(BUILD)/host/pool_bench_test: tests/host/pool_bench_test.sh $(BUILD)/pool/pool-bench \
		tools/pool_bench.py tools/pool_bench_stats.py tools/pool-bench.sh
	@mkdir -p $(@D)
	sed -e 's|@POOL_BENCH@|$(abspath $(BUILD)/pool/pool-bench)|' \
	    -e 's|@TOOLS@|$(abspath tools)|' $< > $@
	chmod +x $@

.PHONY: pool-tests
pool-tests: $(POOL_TESTS:%=$(BUILD)/host/%) $(POOL_TESTS:%=$(BUILD)/tsan/%) $(BUILD)/host/pool_logs_test \
		$(BUILD)/host/logscan_test \
		$(BUILD)/host/pool_compare_test $(BUILD)/host/pool_bench_test
	@tools/testsuite.sh $(BUILD)/test-logs $^

# ---- tools (optimised, no sanitizers) ----

POOL_TOOLS := $(BUILD)/pool/weft-compare $(BUILD)/pool/weft-logs $(BUILD)/pool/pool-bench

.PHONY: pools compare bench-pools
pools: $(POOL_TOOLS)

$(BUILD)/pool/weft-compare: $(COMPARE_SRCS) $(COMPARE_HDRS) $(POOL_LIB) $(POOL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_OPT) -Itools -o $@ $(COMPARE_SRCS) $(POOL_LIB) -lm

$(BUILD)/pool/weft-logs: $(LOGS_SRCS) $(LOGS_HDRS) $(POOL_LIB) $(POOL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_OPT) -Itools -o $@ $(LOGS_SRCS) $(POOL_LIB) -lz

$(BUILD)/pool/pool-bench: tools/pool_bench.c tools/cpuwork.h $(POOL_LIB) $(POOL_HDRS)
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_OPT) $$(pkg-config --cflags glib-2.0) -o $@ $< $(POOL_LIB) \
		$$(pkg-config --libs glib-2.0)

# The course's experiments on this machine: a table, then build/weft-compare.svg.
compare: $(BUILD)/pool/weft-compare
	@$< -o $(BUILD)/weft-compare.svg
	@echo
	@$< counter

BENCHES += bench-pools
POOL_BENCH_RUNS ?= 9
# Built first with its output on stderr: stdout carries only "bench:" lines.
# Measured figures: medians over POOL_BENCH_RUNS paired rounds, each with
# NAME_min and NAME_max lines; tools/pool-bench.sh says how, and which
# figures the machine was too busy to measure.
bench-pools:
	@$(MAKE) --no-print-directory $(BUILD)/pool/pool-bench >&2
	@tools/pool-bench.sh $(BUILD)/pool/pool-bench $(POOL_BENCH_RUNS)
