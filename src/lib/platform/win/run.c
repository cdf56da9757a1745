/*
 * run.c - Windows: running a server's commands. Deploying to
 * nginx/haproxy/apache means running their binaries to check and reload;
 * those servers are POSIX programs and not part of the Windows build (IIS
 * is bound through a generated PowerShell script instead: bind --server
 * iis). So this one refuses clearly instead of pretending.
 */
#include "platform/platform.h"

#include <stdio.h>

int cc_platform_run(const char *const *argv, const char *what, cc_buf_t *out,
		    cc_error_t *err)
{
	(void)out;
	return cc_err(err, CC_EINVAL, argv && argv[0] ? argv[0] : "",
		      "%s: running server commands is not available in the Windows "
		      "build (nginx, haproxy and apache deployment is Linux only)",
		      what ? what : "deploy");
}
