/* platform.h - what the library does differently on POSIX and on Windows,
 * behind one interface: platform/posix/ is built on Linux (make), and
 * platform/win/ by the Windows build (make windows); exactly one of them
 * is linked. Name resolution has its own header (resolve.h). A module's own
 * OS-bound part follows the same rule (deploy/posix/alive.c and
 * deploy/win/alive.c). Internal. */
#ifndef CC_PLATFORM_H
#define CC_PLATFORM_H

#include "internal.h"

/* Runs argv (no shell), stdin /dev/null, stdout+stderr appended to out (may
 * be NULL), bounded in time. 0 on exit status 0; CC_EINVAL naming what and
 * the first output line otherwise; CC_EIO when it could not start or timed
 * out. Windows: CC_EINVAL (servers are not run there). */
int cc_platform_run(const char *const *argv, const char *what, cc_buf_t *out,
		    cc_error_t *err);

#endif
