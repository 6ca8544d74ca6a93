# weft: one Makefile for the kernel, the host tests and the benchmarks.
#
#   make run     boot weft in QEMU: init, then the user shell (a terminal or a pipe)
#   make run-kshell  the kernel-only shell (thread demos, no processes)
#   make test    every test: host unit tests, then kernel images in QEMU
#   make bench   one "bench: NAME VALUE UNIT" line per figure: the kernel's are
#                deterministic (guest instructions), the pools' are measured
#   make deps    install the Debian packages the above need (as root)
#   make gdb     boot halted, waiting for gdb-multiarch on port $(GDB_PORT)
#
# Areas that live outside the kernel (the Linux-hosted pools, ...) add their
# rules in mk/*.mk and append to TEST_SUITES, BENCHES and DEPS_PKGS.

BUILD       := build
DEPS_PKGS   := make gcc qemu-system-arm gcc-arm-none-eabi libnewlib-arm-none-eabi \
               libcmocka-dev pkg-config python3 \
               netcat-openbsd  # nc: the README's way to talk to UART1 under make run
TEST_SUITES :=
BENCHES     :=

.PHONY: all run test bench deps gdb clean
all: $(BUILD)/weft.elf $(BUILD)/weft-kshell.elf

# ---- The kernel, for the board -------------------------------------------
CROSS    := arm-none-eabi-
ARCH_FLAGS := -mcpu=cortex-m3 -mthumb
# -flto: the image is compiled as one program at link time, so a call from
# one file into another's small function can be inlined like a call inside
# one file (a yield, a wake-up, a semaphore: docs/costs.md). A C function
# that only assembly calls is marked `used`, or the optimiser drops it.
KCFLAGS  := $(ARCH_FLAGS) -std=c11 -Wall -Wextra -Werror -O2 -g3 -flto \
            -ffunction-sections -fdata-sections -fno-common -MMD -MP
KLDFLAGS := $(ARCH_FLAGS) -O2 -g3 -flto -Werror -T linker/mps2-an385.ld -nostartfiles \
            --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections -Wl,--no-warn-rwx-segments
# The portable core, the Cortex-M3 port and the board's drivers.
# Every kernel/sched_*.c is a scheduling policy (kernel/sched_policy.h).
KERNEL_SRCS := kernel/sched.c $(wildcard kernel/sched_*.c) kernel/state.c kernel/thread.c kernel/timeq.c \
               kernel/sem.c kernel/trace.c kernel/printk.c kernel/panic.c \
               kernel/main.c arch/armv7m/start.c arch/armv7m/cpu.c \
               arch/armv7m/fault.c arch/armv7m/switch.S arch/armv7m/mpu.c \
               drivers/uart.c
# Processes: the loader, the process table, system calls, and the programs.
PROC_SRCS   := arch/armv7m/svc.c kernel/proc.c kernel/ufault.c kernel/syscall.c \
               kernel/sys_proc.c kernel/sys_thread.c kernel/sys_fd.c kernel/sys_info.c \
               kernel/sys_kobj.c kernel/kobj.c kernel/fd.c kernel/pipe.c kernel/fd_console.c kernel/shm.c kernel/poll.c \
               kernel/fd_serial.c drivers/serial.c \
               kernel/ksem.c kernel/kmutex.c kernel/kevent.c kernel/kcond.c kernel/kbarrier.c \
               kernel/kqueue.c kernel/buddy.c kernel/loader.c \
               kernel/uaccess.c kernel/initproc.c kernel/console.c
PROC_OBJS   := $(patsubst %,$(BUILD)/arm/%.o,$(PROC_SRCS)) $(BUILD)/arm/progtab.o
PROGS_BIN   := $(BUILD)/progs.bin     # built by mk/apps.mk from apps/
KERNEL_OBJS := $(patsubst %,$(BUILD)/arm/%.o,$(KERNEL_SRCS))

# The objects depend on this file too, where their flags are: a change of
# flags (say -flto) rebuilds them, instead of linking old objects with new.
$(BUILD)/arm/%.c.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(KCFLAGS) -c $< -o $@
$(BUILD)/arm/%.S.o: %.S Makefile
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(KCFLAGS) -c $< -o $@

# An image is the kernel plus the objects that define app_start(). Every
# build also writes a listing (.lst): what the compiler made of the code.
$(BUILD)/%.elf:
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(KLDFLAGS) $^ -o $@ -Wl,-Map=$(@:.elf=.map)
	$(CROSS)objdump -d -S $@ > $(@:.elf=.lst)

# weft.elf: init and the user shell. weft-kshell.elf: the kernel shell alone.
$(BUILD)/weft.elf: $(KERNEL_OBJS) $(PROC_OBJS)
$(BUILD)/weft-kshell.elf: $(KERNEL_OBJS) $(BUILD)/arm/kernel/shell.c.o
# usertests.elf: init runs usertests (hostile cases, leaks), exits with failures.
$(BUILD)/usertests.elf: $(KERNEL_OBJS) $(PROC_OBJS) $(BUILD)/arm/tests/target/init_usertests.c.o

$(BUILD)/arm/progtab.o: kernel/progtab.S $(PROGS_BIN) Makefile
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(KCFLAGS) -DPROGS_BIN='"$(PROGS_BIN)"' -c $< -o $@

QEMU_TIMEOUT ?= 3600
# The second serial line (UART1) listens on a free port of 127.0.0.1
# (SERIAL1_PORT=N to choose): `run serialecho`, then `nc 127.0.0.1 N`.
run: deps
	@$(MAKE) --no-print-directory $(BUILD)/weft.elf >/dev/null
	@port=$$(tools/serial1-port.sh); \
	 echo "weft: UART1 (the second serial line) is 127.0.0.1:$$port: nc 127.0.0.1 $$port" >&2; \
	 QEMU_TIMEOUT=$(QEMU_TIMEOUT) tools/qemu.sh $(BUILD)/weft.elf \
	     -serial tcp:127.0.0.1:$$port,server=on,wait=off

.PHONY: run-kshell
run-kshell: deps
	@$(MAKE) --no-print-directory $(BUILD)/weft-kshell.elf >/dev/null
	@QEMU_TIMEOUT=$(QEMU_TIMEOUT) tools/qemu.sh $(BUILD)/weft-kshell.elf

GDB_PORT ?= 3333
gdb: deps $(BUILD)/weft.elf
	@echo "weft: waiting for gdb: gdb-multiarch $(BUILD)/weft.elf -ex 'target remote :$(GDB_PORT)'"
	@QEMU_TIMEOUT=$(QEMU_TIMEOUT) tools/qemu.sh $(BUILD)/weft.elf -gdb tcp:127.0.0.1:$(GDB_PORT) -S

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

include $(wildcard mk/*.mk)

# Processes, last: the demos through the user shell, then usertests.
TEST_SUITES += tests/target/demos.sh tests/target/serial1.sh tests/target/sync-demos.sh \
               tests/target/usertests-shell.sh $(BUILD)/usertests.elf
test-build: $(BUILD)/weft.elf

deps:
	@tools/deps.sh $(sort $(DEPS_PKGS))

test: deps
	@$(MAKE) --no-print-directory test-build
	@tools/testsuite.sh $(BUILD)/test-logs $(TEST_SUITES)

.PHONY: test-build
test-build: $(TEST_SUITES)

bench: deps
	@mkdir -p $(BUILD)
	@echo "bench: deterministic: bench-kernel, bench-proc (unit: instructions, guest" \
	      "instructions under QEMU -icount; the same on every run)." >&2
	@echo "bench: measured on this machine: bench-pools (units tasks/s, x, s; medians" \
	      "of paired rounds with NAME_min/NAME_max; they move with the load)." >&2
	@$(MAKE) --no-print-directory $(BENCHES) | tee $(BUILD)/bench.txt
	@tools/bench-json.sh < $(BUILD)/bench.txt > $(BUILD)/bench.json

clean:
	rm -rf $(BUILD)
