/*
 * fault.c: what happens when code breaks the CPU's rules.
 *
 * Course idea: a fault is an exception the program did not ask for: a bad
 * address (MemManage, BusFault), an impossible instruction or a divide by
 * zero (UsageFault). The CPU records why in CFSR and where in MMFAR/BFAR.
 * A fault in the kernel is a kernel bug: weft prints a crash report that
 * decodes those registers and halts with EXIT_FAULT, so a test can tell a
 * fault from a panic or a failure count.
 * Read next: kernel/panic.c.
 */
#include <stdint.h>

#include "../../kernel/printk.h"
#include "../../kernel/sched.h"
#include "../../kernel/uapi.h"
#include "../arch.h"
#include "fault.h"
#include "frame.h"
#include "regs.h"

/* The CFSR bits, in the order of the register (MMFSR, BFSR, UFSR). */
static const struct { uint32_t bit; const char *name; } cfsr_bits[] = {
    { 1u << 0, "IACCVIOL" },  { 1u << 1, "DACCVIOL" },  { 1u << 3, "MUNSTKERR" },
    { 1u << 4, "MSTKERR" },   { 1u << 7, "MMARVALID" }, { 1u << 8, "IBUSERR" },
    { 1u << 9, "PRECISERR" }, { 1u << 10, "IMPRECISERR" }, { 1u << 11, "UNSTKERR" },
    { 1u << 12, "STKERR" },   { 1u << 15, "BFARVALID" }, { 1u << 16, "UNDEFINSTR" },
    { 1u << 17, "INVSTATE" }, { 1u << 18, "INVPC" },    { 1u << 19, "NOCP" },
    { 1u << 24, "UNALIGNED" }, { 1u << 25, "DIVBYZERO" },
};

int (*fault_user_hook)(uint32_t *, uint32_t, uint32_t, uint32_t);

static const char *const fault_names[] = {
    [3] = "HardFault", [4] = "MemManage", [5] = "BusFault", [6] = "UsageFault",
};

int fault_describe(char *buf, int size, uint32_t cfsr, uint32_t exc)
{
    int n = ksnprintf(buf, (size_t)size, "%s", exc <= 6 && fault_names[exc] ? fault_names[exc] : "fault");
    for (unsigned i = 0; i < sizeof cfsr_bits / sizeof cfsr_bits[0]; i++) {
        uint32_t b = cfsr_bits[i].bit;
        if ((cfsr & b) && b != (1u << 7) && b != (1u << 15) && n < size)
            n += ksnprintf(buf + n, (size_t)(size - n), " %s", cfsr_bits[i].name);
    }
    /* After a stacking error (MSTKERR) MMFAR holds no useful address. */
    if ((cfsr & (1u << 7)) && !(cfsr & (1u << 4)) && n < size)
        n += ksnprintf(buf + n, (size_t)(size - n), " at %p", (void *)SCB_MMFAR);
    else if ((cfsr & (1u << 15)) && n < size)
        n += ksnprintf(buf + n, (size_t)(size - n), " at %p", (void *)SCB_BFAR);
    return n;
}

/* Load or store? Decode the Thumb instruction at pc (a user program's
 * text, readable by the kernel): 'r', 'w', or '?' for anything else. */
static char access_of(uintptr_t pc)
{
    uint16_t hw = *(const volatile uint16_t *)(pc & ~1u);
    if (hw >= 0xE800)                       /* 32-bit: L is bit 4 of the first half */
        return (hw & 0xFE00) == 0xF800 || (hw & 0xFE00) == 0xE800 ? (hw & 0x10 ? 'r' : 'w') : '?';
    if ((hw & 0xF000) == 0x5000)            /* register offset: STR, STRH, STRB first */
        return ((hw >> 9) & 7) < 3 ? 'w' : 'r';
    if ((hw & 0xE000) == 0x6000 || (hw & 0xE000) == 0x8000 || (hw & 0xF000) == 0xC000)
        return hw & 0x0800 ? 'r' : 'w';     /* immediate, SP-relative, LDM/STM */
    if ((hw & 0xF800) == 0x4800)
        return 'r';                         /* LDR literal */
    if ((hw & 0xF600) == 0xB400)
        return hw & 0x0800 ? 'r' : 'w';     /* POP, PUSH */
    return '?';
}

void fault_decode(struct arch_fault *af, const struct hw_frame *frame, uint32_t exc,
                  uint32_t cfsr)
{
    int stacked = !(cfsr & (CFSR_MSTKERR | CFSR_STKERR));
    af->exception = exc == 4 ? FAULT_MEMMANAGE : exc == 5 ? FAULT_BUSFAULT :
                    exc == 6 ? FAULT_USAGEFAULT : FAULT_HARDFAULT;
    af->kind = !stacked ? ARCH_FAULT_STACKING :
               cfsr & CFSR_IACCVIOL ? ARCH_FAULT_EXEC :
               cfsr & CFSR_DACCVIOL ? ARCH_FAULT_ACCESS :
               cfsr & (CFSR_PRECISERR | CFSR_IMPRECISERR | CFSR_IBUSERR) ? ARCH_FAULT_BUS :
               cfsr & CFSR_DIVBYZERO ? ARCH_FAULT_DIVZERO :
               cfsr & CFSR_UNALIGNED ? ARCH_FAULT_UNALIGNED :
               cfsr & (CFSR_UNDEFINSTR | CFSR_INVSTATE | CFSR_INVPC | CFSR_NOCP) ?
               ARCH_FAULT_UNDEF : ARCH_FAULT_OTHER;
    af->addr_valid = 0;
    af->addr = 0;
    if ((cfsr & CFSR_MMARVALID) && stacked) {
        af->addr_valid = 1;
        af->addr = SCB_MMFAR;
    } else if (cfsr & CFSR_BFARVALID) {
        af->addr_valid = 1;
        af->addr = SCB_BFAR;
    } else if (!stacked && (cfsr & CFSR_MMARVALID)) {
        af->addr_valid = 1;         /* where the frame would have gone */
        af->addr = SCB_MMFAR;
    }
    af->pc = stacked ? frame->pc : 0;
    af->access = !stacked ? 'w' : (af->kind == ARCH_FAULT_ACCESS || af->kind == ARCH_FAULT_BUS)
                 && (cfsr & (CFSR_DACCVIOL | CFSR_PRECISERR)) ? access_of(af->pc) : '?';
    fault_describe(af->hw, sizeof af->hw, cfsr & ~(CFSR_MMARVALID | CFSR_BFARVALID), exc);
}

/* Called by fault_entry with the stack the CPU pushed its frame on, the
 * EXC_RETURN value, and the exception number. */
__attribute__((used)) void arch_fault(uint32_t *frame, uint32_t exc_return, uint32_t exc)
{
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    char what[120];

    if (fault_user_hook && fault_user_hook(frame, exc_return, exc, cfsr))
        return;     /* a user process was killed; another thread runs */

    console_write = console_write_polled;
    fault_describe(what, sizeof what, cfsr, exc);
    kprintf("\n*** weft kernel fault: %s\n", what);
    kprintf("*** CFSR %08lx HFSR %08lx%s\n", (unsigned long)cfsr, (unsigned long)hfsr,
            hfsr & (1u << 30) ? " (FORCED: escalated from a disabled or nested fault)" : "");
    if (cfsr & ((1u << 4) | (1u << 12)))
        kprintf("*** the frame was not stacked (stack overflow?): no PC\n");
    else
        kprintf("*** PC %08lx LR %08lx xPSR %08lx in %s mode\n", (unsigned long)frame[6],
                (unsigned long)frame[5], (unsigned long)frame[7],
                (exc_return & 8) ? "Thread" : "Handler");
    if (current)
        kprintf("*** thread %d '%s'\n", current->id, current->name);
    arch_halt(EXIT_FAULT);
}

/* The four fault vectors share one entry: find the stack the CPU used (MSP
 * or PSP, by EXC_RETURN bit 2) and call arch_fault. */
__attribute__((naked)) void fault_entry(void)
{
    __asm volatile (
        "tst    lr, #4          \n"
        "ite    eq              \n"
        "mrseq  r0, msp         \n"
        "mrsne  r0, psp         \n"
        "mov    r1, lr          \n"
        "mrs    r2, ipsr        \n"
        "push   {r1, lr}        \n"
        "bl     arch_fault      \n"
        "pop    {r1, pc}        \n");
}

void hardfault_handler(void) __attribute__((alias("fault_entry")));
void memmanage_handler(void) __attribute__((alias("fault_entry")));
void busfault_handler(void) __attribute__((alias("fault_entry")));
void usagefault_handler(void) __attribute__((alias("fault_entry")));
