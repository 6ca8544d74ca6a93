/*
 * cpu.c: the ARMv7-M side of the architecture contract (arch/arch.h).
 *
 * Course idea: what "the machine" means to a kernel: masking interrupts,
 * asking for a context switch, the first frame of a new thread, the tick,
 * sleeping when idle, and stopping. Read next: switch.S (the switch itself),
 * fault.c (what happens when a thread breaks the rules).
 */
#include <stddef.h>

#include "../../drivers/uart.h"
#include "../arch.h"
#include "frame.h"
#include "regs.h"

/* ---- A new thread's first frame ----------------------------------------
 * What the CPU pushes on exception entry and pops on return (frame.h), and
 * what PendSV keeps in the thread control block (switch.S draws both). */
struct sw_ctx {
    uint32_t control;                       /* bit 0 nPRIV: 1 = user mode */
    uint32_t r4, r5, r6, r7, r8, r9, r10, r11;
};
_Static_assert(sizeof(struct sw_ctx) == sizeof(struct arch_ctx),
               "switch.S stores CONTROL, R4-R11 in struct arch_ctx");

void *arch_stack_init(struct arch_ctx *ctx, void *top, void *(*entry)(void *),
                      void *arg, void (*on_return)(void *value))
{
    /* The AAPCS wants an 8-byte aligned stack at every public call. */
    uintptr_t sp = ((uintptr_t)top & ~(uintptr_t)7) - sizeof(struct hw_frame);
    struct hw_frame *f = (struct hw_frame *)sp;
    struct sw_ctx *c = (struct sw_ctx *)ctx;

    c->control = 0;                 /* privileged; SPSEL is set on return */
    c->r4 = 0x04040404; c->r5 = 0x05050505; c->r6 = 0x06060606; c->r7 = 0x07070707;
    c->r8 = 0x08080808; c->r9 = 0x09090909; c->r10 = 0x10101010; c->r11 = 0x11111111;
    f->r0 = (uint32_t)arg;          /* the entry's argument */
    f->r1 = 0x01010101; f->r2 = 0x02020202; f->r3 = 0x03030303; f->r12 = 0x12121212;
    f->lr = (uint32_t)on_return;    /* entry returns here, its result in R0 */
    f->pc = (uint32_t)entry & ~1u;  /* the CPU wants bit 0 clear in a stacked PC */
    f->xpsr = XPSR_THUMB;           /* only T: Thumb state, no flags, no IRQ */
    return f;
}

void *arch_user_stack_init(struct arch_ctx *ctx, void *ktop, void *utop, uintptr_t entry,
                           uintptr_t a0, uintptr_t a1)
{
    struct hw_frame *f = (struct hw_frame *)(((uintptr_t)utop & ~(uintptr_t)7)) - 1;
    (void)ktop;                     /* the CPU gives user mode its own stack */
    struct sw_ctx *c = (struct sw_ctx *)ctx;

    c->control = 1;                 /* CONTROL.nPRIV: user mode */
    c->r4 = c->r5 = c->r6 = c->r7 = c->r8 = c->r9 = c->r10 = c->r11 = 0;
    f->r0 = (uint32_t)a0;
    f->r1 = (uint32_t)a1;
    f->r2 = f->r3 = f->r12 = 0;
    f->lr = 0xFFFFFFFFu;            /* returning from the entry faults */
    f->pc = (uint32_t)entry & ~1u;
    f->xpsr = XPSR_THUMB;
    return f;
}

/* ---- Interrupt masking and the switch request ------------------------- */

/* The nesting depth (arch.h). Only the running code changes it, with
 * interrupts masked, and an interrupt handler leaves it as it found it.
 * arch_irq_save() and arch_irq_restore() are inline in arch.h. */
uint32_t arch_irq_nesting;
_Static_assert(ICSR_PENDSVSET == 1u << 28,
               "arch.h's inline arch_switch_request() uses this bit of SCB_ICSR "
               "(0xE000ED04)");

uint32_t arch_irq_depth(void) { return arch_irq_nesting; }

/* With PRIMASK set, WFI still wakes on a pending interrupt, but the handler
 * runs only when the mask is lifted: between cpsie and cpsid. */
void arch_idle_wait(void)
{
    __asm volatile ("wfi\n\tcpsie i\n\tisb\n\tcpsid i" ::: "memory");
}

/* ---- Set-up, tick, console, halt -------------------------------------- */

void arch_mpu_init(void);

void arch_init(void)
{
    arch_irq_disable();
    arch_irq_nesting = 0;
    SCB_CCR |= CCR_DIV_0_TRP | CCR_STKALIGN;
    SCB_SHPR1 = PRIO_FAULT | (PRIO_FAULT << 8) | (PRIO_FAULT << 16);
    SCB_SHPR2 = (uint32_t)PRIO_SVC << 24;
    SCB_SHPR3 = ((uint32_t)PRIO_IRQ << 24) | ((uint32_t)PRIO_PENDSV << 16);
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    arch_mpu_init();                /* mpu.c: user mode sees nothing yet */
}

void arch_tick_start(uint32_t hz)
{
    SYST_RVR = CPU_HZ / hz - 1;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

void systick_handler(void)
{
    kernel_tick();
}

/* Processes live in the board's 16 MiB PSRAM (linker/mps2-an385.ld keeps
 * the kernel out of it). */
unsigned arch_proc_arena(uintptr_t *base)
{
    *base = 0x21000000u;
    return 24;
}

void arch_putc_polled(char c)
{
    uart_putc_polled(c);
}

/* Semihosting SYS_EXIT_EXTENDED: QEMU exits with status & 0xFF. */
void arch_halt(int status)
{
    static volatile uint32_t block[2];

    arch_irq_disable();
    uart_drain_polled();            /* let queued console output out first */
    block[0] = 0x20026;             /* ADP_Stopped_ApplicationExit */
    block[1] = (uint32_t)status;
    register uint32_t r0 __asm("r0") = 0x20;
    register volatile uint32_t *r1 __asm("r1") = block;
    __asm volatile ("bkpt 0xab" :: "r"(r0), "r"(r1) : "memory");
    for (;;)
        __asm volatile ("cpsid i\n\twfi");
}
