# mk/kernel-host.mk: the portable kernel core as a Linux program, and its
# unit tests (tests/host/test_*.c, cmocka).
#
# Course map: arch/linux/host.h. The unmodified kernel/ core is linked with
# the host port (arch/linux/) and one test file into build/host/test_NAME,
# under ASan and UBSan, with any sanitizer report fatal. Thread stacks are
# bigger here (KSTACK_SIZE, see kernel/config.h): host code under ASan needs
# far more than the board's 2 KiB.
#   make host-tests       build and run just these suites

KHOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -DKSTACK_SIZE=65536 -MMD -MP
KHOST_SRCS := kernel/sched.c $(wildcard kernel/sched_*.c) kernel/state.c kernel/thread.c kernel/timeq.c \
              kernel/sem.c kernel/trace.c kernel/printk.c kernel/panic.c \
              arch/linux/cpu.c arch/linux/host.c
KHOST_OBJS := $(KHOST_SRCS:%.c=$(BUILD)/host/obj/%.o)

KHOST_TESTS := test_state test_sched test_sched_locking test_sched_mlfq test_sem \
               test_thread test_timeq test_ring test_printk test_regressions
KHOST_BINS  := $(KHOST_TESTS:%=$(BUILD)/host/%)
TEST_SUITES += $(KHOST_BINS)

$(BUILD)/host/obj/%.o: %.c mk/kernel-host.mk
	@mkdir -p $(@D)
	$(CC) $(KHOST_CFLAGS) -c $< -o $@

$(KHOST_BINS): $(BUILD)/host/%: $(BUILD)/host/obj/tests/host/%.o $(KHOST_OBJS)
	$(CC) $(KHOST_CFLAGS) -o $@ $^ -lcmocka

# The process layer on the host: processes, handles, system calls and the
# user-memory gateway, with arch/linux standing in for user mode (host.h)
# and the loader's fixture programs (mk/progs-host.mk) as the program table.
KHOST_PROC_SRCS := kernel/proc.c kernel/ufault.c kernel/syscall.c kernel/sys_proc.c \
                   kernel/sys_thread.c kernel/sys_fd.c kernel/sys_info.c kernel/sys_kobj.c \
                   kernel/fd.c kernel/pipe.c kernel/fd_console.c kernel/shm.c kernel/poll.c \
                   kernel/kobj.c kernel/buddy.c kernel/loader.c kernel/uaccess.c kernel/console.c
KHOST_PROC_OBJS := $(KHOST_PROC_SRCS:%.c=$(BUILD)/host/obj/%.o) $(BUILD)/host/obj/progtab.o \
                   $(BUILD)/host/obj/arch/linux/hostproc.o
$(BUILD)/host/obj/progtab.o: kernel/progtab.S $(BUILD)/host/fixtures/table.bin
	@mkdir -p $(@D)
	$(CC) -c -DPROGS_BIN='"$(BUILD)/host/fixtures/table.bin"' $< -o $@
$(BUILD)/host/test_proc: $(BUILD)/host/obj/tests/host/test_proc.o $(KHOST_OBJS) $(KHOST_PROC_OBJS)
	$(CC) $(KHOST_CFLAGS) -o $@ $^ -lcmocka
$(BUILD)/host/test_fd: $(BUILD)/host/obj/tests/host/test_fd.o $(KHOST_OBJS) $(KHOST_PROC_OBJS)
	$(CC) $(KHOST_CFLAGS) -o $@ $^ -lcmocka
TEST_SUITES += $(BUILD)/host/test_proc $(BUILD)/host/test_fd

.PHONY: host-tests
host-tests: $(KHOST_BINS)
	@tools/testsuite.sh $(BUILD)/test-logs $^

