/*
 * deploy_run_win.c - cc_deploy_run for the Windows build. Deploying to
 * nginx/haproxy/apache means running their binaries to check and reload;
 * those servers are POSIX programs and not part of the Windows build (IIS
 * is bound through a generated PowerShell script instead: bind --server
 * iis). So this one refuses clearly instead of pretending.
 */
#include "internal.h"
#include "deploy/deploy.h"

int cc_deploy_run(const char *const *argv, const char *what, cc_buf_t *out,
		  cc_error_t *err)
{
	(void)out;
	return cc_err(err, CC_EINVAL, argv && argv[0] ? argv[0] : "",
		      "%s: running server commands is not available in the Windows "
		      "build (nginx, haproxy and apache deployment is Linux only)",
		      what ? what : "deploy");
}

/* reload is not in the Windows build: whether nginx/haproxy runs cannot be
 * told here (-1, as for a custom reload command). */
int cc_deploy_running(const cc_deploy_t *d, char *why, size_t n)
{
	(void)d;
	if (why && n)
		snprintf(why, n, "not available in the Windows build");
	return -1;
}
