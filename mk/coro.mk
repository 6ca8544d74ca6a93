# mk/coro.mk: coroutines, generators and the async runtime (lib/coro/), their
# host tests and benches, and their weft builds.
#
# Course map: docs/course-map.md section "Coroutines", docs/async.md.
#   make coro-tests    build and run just the host suites below
#   make bench-coro    the Linux switch figures (part of `make bench`)
# Host suites are built under ASan+UBSan (build/host/); those with threads
# also under TSan (build/tsan/).

DEPS_PKGS += libcmocka-dev libboost-context-dev g++

CORO_CORE  := lib/coro/coro.c lib/coro/coro_sanitize.c lib/coro/stack.c \
              lib/coro/stack_posix.c lib/coro/switch_x86_64.S
CORO_GEN   := lib/coro/gen.c lib/coro/yieldloop.c
CORO_ASYNC := lib/coro/async_loop.c lib/coro/async_future.c lib/coro/async_task.c \
              lib/coro/async_ops.c lib/coro/async_pool.c lib/coro/poller_epoll.c
CORO_HDRS  := $(wildcard lib/coro/*.h) tests/host/coro_testutil.h
CORO_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -g -pthread
CORO_ASAN  := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
CORO_TSAN  := -O1 -fsanitize=thread

CORO_TESTS := coro_test gen_test yieldloop_test async_test
TEST_SUITES += $(CORO_TESTS:%=$(BUILD)/host/%) $(BUILD)/tsan/async_test

$(BUILD)/host/coro_test $(BUILD)/host/gen_test $(BUILD)/host/yieldloop_test: \
    $(BUILD)/host/%: tests/host/%.c $(CORO_CORE) $(CORO_GEN) $(CORO_HDRS) mk/coro.mk
	@mkdir -p $(@D)
	$(CC) $(CORO_CFLAGS) $(CORO_ASAN) -o $@ $< $(CORO_CORE) $(CORO_GEN) -lcmocka -lm

CORO_POOL := lib/pool/future.c lib/pool/threadpool.c lib/pool/pool_os_posix.c
$(BUILD)/host/async_test: tests/host/async_test.c $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL) $(CORO_HDRS) mk/coro.mk
	@mkdir -p $(@D)
	$(CC) $(CORO_CFLAGS) $(CORO_ASAN) -Ilib/pool -o $@ $< $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL) -lcmocka
$(BUILD)/tsan/async_test: tests/host/async_test.c $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL) $(CORO_HDRS) mk/coro.mk
	@mkdir -p $(@D)
	$(CC) $(CORO_CFLAGS) $(CORO_TSAN) -Ilib/pool -o $@ $< $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL) -lcmocka

.PHONY: coro-tests
coro-tests: $(CORO_TESTS:%=$(BUILD)/host/%) $(BUILD)/tsan/async_test
	@tools/testsuite.sh $(BUILD)/test-logs $^

# ---- On weft: lib/coro in the user runtime -----------------------------------
# The stackful switch for Thumb-2 and the generators, compiled like lib/user
# and linked into every program like lib/user (--gc-sections drops what a
# program does not use; an archive would come before the program on the
# link line and give it nothing). apps/gen.c and apps/switchdemo.c
# are the demos; tests/target/coro-demos.sh runs them through the shell.
CORO_USRCS := lib/coro/coro.c lib/coro/coro_sanitize.c lib/coro/stack.c lib/coro/stack_weft.c \
              lib/coro/switch_armv7m.S lib/coro/gen.c lib/coro/yieldloop.c
CORO_UOBJS := $(CORO_USRCS:%=$(BUILD)/user/%.o)
ULIB_OBJS  += $(CORO_UOBJS)
$(APP_ELFS): $(CORO_UOBJS)

$(filter %.c.o,$(CORO_UOBJS)): $(BUILD)/user/%.c.o: %.c mk/coro.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(UCFLAGS) -c $< -o $@
$(filter %.S.o,$(CORO_UOBJS)): $(BUILD)/user/%.S.o: %.S mk/coro.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(UCFLAGS) -c $< -o $@

TEST_SUITES += tests/target/coro-demos.sh
