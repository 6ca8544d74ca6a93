# mk/pools.mk: the Linux-hosted pools (lib/pool/), their tests, tools and benches.
#
# Course map: docs/pools.md. Targets added here:
#   make pools         the tools: build/pool/weft-compare, weft-logs, pool-bench
#   make compare       run weft-compare here (table on stdout, SVG in build/)
#   make bench-pools   the pool benchmarks (also part of `make bench`)
# Every test binary is built twice: under ASan+UBSan (build/host/) and under
# TSan (build/tsan/); both sets are in TEST_SUITES.

DEPS_PKGS += libcmocka-dev libglib2.0-dev python3 pkg-config

POOL_LIB  := $(addprefix lib/pool/,pool_os_posix.c future.c threadpool.c procpool.c procpool_manager.c procpool_worker.c shm_counter.c)
POOL_HDRS := $(wildcard lib/pool/*.h) tests/host/pool_testutil.h
POOL_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Ilib/pool -g -pthread
POOL_ASAN := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
POOL_TSAN := -O1 -fsanitize=thread
POOL_OPT  := -O2

POOL_TESTS := pool_future_test pool_threadpool_test pool_procpool_test pool_shm_test
TEST_SUITES += $(POOL_TESTS:%=$(BUILD)/host/%) $(POOL_TESTS:%=$(BUILD)/tsan/%)

$(BUILD)/host/pool_%_test: tests/host/pool_%_test.c $(POOL_LIB) $(POOL_HDRS) mk/pools.mk
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_ASAN) -o $@ $< $(POOL_LIB) -lcmocka

$(BUILD)/tsan/pool_%_test: tests/host/pool_%_test.c $(POOL_LIB) $(POOL_HDRS) mk/pools.mk
	@mkdir -p $(@D)
	$(CC) $(POOL_CFLAGS) $(POOL_TSAN) -o $@ $< $(POOL_LIB) -lcmocka

.PHONY: pool-tests
pool-tests: $(POOL_TESTS:%=$(BUILD)/host/%) $(POOL_TESTS:%=$(BUILD)/tsan/%)
	@tools/testsuite.sh $(BUILD)/test-logs $^
