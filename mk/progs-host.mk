# mk/progs-host.mk: the program image tool and the host tests of the
# process memory pieces (buddy allocator, loader, user pointer checks).
#
# Course map: kernel/progimg.h (the image format), tools/mkprog.c (ELF to
# image), kernel/loader.h, kernel/buddy.h, kernel/uaccess.h. Targets:
#   build/tools/mkprog          the host tool user program rules call:
#                               $(MKPROG) IN.elf NAME OUT.prog [--stack N] [--heap N]
#                               $(MKPROG) --table OUT.bin IN1.prog ...
#   build/host/test_buddy, test_loader, test_uaccess   (cmocka, ASan+UBSan)
#   make progs-host-tests       build and run just these three
# test_loader needs real ARM programs: tests/host/fixtures/*.c are linked
# at 0 with linker/app.ld and -Wl,-q, exactly like user programs, and some
# of them are built to be refused by mkprog.

MKPROG := $(BUILD)/tools/mkprog

$(MKPROG): tools/mkprog.c kernel/progimg.h mk/progs-host.mk
	@mkdir -p $(@D)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -o $@ $<

# ---- Fixtures: small ARM programs --------------------------------------------
PH_FIX := $(BUILD)/host/fixtures
PH_FIX_CFLAGS := $(ARCH_FLAGS) -std=c11 -Wall -Wextra -Werror -Os -ffreestanding \
                 -fno-common -nostdlib -nostartfiles -Wl,--no-warn-rwx-segments
PH_FIX_LINK   := -T linker/app.ld -Wl,-q

$(PH_FIX)/%.elf: tests/host/fixtures/%.c linker/app.ld mk/progs-host.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(PH_FIX_CFLAGS) $(PH_FIX_LINK) $< -o $@
# The same program linked without -q (no relocations) and linked at 0x100.
$(PH_FIX)/relocme-noq.elf: tests/host/fixtures/relocme.c linker/app.ld mk/progs-host.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(PH_FIX_CFLAGS) -T linker/app.ld $< -o $@
$(PH_FIX)/relocme-at100.elf: tests/host/fixtures/relocme.c linker/app.ld mk/progs-host.mk
	@mkdir -p $(@D)
	$(CROSS)gcc $(PH_FIX_CFLAGS) $(PH_FIX_LINK) -Wl,--section-start=.text=0x100 $< -o $@

$(PH_FIX)/relocme.prog: $(PH_FIX)/relocme.elf $(MKPROG)
	$(MKPROG) $< relocme $@
$(PH_FIX)/second.prog: $(PH_FIX)/relocme.elf $(MKPROG)
	$(MKPROG) $< second $@ --stack 4096 --heap 0
$(PH_FIX)/table.bin: $(PH_FIX)/relocme.prog $(PH_FIX)/second.prog $(MKPROG)
	$(MKPROG) --table $@ $(PH_FIX)/relocme.prog $(PH_FIX)/second.prog

PH_FIXTURES := $(PH_FIX)/relocme.prog $(PH_FIX)/table.bin $(PH_FIX)/movw.elf \
               $(PH_FIX)/crosspart.elf $(PH_FIX)/relocme-noq.elf $(PH_FIX)/relocme-at100.elf

# ---- Host tests -----------------------------------------------------------------
PH_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer \
             -fsanitize=address,undefined -fno-sanitize-recover=all

$(BUILD)/host/test_buddy: tests/host/test_buddy.c kernel/buddy.c kernel/buddy.h mk/progs-host.mk
	@mkdir -p $(@D)
	$(CC) $(PH_CFLAGS) -o $@ tests/host/test_buddy.c kernel/buddy.c -lcmocka

$(BUILD)/host/test_uaccess: tests/host/test_uaccess.c kernel/uaccess.c kernel/uaccess.h mk/progs-host.mk
	@mkdir -p $(@D)
	$(CC) $(PH_CFLAGS) -o $@ tests/host/test_uaccess.c kernel/uaccess.c -lcmocka

$(BUILD)/host/test_loader: tests/host/test_loader.c kernel/loader.c kernel/loader.h \
                           kernel/progimg.h mk/progs-host.mk | $(PH_FIXTURES) $(MKPROG)
	@mkdir -p $(@D)
	$(CC) $(PH_CFLAGS) -D_GNU_SOURCE -DMKPROG='"$(abspath $(MKPROG))"' \
	    -DFIXTURES='"$(abspath $(PH_FIX))"' -o $@ tests/host/test_loader.c kernel/loader.c -lcmocka

PH_TESTS := $(BUILD)/host/test_buddy $(BUILD)/host/test_loader $(BUILD)/host/test_uaccess
TEST_SUITES += $(PH_TESTS)

.PHONY: progs-host-tests
progs-host-tests: $(PH_TESTS)
	@tools/testsuite.sh $(BUILD)/test-logs $^
