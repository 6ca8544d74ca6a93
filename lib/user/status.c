/*
 * status.c: names for the numbers the kernel reports.
 *
 * Course idea: the four ways a process ends (kernel/uapi.h): a normal
 * exit, an error exit, a fatal error (a fault), or being killed. The
 * thread states' and transition reasons' names are the kernel's own
 * (kernel/state_names.h, through kernel/uapi.h).
 */
#include <errno.h>
#include <stdio.h>

#include "weft.h"

const char *status_str(int status, char *buf, int n)
{
    static const char *const fault[] = {
        [FAULT_MEMMANAGE] = "MemManage fault", [FAULT_BUSFAULT] = "BusFault",
        [FAULT_USAGEFAULT] = "UsageFault", [FAULT_HARDFAULT] = "HardFault",
        [FAULT_STACK] = "stack overflow",
    };
    int code = WFAULTCODE(status);

    if (WIFEXITED(status))
        snprintf(buf, n, "exited %d", WEXITSTATUS(status));
    else if (WIFKILLED(status))
        snprintf(buf, n, "killed");
    else if (WIFFAULTED(status) && code < (int)(sizeof fault / sizeof fault[0]) && fault[code])
        snprintf(buf, n, "%s", fault[code]);
    else
        snprintf(buf, n, "status 0x%x", status);
    return buf;
}

static const char *name_of(const char *const *names, int count, int i)
{
    return i >= 0 && i < count && names[i] ? names[i] : "?";
}

const char *proc_state_str(int state)
{
    static const char *const names[] = { [PS_ALIVE] = "ALIVE", [PS_ZOMBIE] = "ZOMBIE" };
    return name_of(names, (int)(sizeof names / sizeof names[0]), state);
}

const char *thread_state_str(int state)
{
    static const char *const names[] = { THREAD_STATE_NAMES };
    return name_of(names, (int)(sizeof names / sizeof names[0]), state);
}

const char *trace_why_str(int why)
{
    static const char *const names[] = { TRANSITION_REASON_NAMES };
    return name_of(names, (int)(sizeof names / sizeof names[0]), why);
}

const char *err_str(int r)
{
    switch (-r) {
    case EPERM:     return "not permitted (EPERM)";
    case ENOENT:    return "no such program (ENOENT)";
    case ESRCH:     return "no such process (ESRCH)";
    case EINTR:     return "interrupted (EINTR)";
    case ECHILD:    return "not a child of this process (ECHILD)";
    case EAGAIN:    return "no free process or thread slot (EAGAIN)";
    case ENOMEM:    return "not enough memory (ENOMEM)";
    case EFAULT:    return "bad address (EFAULT)";
    case EINVAL:    return "invalid argument (EINVAL)";
    case E2BIG:     return "argument list too long (E2BIG)";
    case ETIMEDOUT: return "timed out (ETIMEDOUT)";
    default:        return r < 0 ? "error" : "no error";
    }
}
