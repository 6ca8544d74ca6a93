# mk/target.mk: tests that run inside the kernel on the board, and the
# kernel's benchmarks. Course map: tests/target/ktest.h (the harness).
#
#   make build/ktest-NAME.elf   one test image (the kernel + tests/target/...)
#   make target-tests           build and run every target suite (< 60 s)
#   make bench-kernel           kernel-thread costs under QEMU icount
#   make bench-proc             system call, process switch, spawn costs
#                               (both are part of `make bench`)
#   make profile BENCH=NAME     where one figure's instructions go, per
#                               function (tools/profile.py, docs/costs.md)
#
# A test image is the kernel plus the objects that define app_start(); the
# objects are compiled with the kernel's KCFLAGS by the top Makefile's
# $(BUILD)/arm/%.c.o and %.S.o rules, and linked by its $(BUILD)/%.elf rule.
# Images that pass by exiting 0 are suites themselves; images that must die
# (a panic, a fault) and the shell fed through a pipe are judged by the
# scripts tests/target/expect-*.sh and shell-pipe.sh.

KTEST_OBJ := $(BUILD)/arm/tests/target/ktest.c.o

$(BUILD)/ktest-sched.elf: $(KERNEL_OBJS) $(KTEST_OBJ) $(BUILD)/arm/tests/target/test_sched.c.o
$(BUILD)/ktest-regs.elf:  $(KERNEL_OBJS) $(KTEST_OBJ) $(BUILD)/arm/tests/target/test_regs.c.o \
                          $(BUILD)/arm/tests/target/regtest.S.o
$(BUILD)/ktest-stack.elf: $(KERNEL_OBJS) $(BUILD)/arm/tests/target/test_stack.c.o
$(BUILD)/ktest-fault.elf: $(KERNEL_OBJS) $(BUILD)/arm/tests/target/test_fault.c.o
$(BUILD)/ktest-mpu.elf:   $(KERNEL_OBJS) $(KTEST_OBJ) $(BUILD)/arm/tests/target/test_mpu.c.o
# The bench images leave the locking checks out (IRQ_CHECKS=0, arch/arch.h:
# the interrupt-mask test in every _locked function, the nesting count), so
# they are built from their own objects under $(BUILD)/arm-bench/. Every test
# image and `make run`'s keep the checks.
BENCH_CFLAGS := -DIRQ_CHECKS=0
bench_objs = $(patsubst $(BUILD)/arm/%,$(BUILD)/arm-bench/%,$(1))
$(BUILD)/arm-bench/%.c.o: %.c Makefile mk/target.mk
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(KCFLAGS) $(BENCH_CFLAGS) -c $< -o $@
$(BUILD)/arm-bench/%.S.o: %.S Makefile mk/target.mk
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(KCFLAGS) $(BENCH_CFLAGS) -c $< -o $@

$(BUILD)/bench-kernel.elf: $(call bench_objs,$(KERNEL_OBJS) $(BUILD)/arm/tests/target/bench.c.o)
# The process bench plays init's part itself, so it leaves initproc.c out.
$(BUILD)/bench-proc.elf: $(call bench_objs,$(KERNEL_OBJS) $(BUILD)/arm/tests/target/bench_proc.c.o \
                           $(filter-out %/initproc.c.o %/progtab.o,$(PROC_OBJS))) \
                         $(BUILD)/arm/progtab.o

TARGET_IMAGES := $(BUILD)/ktest-sched.elf $(BUILD)/ktest-regs.elf \
                 $(BUILD)/ktest-stack.elf $(BUILD)/ktest-fault.elf $(BUILD)/ktest-mpu.elf \
                 $(BUILD)/weft-kshell.elf \
                 $(BUILD)/bench-kernel.elf $(BUILD)/bench-proc.elf \
                 $(BUILD)/profile-yield_switch.elf $(BUILD)/profile-syscall_roundtrip.elf \
                 $(BUILD)/profile-irq_to_thread.elf $(BUILD)/user/ubench.elf
TARGET_SUITES := $(BUILD)/ktest-sched.elf $(BUILD)/ktest-mpu.elf tests/target/ktest-regs.sh \
                 tests/target/expect-stack.sh tests/target/expect-fault.sh \
                 tests/target/shell-pipe.sh tests/target/sched-user.sh \
                 tests/target/console.sh \
                 tests/target/bench-check.sh
TEST_SUITES += $(TARGET_SUITES) tests/host/build_flags_test.sh

# The scripts are suites, but what they run must be built first.
test-build: $(TARGET_IMAGES) $(BUILD)/weft.elf

.PHONY: target-tests
target-tests: $(TARGET_IMAGES) $(BUILD)/weft.elf
	@tools/testsuite.sh $(BUILD)/test-logs $(TARGET_SUITES)

# ---- Benchmarks ------------------------------------------------------------
# Under -icount shift=10 one guest instruction is 1024 ns of virtual time, so
# a timer read is an instruction counter and the figures are the same on
# every run of the same binary. Only the "bench:" lines reach stdout; a run
# that does not exit 0 fails the target (its output goes to stderr).
BENCHES += bench-kernel bench-proc

# bench-kernel: kernel threads (tests/target/bench.c); bench-proc: system
# calls, process switches and spawns (tests/target/bench_proc.c).
.PHONY: bench-kernel bench-proc
bench-kernel bench-proc:
	@$(MAKE) --no-print-directory $(BUILD)/$@.elf >&2
	@QEMU_ICOUNT=shift=10,sleep=off QEMU_TIMEOUT=120 tools/qemu.sh \
	    $(BUILD)/$@.elf < /dev/null > $(BUILD)/$@.log 2>&1 \
	    || { cat $(BUILD)/$@.log >&2; exit 1; }
	@tr -d '\r' < $(BUILD)/$@.log | grep '^bench: '

# ---- The budget: make profile BENCH=NAME ----------------------------------
# Where one figure's instructions go, per function (tools/profile.py): a
# profile image is its bench image with tests/target/bench*.c built with
# -DBENCH_ONLY=NAME (it measures that figure alone), run once under QEMU's
# single-step execution log. docs/costs.md reads the tables.
PROFILE_KERNEL := yield_switch sem_pingpong irq_to_thread thread_create_exit_join
PROFILE_PROC   := syscall_roundtrip process_yield_switch thread_yield_switch_user spawn_exit_wait
$(BUILD)/arm-prof/%/bench.c.o: tests/target/bench.c Makefile mk/target.mk
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(KCFLAGS) $(BENCH_CFLAGS) -DBENCH_ONLY=$* -c $< -o $@
$(BUILD)/arm-prof/%/bench_proc.c.o: tests/target/bench_proc.c Makefile mk/target.mk
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(KCFLAGS) $(BENCH_CFLAGS) -DBENCH_ONLY=$* -c $< -o $@
$(PROFILE_KERNEL:%=$(BUILD)/profile-%.elf): $(BUILD)/profile-%.elf: \
        $(call bench_objs,$(KERNEL_OBJS)) $(BUILD)/arm-prof/%/bench.c.o
$(PROFILE_PROC:%=$(BUILD)/profile-%.elf): $(BUILD)/profile-%.elf: \
        $(call bench_objs,$(KERNEL_OBJS) $(filter-out %/initproc.c.o %/progtab.o,$(PROC_OBJS))) \
        $(BUILD)/arm/progtab.o $(BUILD)/arm-prof/%/bench_proc.c.o

.PHONY: profile
profile:
	@case " $(PROFILE_KERNEL) $(PROFILE_PROC) " in *" $(BENCH) "*) ;; \
	  *) echo "usage: make profile BENCH=NAME, NAME one of:" \
	          "$(PROFILE_KERNEL) $(PROFILE_PROC)" >&2; exit 2;; esac
	@$(MAKE) --no-print-directory $(BUILD)/profile-$(BENCH).elf >&2
	@tools/profile.py $(BUILD)/profile-$(BENCH).elf --inline \
	    $(if $(filter $(BENCH),$(PROFILE_PROC)),--user $(BUILD)/user/ubench.elf)
