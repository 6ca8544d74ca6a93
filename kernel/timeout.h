/*
 * timeout.h: how long a blocking call may wait, in ticks.
 *
 * One pair of names for the kernel and for programs (kernel/uapi.h
 * includes this): every timeout argument is a tick count, or one of these.
 */
#ifndef WEFT_TIMEOUT_H
#define WEFT_TIMEOUT_H

#define WAIT_NONE      0u           /* do not wait: just try (or look) */
#define WAIT_FOREVER   0xFFFFFFFFu  /* until it happens */

#endif
