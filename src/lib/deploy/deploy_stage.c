/* deploy_stage.c - the change journal every server's files are written
 * through (so a rollback restores them), the pieces of configuration the
 * per-server files share, the servers' names and running a server's check
 * or reload command. Below deploy.c, which picks the server, and below the
 * reload proof (alive.c), which deploy.c asks. */
#include "internal.h"
#include "deploy.h"
#include "platform/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Journal entries: a few files per binding, for every binding at most. */
#define JOURNAL_MAX (CC_BIND_MAX_SITES * (CC_BIND_MAX_FILES + 2))

const cc_deploy_cfg_t *cc_deploy_cfg_of(const cc_deploy_t *d)
{
	return &d->cfg;
}

static int journal_save(cc_deploy_t *d, cc_error_t *err)
{
	cc_buf_t b = { 0 };
	int r;
	for (size_t i = 0; i < d->nj; i++)
		cc_buf_printf(&b, "%c %s\n", d->jprev[i] ? 'P' : 'N', d->jpath[i]);
	r = b.oom ? cc_err(err, CC_ENOMEM, d->journal, "out of memory")
		  : cc_write_file_atomic(d->journal, b.s ? b.s : "", b.n, 0600, err);
	cc_buf_clear(&b);
	return r;
}

int cc_deploy_journal_add(cc_deploy_t *d, const char *path, int prev, cc_error_t *err)
{
	void *np;
	if (d->nj == JOURNAL_MAX)
		return cc_err(err, CC_ELIMIT, d->journal, "too many pending changes; reload first");
	if (!(np = realloc(d->jpath, (d->nj + 1) * sizeof(*d->jpath))))
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	d->jpath = np;
	if (!(np = realloc(d->jprev, d->nj + 1)))
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	d->jprev = np;
	snprintf(d->jpath[d->nj], sizeof(d->jpath[0]), "%s", path);
	d->jprev[d->nj++] = (char)prev;
	return 0;
}

/* Records path in the journal before it changes: its current content is
 * kept as path.prev (a hard link, so the old inode survives the rename). */
static int journal_touch(cc_deploy_t *d, const char *path, cc_error_t *err)
{
	char prev[CC_DEPLOY_PATH + 80];
	struct stat st;
	int exists, r;

	for (size_t i = 0; i < d->nj; i++)
		if (!strcmp(d->jpath[i], path))
			return 0; /* the first .prev is the last state a reload proved */
	snprintf(prev, sizeof(prev), "%s.prev", path);
	exists = stat(path, &st) == 0;
	if (exists) {
		if (unlink(prev) && errno != ENOENT)
			return cc_err(err, CC_EIO, prev, "cannot remove: %s", strerror(errno));
		if (link(path, prev))
			return cc_err(err, CC_EIO, prev, "cannot keep the previous file: %s",
				      strerror(errno));
	}
	if ((r = cc_deploy_journal_add(d, path, exists, err)))
		return r;
	return journal_save(d, err);
}

/* A server's file (outside the store) written by a bind that was killed
 * leaves path.tmp.PID beside it: removed once its process is gone (we hold
 * the store's lock, which every deployment takes). */
static void sweep_beside(const char *path)
{
	char dir[CC_DEPLOY_PATH + 80];
	const char *slash = strrchr(path, '/');

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = 0;
	cc_tmp_sweep(slash == path ? "/" : dir, slash + 1);
}

int cc_deploy_stage_write(cc_deploy_t *d, const char *path, const void *data,
			  size_t len, unsigned mode, cc_error_t *err)
{
	int r = journal_touch(d, path, err);
	if (!r)
		sweep_beside(path);
	return r ? r : cc_write_file_atomic(path, data, len, mode, err);
}

int cc_deploy_stage_unlink(cc_deploy_t *d, const char *path, cc_error_t *err)
{
	int r = journal_touch(d, path, err);
	if (r)
		return r;
	if (unlink(path) && errno != ENOENT)
		return cc_err(err, CC_EIO, path, "cannot remove: %s", strerror(errno));
	return 0;
}

int cc_deploy_write_pair(cc_deploy_t *d, cc_binding_t *b, const cc_buf_t *chain,
			 const cc_buf_t *key, cc_error_t *err)
{
	int r;

	snprintf(b->files[0], sizeof(b->files[0]), "%s/%s.fullchain.pem", d->cfg.deploy_dir,
		 b->site);
	snprintf(b->files[1], sizeof(b->files[1]), "%s/%s.key", d->cfg.deploy_dir, b->site);
	b->nfiles = 2;
	/* The key first: the certificate must never point at a stale key. */
	if ((r = cc_deploy_stage_write(d, b->files[1], key->s, key->n, 0600, err)))
		return r;
	return cc_deploy_stage_write(d, b->files[0], chain->s, chain->n, 0644, err);
}

void cc_deploy_addr(cc_buf_t *o, const cc_binding_t *b, const char *any,
		    const char *v6open, const char *v6close)
{
	if (!strcmp(b->ip, "*"))
		cc_buf_printf(o, "%s%u", any, b->port);
	else if (strchr(b->ip, ':'))
		cc_buf_printf(o, "%s%s%s:%u", v6open, b->ip, v6close, b->port);
	else
		cc_buf_printf(o, "%s:%u", b->ip, b->port);
}

int cc_deploy_first_at(const cc_binding_t *v, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (v[j].port == v[i].port && !strcmp(v[j].ip, v[i].ip))
			return 0;
	return 1;
}

int cc_server_parse(const char *name)
{
	if (name && !strcmp(name, "nginx"))
		return CC_SERVER_NGINX;
	if (name && !strcmp(name, "haproxy"))
		return CC_SERVER_HAPROXY;
	if (name && !strcmp(name, "apache"))
		return CC_SERVER_APACHE;
	return 0;
}

const char *cc_server_name(int server)
{
	switch (server) {
	case CC_SERVER_NGINX: return "nginx";
	case CC_SERVER_HAPROXY: return "haproxy";
	case CC_SERVER_APACHE: return "apache";
	default: return "?";
	}
}

int cc_deploy_run_step(cc_deploy_t *d, int reload, const long *pids, size_t npids,
		       cc_buf_t *out, cc_error_t *err)
{
	const char *argv[CC_DEPLOY_MAX_ARGS + 1];
	char store[CC_DEPLOY_MAX_ARGS][CC_DEPLOY_PATH];
	const char *const *more = reload ? d->ops->reload_args : d->ops->check_args;
	const char *custom = reload ? d->cfg.reload_cmd : d->cfg.validate_cmd;
	size_t n = 0;
	int r;

	if (custom[0]) {
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = custom;
	} else {
		argv[n++] = d->cfg.bin;
		if (d->ops->prefix_opt && d->cfg.prefix[0]) {
			argv[n++] = d->ops->prefix_opt;
			argv[n++] = d->cfg.prefix;
		}
		if (d->cfg.conf[0]) {
			argv[n++] = d->ops->conf_opt;
			argv[n++] = d->cfg.conf;
		}
		if (d->ops->dir_opt) {
			argv[n++] = d->ops->dir_opt;
			argv[n++] = d->cfg.conf_dir;
		}
		for (size_t i = 0; more[i]; i++)
			argv[n++] = more[i];
		if (reload && d->ops->reload_more &&
		    (r = d->ops->reload_more(&d->cfg, pids, npids, argv, &n, store, err)))
			return r;
	}
	argv[n] = NULL;
	return cc_platform_run(argv, reload ? "reload" : "configuration check", out, err);
}
