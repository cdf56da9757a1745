/* deploy_haproxy.c - HAProxy: one combined PEM (chain + key) and a crt-list
 * (the SNI names) per site, one generated frontend per address:port,
 * haproxy -c and a graceful reload with -sf. */
#include "internal.h"
#include "deploy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_files(cc_deploy_t *d, cc_binding_t *b, const cc_buf_t *chain,
		       const cc_buf_t *key, cc_error_t *err)
{
	const cc_deploy_cfg_t *cfg = cc_deploy_cfg_of(d);
	cc_buf_t pem = { 0 }, list = { 0 };
	int r;

	snprintf(b->files[0], sizeof(b->files[0]), "%s/%s.pem", cfg->deploy_dir, b->site);
	snprintf(b->files[1], sizeof(b->files[1]), "%s/%s.crtlist", cfg->deploy_dir, b->site);
	b->nfiles = 2;
	/* HAProxy reads the leaf, its chain and the key from one file. */
	cc_buf_printf(&pem, "%s%s", chain->s, key->s);
	cc_buf_printf(&list, "%s", b->files[0]);
	for (size_t h = 0; h < b->nhosts; h++)
		cc_buf_printf(&list, " %s", b->hosts[h]);
	cc_buf_printf(&list, "\n");
	if (pem.oom || list.oom)
		r = cc_err(err, CC_ENOMEM, b->site, "out of memory");
	else if (!(r = cc_deploy_stage_write(d, b->files[0], pem.s, pem.n, 0600, err)))
		r = cc_deploy_stage_write(d, b->files[1], list.s, list.n, 0644, err);
	if (pem.s)
		OPENSSL_cleanse(pem.s, pem.cap);
	cc_buf_clear(&pem);
	cc_buf_clear(&list);
	return r;
}

static void render(const cc_deploy_cfg_t *cfg, const cc_binding_t *v, size_t n,
		   cc_buf_t *o)
{
	for (size_t i = 0; i < n; i++) {
		if (!cc_deploy_first_at(v, i))
			continue; /* already in the frontend of its address */
		cc_buf_printf(o, "\nfrontend certchain_%s_%u\n    mode http\n    bind ",
			      strcmp(v[i].ip, "*") ? v[i].ip : "any", v[i].port);
		cc_deploy_addr(o, &v[i], ":", "ipv6@", "");
		cc_buf_printf(o, " ssl");
		/* The first site's certificate is the default for clients without SNI. */
		for (size_t j = i; j < n; j++)
			if (v[j].port == v[i].port && !strcmp(v[j].ip, v[i].ip))
				cc_buf_printf(o, " crt-list %s", v[j].files[1]);
		cc_buf_printf(o, "\n    # sites:");
		for (size_t j = i; j < n; j++)
			if (v[j].port == v[i].port && !strcmp(v[j].ip, v[i].ip))
				cc_buf_printf(o, " %s", v[j].site);
		cc_buf_printf(o, "\n");
	}
}

/* The new process takes over the listeners and tells the old ones (-sf) to
 * finish their connections and leave: HAProxy's graceful reload. The old
 * pids are the ones read from the pid file before the reload. */
static int reload_more(const cc_deploy_cfg_t *cfg, const long *pids, size_t npids,
		       const char **argv, size_t *np, char store[][CC_DEPLOY_PATH],
		       cc_error_t *err)
{
	size_t n = *np;

	if (!cfg->pidfile[0])
		return cc_err(err, CC_EINVAL, "haproxy", "no pid file configured "
			      "(--haproxy-pidfile) and no reload command");
	if (!npids)
		return cc_err(err, CC_EIO, cfg->pidfile, "no haproxy pid in the pid file "
			      "(is haproxy running?)");
	argv[n++] = "-p";
	argv[n++] = cfg->pidfile;
	argv[n++] = "-D";
	argv[n++] = "-sf";
	/* room for the arguments before these and the closing NULL */
	for (size_t i = 0; i < npids && n < CC_DEPLOY_MAX_ARGS - 1; i++) {
		snprintf(store[i], CC_DEPLOY_PATH, "%ld", pids[i]);
		argv[n++] = store[i];
	}
	*np = n;
	return 0;
}

const cc_deploy_ops_t cc_deploy_haproxy_ops = {
	.include = "certchain.cfg", /* haproxy -f CONF_DIR loads its *.cfg */
	.write_files = write_files,
	.render = render,
	.prefix_opt = NULL,
	.conf_opt = "-f",
	.dir_opt = "-f", /* the main file, then every *.cfg of conf_dir */
	.check_args = { "-c", "-q", NULL },
	.reload_args = { NULL },
	.reload_more = reload_more,
};
