/*
 * alive.c (Windows; deploy/posix/alive.c elsewhere) - whether a server runs
 * and whether a reload took are told from POSIX pid files, /proc and the
 * sockets' owners: none of them exists here, and nginx, haproxy and apache
 * are not deployed from the Windows build (IIS is bound through a generated
 * PowerShell script: bind --server iis). So each refuses clearly.
 */
#include "internal.h"
#include "deploy/deploy.h"

#include <stdio.h>
#include <string.h>

/* reload is not in the Windows build: whether nginx/haproxy runs cannot be
 * told here (-1, as for a custom reload command). */
int cc_deploy_running(const cc_deploy_t *d, char *why, size_t n)
{
	(void)d;
	if (why && n)
		snprintf(why, n, "not available in the Windows build");
	return -1;
}

/* The pid files, processes and sockets of a POSIX server: not here. */
int cc_deploy_pidfile_read(const cc_deploy_cfg_t *cfg, char *path, size_t pathlen,
			   long *pids, size_t max, size_t *npids, char *why, size_t whylen)
{
	(void)cfg;
	(void)pids;
	(void)max;
	*npids = 0;
	if (path && pathlen)
		path[0] = 0;
	if (why && whylen)
		snprintf(why, whylen, "not available in the Windows build");
	return -1;
}

/* The reload itself is refused by cc_platform_run (platform/win/run.c). */
int cc_deploy_reload_proved(cc_deploy_t *d, int wait_ms, cc_reload_proof_t *p,
			    cc_buf_t *out, cc_error_t *err)
{
	(void)wait_ms;
	memset(p, 0, sizeof(*p));
	p->running = p->taken = -1;
	p->failed = 1;
	snprintf(p->why, sizeof(p->why), "not available in the Windows build");
	return cc_deploy_run_step(d, 1, NULL, 0, out, err);
}

int cc_deploy_owners(const cc_deploy_t *d, const cc_reload_proof_t *p,
		     const cc_binding_t *v, size_t n, cc_listen_owner_t *res,
		     cc_error_t *err)
{
	(void)d;
	(void)p;
	(void)v;
	(void)n;
	(void)res;
	return cc_err(err, CC_EINVAL, "", "listening sockets cannot be read in the "
		      "Windows build");
}
