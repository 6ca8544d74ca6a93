# mk/coro.mk: coroutines, generators and the async runtime (lib/coro/), their
# host tests and benches, and their weft builds.
#
# Course map: docs/course-map.md section "Coroutines", docs/async.md.
#   make coro-tests    build and run just the host suites below
#   make bench-coro    the Linux switch figures (part of `make bench`)
# Host suites are built under ASan+UBSan (build/host/); those with threads
# also under TSan (build/tsan/).

DEPS_PKGS += libcmocka-dev libboost-context-dev gdb

CORO_CORE  := lib/coro/coro.c lib/coro/coro_sanitize.c lib/coro/stack.c \
              lib/coro/stack_posix.c lib/coro/switch_x86_64.S
CORO_GEN   := lib/coro/gen.c lib/coro/yieldloop.c
CORO_ASYNC := lib/coro/async_loop.c lib/coro/async_os_posix.c lib/coro/async_future.c lib/coro/async_task.c \
              lib/coro/async_ops.c lib/coro/async_pool.c lib/coro/poller_epoll.c \
              lib/coro/async_timer.c lib/coro/async_fd.c lib/coro/async_signal.c
CORO_HDRS  := $(wildcard lib/coro/*.h) tests/host/coro_testutil.h tests/host/async_fake.h
CORO_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -g -pthread
CORO_ASAN  := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
CORO_TSAN  := -O1 -fsanitize=thread

CORO_TESTS := coro_test gen_test yieldloop_test async_test async_io_test
TEST_SUITES += $(CORO_TESTS:%=$(BUILD)/host/%) $(BUILD)/tsan/async_test

$(BUILD)/host/coro_test $(BUILD)/host/gen_test $(BUILD)/host/yieldloop_test: \
    $(BUILD)/host/%: tests/host/%.c $(CORO_CORE) $(CORO_GEN) $(CORO_HDRS) mk/coro.mk
	@mkdir -p $(@D)
	$(CC) $(CORO_CFLAGS) $(CORO_ASAN) -o $@ $< $(CORO_CORE) $(CORO_GEN) -lcmocka -lm

CORO_POOL := $(addprefix lib/pool/,future.c threadpool.c pool_os_posix.c pool_fork.c)
$(BUILD)/host/async_test $(BUILD)/host/async_io_test: $(BUILD)/host/%: tests/host/%.c $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL) $(CORO_HDRS) mk/coro.mk
	@mkdir -p $(@D)
	$(CC) $(CORO_CFLAGS) $(CORO_ASAN) -Ilib/pool -o $@ $< $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL) -lcmocka
$(BUILD)/tsan/async_test: tests/host/async_test.c $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL) $(CORO_HDRS) mk/coro.mk
	@mkdir -p $(@D)
	$(CC) $(CORO_CFLAGS) $(CORO_TSAN) -Ilib/pool -o $@ $< $(CORO_CORE) $(CORO_ASYNC) $(CORO_POOL) -lcmocka

# The ASan builds again, with fake stacks, and not one sanitizer warning.
TEST_SUITES += $(BUILD)/host/coro_asan_test
$(BUILD)/host/coro_asan_test: tests/host/coro_asan_test.sh $(CORO_TESTS:%=$(BUILD)/host/%) mk/coro.mk
	sed -e 's|@BUILD@|$(abspath $(BUILD)/host)|' $< > $@
	chmod +x $@

# gdb's backtrace inside a coroutine (a script, with the binary filled in).
TEST_SUITES += $(BUILD)/host/coro_gdb_test
$(BUILD)/host/coro_gdb_test: tests/host/coro_gdb_test.sh $(BUILD)/host/coro_test mk/coro.mk
	sed -e 's|@CORO_TEST@|$(abspath $(BUILD)/host/coro_test)|' -e 's|@GDB@|gdb|' \
	    -e 's|@QEMU@||' -e 's|@SAVED@|10|' $< > $@
	chmod +x $@

# ---- AArch64: the same suites, cross-compiled, run under qemu-user ----------
# The switch for 64-bit ARM (lib/coro/switch_aarch64.S) is checked by the
# host's own suites (the event loop's too, on epoll and the thread pool),
# built with the cross compiler (static, so qemu-aarch64 needs no ARM
# library tree) and -DCORO_CHECKED (the wrappers that check the
# floating-point rule; no sanitizers under qemu-user). cmocka is not
# installed for arm64, so tests/host/cross/cmocka.h stands in for it.
# build/aarch64/NAME is a script that runs NAME.bin under qemu-aarch64,
# bounded by timeout like every suite; coro_gdb_test takes its backtraces
# through qemu-aarch64's gdb stub with gdb-multiarch.
DEPS_PKGS += gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
CORO_A64_CC    := aarch64-linux-gnu-gcc
CORO_A64_SRCS  := lib/coro/coro.c lib/coro/coro_sanitize.c lib/coro/stack.c \
                  lib/coro/stack_posix.c lib/coro/switch_aarch64.S $(CORO_GEN)
CORO_A64_PLAIN := $(addprefix $(BUILD)/aarch64/,coro_test gen_test yieldloop_test)
CORO_A64_TESTS := $(CORO_A64_PLAIN) $(BUILD)/aarch64/async_test
CORO_A64_FLAGS := $(CORO_CFLAGS) -O1 -DCORO_CHECKED -static -Itests/host/cross
TEST_SUITES += $(CORO_A64_TESTS)

$(CORO_A64_PLAIN:%=%.bin): $(BUILD)/aarch64/%.bin: tests/host/%.c $(CORO_A64_SRCS) $(CORO_HDRS) \
    tests/host/cross/cmocka.h mk/coro.mk
	@mkdir -p $(@D)
	$(CORO_A64_CC) $(CORO_A64_FLAGS) -o $@ $< $(CORO_A64_SRCS) -lm
$(BUILD)/aarch64/async_test.bin: tests/host/async_test.c $(CORO_A64_SRCS) $(CORO_ASYNC) $(CORO_POOL) \
    $(CORO_HDRS) tests/host/cross/cmocka.h mk/coro.mk
	@mkdir -p $(@D)
	$(CORO_A64_CC) $(CORO_A64_FLAGS) -Ilib/pool -o $@ $< $(CORO_A64_SRCS) $(CORO_ASYNC) $(CORO_POOL)
$(CORO_A64_TESTS): %: %.bin
	printf '#!/bin/sh\nexec timeout 120 qemu-aarch64 %s\n' '$(abspath $<)' > $@
	chmod +x $@
# gdb's backtrace inside a coroutine, through qemu-aarch64's gdb stub.
TEST_SUITES += $(BUILD)/aarch64/coro_gdb_test
DEPS_PKGS += gdb-multiarch
$(BUILD)/aarch64/coro_gdb_test: tests/host/coro_gdb_test.sh $(BUILD)/aarch64/coro_test.bin mk/coro.mk
	sed -e 's|@CORO_TEST@|$(abspath $(BUILD)/aarch64/coro_test.bin)|' -e 's|@GDB@|gdb-multiarch|' \
	    -e 's|@QEMU@|qemu-aarch64|' -e 's|@SAVED@|44|' $< > $@
	chmod +x $@

.PHONY: coro-tests
coro-tests: $(CORO_TESTS:%=$(BUILD)/host/%) $(BUILD)/tsan/async_test $(BUILD)/host/coro_gdb_test \
            $(BUILD)/host/coro_asan_test \
            $(CORO_A64_TESTS) $(BUILD)/aarch64/coro_gdb_test
	@tools/testsuite.sh $(BUILD)/test-logs $^

# ---- On weft: lib/coro in the user runtime -----------------------------------
# The stackful switch for Thumb-2 and the generators, compiled like lib/user
# and linked into every program like lib/user (--gc-sections drops what a
# program does not use; an archive would come before the program on the
# link line and give it nothing). apps/gen.c and apps/switchdemo.c
# are the demos; tests/target/coro-demos.sh runs them through the shell.
# The loop's pool bridge (async_pool.c) brings lib/pool's thread pool along,
# on weft's system calls (pool_os_weft.c), as apps/pooldemo.c uses it.
CORO_USRCS := lib/coro/coro.c lib/coro/coro_sanitize.c lib/coro/stack.c lib/coro/stack_weft.c \
              lib/coro/switch_armv7m.S lib/coro/gen.c lib/coro/yieldloop.c \
              lib/coro/async_loop.c lib/coro/async_future.c lib/coro/async_task.c \
              lib/coro/async_ops.c lib/coro/async_timer.c lib/coro/async_os_weft.c lib/coro/poller_weft.c \
              lib/coro/async_pool.c lib/pool/future.c lib/pool/threadpool.c lib/pool/pool_os_weft.c
CORO_UOBJS := $(CORO_USRCS:%=$(BUILD)/user/%.o)
ULIB_OBJS  += $(CORO_UOBJS)
$(APP_ELFS): $(CORO_UOBJS)

$(CORO_UOBJS): UCFLAGS += -DASYNC_STACK=4096 -DPOOL_OS_WEFT -Ilib/pool
$(filter %.c.o,$(CORO_UOBJS)): $(BUILD)/user/%.c.o: %.c mk/coro.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(UCFLAGS) -c $< -o $@
$(filter %.S.o,$(CORO_UOBJS)): $(BUILD)/user/%.S.o: %.S mk/coro.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(UCFLAGS) -c $< -o $@

TEST_SUITES += tests/target/coro-demos.sh

# ---- The host suites, on weft ------------------------------------------------
# tests/host/{coro,gen,yieldloop,async}_test.c built unchanged as weft
# programs against a cmocka of our own (tests/target/cmocka/, its runner
# tests/target/cmocka_weft.c), in the image's program table (`run coro_test`),
# and run through the shell by tests/target/coro-suites.sh.
CORO_WEFT_SUITES := coro_test gen_test yieldloop_test async_test
CWS_OBJS   := $(CORO_WEFT_SUITES:%=$(BUILD)/user/tests/host/%.c.o)
CWS_RUNNER := $(BUILD)/user/tests/target/cmocka_weft.c.o
CWS_PROGS  := $(CORO_WEFT_SUITES:%=$(BUILD)/progs/%.prog)
$(CWS_OBJS) $(CWS_RUNNER): $(BUILD)/user/%.c.o: %.c tests/target/cmocka/cmocka.h mk/coro.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(UCFLAGS) -DPOOL_OS_WEFT -Itests/target/cmocka -c $< -o $@
$(CORO_WEFT_SUITES:%=$(BUILD)/user/%.elf): $(BUILD)/user/%.elf: $(BUILD)/user/tests/host/%.c.o \
                                           $(CWS_RUNNER) $(ULIB_OBJS) linker/app.ld
	$(CROSS)gcc $(ULDFLAGS) $(ULIB_OBJS) $< $(CWS_RUNNER) -o $@ -Wl,-Map=$(@:.elf=.map)
# 64 KiB of heap (coro_test's pooled stacks are 16 KiB each) and 16 KiB of
# stack (a death test keeps 4 KiB of stderr on it): written for Linux.
$(CWS_PROGS): $(BUILD)/progs/%.prog: $(BUILD)/user/%.elf $(MKPROG)
	@mkdir -p $(@D)
	$(MKPROG) $< $* $@ --stack 16384 --heap 65536
$(PROGS_BIN): $(CWS_PROGS)
TEST_SUITES += tests/target/coro-suites.sh
# asyncdemo serving UART1 over TCP beside its timers and the console; 64 KiB
# of CRLF lines; Ctrl-C while its tasks wait.
TEST_SUITES += tests/target/async-serial.sh

# ---- Benchmarks ------------------------------------------------------------------
# bench-coro-linux: tools/coro_bench.c, lib/coro against swapcontext and
# boost.context's fcontext, paired round by round (optimised, no sanitizers).
# bench-coro-weft: the Thumb-2 switch and a generator resume in instructions
# under icount (tests/target/bench_coro.c), built like the other bench images.
BENCHES += bench-coro-linux bench-coro-weft bench-pollwake
CORO_BENCH_RUNS ?= 11

$(BUILD)/coro/coro-bench: tools/coro_bench.c $(CORO_CORE) $(CORO_GEN) $(CORO_HDRS) mk/coro.mk
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2 -g -o $@ $< $(CORO_CORE) $(CORO_GEN) \
	    -Wl,-Bstatic -lboost_context -Wl,-Bdynamic

CORO_WEFT_SRCS := lib/coro/coro.c lib/coro/coro_sanitize.c lib/coro/switch_armv7m.S lib/coro/gen.c \
                  lib/coro/stack.c
$(BUILD)/bench-coro.elf: $(patsubst $(BUILD)/arm/%,$(BUILD)/arm-bench/%,$(KERNEL_OBJS)) \
                         $(BUILD)/arm-bench/tests/target/bench_coro.c.o \
                         $(CORO_WEFT_SRCS:%=$(BUILD)/arm-bench/%.o)
test-build: $(BUILD)/bench-coro.elf
# The image runs, and the switch stays within the issue's aim (deterministic under icount).
TEST_SUITES += tests/target/bench-coro-check.sh

.PHONY: bench-coro-linux bench-coro-weft
bench-coro-linux:
	@$(MAKE) --no-print-directory $(BUILD)/coro/coro-bench >&2
	@$(BUILD)/coro/coro-bench $(CORO_BENCH_RUNS)

bench-coro-weft:
	@$(MAKE) --no-print-directory $(BUILD)/bench-coro.elf >&2
	@QEMU_ICOUNT=shift=10,sleep=off QEMU_TIMEOUT=120 tools/qemu.sh \
	    $(BUILD)/bench-coro.elf < /dev/null > $(BUILD)/bench-coro.log 2>&1 \
	    || { cat $(BUILD)/bench-coro.log >&2; exit 1; }
	@tr -d '\r' < $(BUILD)/bench-coro.log | grep '^bench: '

# bench-pollwake: a console byte's interrupt to the coroutine that awaited it
# (tests/target/bench_pollwake.c, apps/pollwake.c), in instructions under
# icount. The harness plays init (it spawns pollwake itself). Its bytes come
# 0.2 s of host time apart, after a second for the boot, so each finds the
# CPU asleep; qemu.sh's Ctrl-D after them is not read.
PW_BYTES := sleep 1; for i in 1 2 3 4 5 6 7 8; do printf x; sleep 0.2; done
$(BUILD)/bench-pollwake.elf: $(patsubst $(BUILD)/arm/%,$(BUILD)/arm-bench/%,$(KERNEL_OBJS) \
                               $(filter-out %/initproc.c.o %/progtab.o,$(PROC_OBJS))) \
                             $(BUILD)/arm/progtab.o $(BUILD)/arm-bench/tests/target/bench_pollwake.c.o
test-build: $(BUILD)/bench-pollwake.elf
.PHONY: bench-pollwake
bench-pollwake:
	@$(MAKE) --no-print-directory $(BUILD)/bench-pollwake.elf >&2
	@{ $(PW_BYTES); } | QEMU_ICOUNT=shift=10,sleep=off QEMU_TIMEOUT=60 tools/qemu.sh \
	    $(BUILD)/bench-pollwake.elf > $(BUILD)/bench-pollwake.log 2>&1 \
	    || { cat $(BUILD)/bench-pollwake.log >&2; exit 1; }
	@tr -d '\r' < $(BUILD)/bench-pollwake.log | grep '^bench: '
# Where poll_wakeup's instructions go, per function (docs/async.md).
.PHONY: profile-pollwake
profile-pollwake:
	@$(MAKE) --no-print-directory $(BUILD)/bench-pollwake.elf >&2
	@tools/profile_pollwake.py $(BUILD)/bench-pollwake.elf $(BUILD)/user/pollwake.elf
# Twice, the same figure, every sample alike (a check, not a measurement).
TEST_SUITES += tests/target/bench-pollwake-check.sh
