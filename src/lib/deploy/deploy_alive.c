/* deploy_alive.c - is the server running? Read from its pid file (nginx's
 * "pid" directive, haproxy's -p file), so that a reload that fails because
 * nothing runs is said plainly instead of undone. */
#include "internal.h"
#include "deploy.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Debian's nginx is built with this pid path when nginx.conf names none. */
#define NGINX_DEFAULT_PID "/run/nginx.pid"

/* nginx: the "pid PATH;" directive of the main configuration, made absolute
 * against the prefix. 0 when found, -1 when the file cannot be read. */
static int nginx_pidfile(const cc_deploy_cfg_t *cfg, char *out, size_t n)
{
	const char *conf = cfg->conf[0] ? cfg->conf : "/etc/nginx/nginx.conf";
	char line[CC_DEPLOY_PATH + 64], path[CC_DEPLOY_PATH];
	FILE *f = fopen(conf, "re");

	if (!f)
		return -1;
	snprintf(out, n, "%s", NGINX_DEFAULT_PID);
	while (fgets(line, sizeof(line), f)) {
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		if (strncmp(s, "pid", 3) || !isspace((unsigned char)s[3]) ||
		    sscanf(s + 3, " %1023[^; \t\n]", path) != 1)
			continue;
		if (path[0] == '/' || !cfg->prefix[0])
			snprintf(out, n, "%s", path);
		else
			snprintf(out, n, "%s/%s", cfg->prefix, path);
		break;
	}
	fclose(f);
	return 0;
}

int cc_deploy_running(const cc_deploy_t *d, char *why, size_t n)
{
	const cc_deploy_cfg_t *cfg = cc_deploy_cfg_of(d);
	char pidfile[CC_DEPLOY_PATH], buf[64];
	FILE *f;
	long pid;
	char *end;

	if (cfg->reload_cmd[0])
		return -1; /* a custom reload: its own business */
	if (cfg->server == CC_SERVER_NGINX) {
		if (nginx_pidfile(cfg, pidfile, sizeof(pidfile)))
			return -1;
	} else if (cfg->server == CC_SERVER_HAPROXY && cfg->pidfile[0]) {
		snprintf(pidfile, sizeof(pidfile), "%s", cfg->pidfile);
	} else {
		return -1;
	}
	if (!(f = fopen(pidfile, "re"))) {
		snprintf(why, n, "its pid file %s does not exist", pidfile);
		return errno == ENOENT ? 0 : -1;
	}
	buf[0] = 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	pid = strtol(buf, &end, 10);
	if (pid <= 1 || (*end && !isspace((unsigned char)*end))) {
		snprintf(why, n, "its pid file %s is empty or holds no process id", pidfile);
		return 0;
	}
	if (kill((pid_t)pid, 0) && errno == ESRCH) {
		snprintf(why, n, "its pid file %s names process %ld, which is not running",
			 pidfile, pid);
		return 0;
	}
	return 1;
}
