# mk/apps.mk: user programs (apps/*.c) and the program table the kernel embeds.
#
# Course map: linker/app.ld (how a program is linked), lib/user/weft.h (the
# user API), kernel/progimg.h (the image format). Each apps/NAME.c is linked
# at 0 with its relocations kept (-Wl,-q) against lib/user and newlib-nano,
# made into $(BUILD)/progs/NAME.prog by $(BUILD)/tools/mkprog, and all of
# them are packed into $(PROGS_BIN), which the kernel image depends on.
#
#   make progs         every program image and the table
#   make progs-check   the relocation types of every app ELF, as a listing

APP_NAMES := init sh procdemo globals zombie hog sleeper exitwith crash usertests userchild ubench tickets prodcons iomodels daemons pooldemo lsfd serialecho deadlock events locks gen switchdemo asyncdemo asyncchild pollwake
ULIB_SRCS := lib/user/crt0.S lib/user/syscall.c lib/user/calls.c \
             lib/user/thread.c lib/user/malloc_lock.c lib/user/status.c \
             lib/user/wait_why.c lib/user/newlib.c \
             lib/user/lineedit.c lib/user/ps.c lib/user/traceview.c

UCFLAGS  := $(ARCH_FLAGS) -std=c11 -Wall -Wextra -Werror -Os -g \
            -ffunction-sections -fdata-sections -fno-common --specs=nano.specs \
            -D_DEFAULT_SOURCE -Ilib/user -MMD -MP
ULDFLAGS := $(ARCH_FLAGS) --specs=nano.specs -nostartfiles -T linker/app.ld \
            -Wl,-q -Wl,--gc-sections -Wl,--no-warn-rwx-segments

# Programs made of more than one file: the others, by program.
APP_EXTRA_usertests := apps/usertests_ending.c apps/usertests_fd.c apps/usertests_sync.c apps/usertests_efault.c apps/usertests_console.c apps/usertests_syncfail.c apps/usertests_coro.c
# pooldemo is lib/pool's thread pool, unchanged, on weft's system calls
# (lib/pool/future.c, threadpool.c, pool_os_weft.c: in every program, with
# lib/coro's event loop, mk/coro.mk).
$(BUILD)/user/apps/pooldemo.c.o: UCFLAGS += -DPOOL_OS_WEFT -Ilib/pool

# Per-program stack and heap (bytes) for mkprog; unlisted ones get its defaults.
MKPROG_OPTS_usertests := --stack 4096 --heap 8192
MKPROG_OPTS_asyncdemo := --heap 32768
MKPROG_OPTS_iomodels  := --heap 16384
MKPROG_OPTS_asyncchild := --heap 16384
MKPROG_OPTS_pollwake  := --heap 16384

ULIB_OBJS := $(patsubst %,$(BUILD)/user/%.o,$(ULIB_SRCS))
APP_OBJS  := $(APP_NAMES:%=$(BUILD)/user/apps/%.c.o) \
             $(foreach a,$(APP_NAMES),$(APP_EXTRA_$(a):%=$(BUILD)/user/%.o))
APP_ELFS  := $(APP_NAMES:%=$(BUILD)/user/%.elf)
APP_PROGS := $(APP_NAMES:%=$(BUILD)/progs/%.prog)
PROGS_BIN := $(BUILD)/progs.bin
MKPROG    := $(BUILD)/tools/mkprog

# Static pattern rules: the top Makefile's $(BUILD)/%.elf would match too.
$(filter %.c.o,$(ULIB_OBJS) $(APP_OBJS)): $(BUILD)/user/%.c.o: %.c mk/apps.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(UCFLAGS) -c $< -o $@
$(filter %.S.o,$(ULIB_OBJS)): $(BUILD)/user/%.S.o: %.S mk/apps.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(UCFLAGS) -c $< -o $@

# The lib objects come first so that crt0's _start section is linked first.
.SECONDEXPANSION:
# (addprefix, not a % substitution: % in a pattern rule's prerequisites is the stem)
$(APP_ELFS): $(BUILD)/user/%.elf: $(BUILD)/user/apps/%.c.o \
             $$(addprefix $(BUILD)/user/,$$(addsuffix .o,$$(APP_EXTRA_$$*))) $(ULIB_OBJS) linker/app.ld
	$(CROSS)gcc $(ULDFLAGS) $(ULIB_OBJS) $< $(addprefix $(BUILD)/user/,$(addsuffix .o,$(APP_EXTRA_$*))) \
	    -o $@ -Wl,-Map=$(@:.elf=.map)

$(APP_PROGS): $(BUILD)/progs/%.prog: $(BUILD)/user/%.elf $(MKPROG)
	@mkdir -p $(@D)
	$(MKPROG) $< $* $@ $(MKPROG_OPTS_$*)

# init first: the kernel starts the table's first program as pid 1.
$(PROGS_BIN): $(APP_PROGS)
	$(MKPROG) --table $@ $^

.PHONY: progs progs-check
progs: $(PROGS_BIN)
progs-check: $(APP_ELFS)
	@for e in $^; do printf '%-28s' $$e; $(CROSS)readelf -rW $$e | \
	    awk '/^Relocation section/ { keep = ($$3 ~ /^.\.rel\.(text|data)/) } \
	         keep && /R_ARM/ { n[$$3]++ } \
	         END { for (t in n) printf " %s:%d", t, n[t]; print "" }'; done
