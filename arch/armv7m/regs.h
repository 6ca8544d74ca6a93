/*
 * regs.h: the Cortex-M3 system registers weft uses (ARMv7-M ARM, chapter B3).
 *
 * Only arch/armv7m/ and drivers/ include this file; the portable kernel
 * never sees a register address.
 */
#ifndef WEFT_ARMV7M_REGS_H
#define WEFT_ARMV7M_REGS_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(addr))

/* System Control Block */
#define SCB_ICSR    REG32(0xE000ED04)   /* interrupt control and state */
#define ICSR_PENDSVSET (1u << 28)
#define ICSR_VECTACTIVE 0x1FFu
#define SCB_VTOR    REG32(0xE000ED08)
#define SCB_CCR     REG32(0xE000ED14)   /* configuration and control */
#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP   (1u << 4)
#define CCR_STKALIGN    (1u << 9)
#define SCB_SHPR1   REG32(0xE000ED18)   /* priorities: MemManage, BusFault, UsageFault */
#define SCB_SHPR2   REG32(0xE000ED1C)   /* priority: SVCall (bits 31:24) */
#define SCB_SHPR3   REG32(0xE000ED20)   /* priorities: PendSV (23:16), SysTick (31:24) */
#define SCB_SHCSR   REG32(0xE000ED24)   /* system handler control and state */
#define SHCSR_SVCALLPENDED (1u << 15)
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)
#define SCB_CFSR    REG32(0xE000ED28)   /* configurable fault status */
#define SCB_HFSR    REG32(0xE000ED2C)   /* hard fault status */
#define SCB_MMFAR   REG32(0xE000ED34)   /* MemManage fault address */
#define SCB_BFAR    REG32(0xE000ED38)   /* BusFault address */

/* SysTick */
#define SYST_CSR    REG32(0xE000E010)
#define SYST_RVR    REG32(0xE000E014)
#define SYST_CVR    REG32(0xE000E018)
#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)    /* 1: the 25 MHz core clock */
#define CPU_HZ      25000000u

/* NVIC: external interrupts 0..31 */
#define NVIC_ISER   REG32(0xE000E100)   /* write 1: enable */
#define NVIC_ICER   REG32(0xE000E180)   /* write 1: disable */
#define NVIC_ISPR   REG32(0xE000E200)   /* write 1: pend (a software interrupt) */
#define NVIC_ICPR   REG32(0xE000E280)   /* write 1: clear pending */
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xE000E400 + (n)))

/* Exception priorities: lower number = more urgent. Faults outrank
 * everything so that a fault inside a handler is still reported; PendSV is
 * the least urgent so a context switch never interrupts an interrupt. */
#define PRIO_FAULT   0x00
#define PRIO_IRQ     0x80   /* devices and SysTick */
#define PRIO_SVC     0xE0
#define PRIO_PENDSV  0xFF

static inline void nvic_enable(int irq, uint8_t prio)
{
    NVIC_IPR(irq) = prio;
    NVIC_ISER = 1u << irq;
}

#endif
