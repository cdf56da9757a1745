/* deploy_apache.c - Apache httpd: fullchain PEM + key file per site, one
 * generated include of Listen lines and <VirtualHost> blocks, apache -t and
 * a graceful restart (-k graceful). Needs mod_ssl loaded by the main config. */
#include "internal.h"
#include "deploy.h"

#include <string.h>

/* 1 if a binding of v[0..n) listens on every address of port. */
static int any_on_port(const cc_binding_t *v, size_t n, unsigned port)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].port == port && !strcmp(v[i].ip, "*"))
			return 1;
	return 0;
}

static void render(const cc_deploy_cfg_t *cfg, const cc_binding_t *v, size_t n,
		   cc_buf_t *o)
{
	/* Apache refuses a second Listen on the same address, and cannot bind
	 * an address of a port it also listens on everywhere ("Listen PORT"):
	 * one Listen per port when a binding there is "*", else one per
	 * address; none at all when the main configuration already has them. */
	for (size_t i = 0; strcmp(cfg->listen, "no") && i < n; i++) {
		if (!cc_deploy_first_at(v, i) ||
		    (strcmp(v[i].ip, "*") && any_on_port(v, n, v[i].port)))
			continue;
		cc_buf_printf(o, "Listen ");
		cc_deploy_addr(o, &v[i], "", "[", "]");
		cc_buf_printf(o, " https\n");
	}
	for (size_t i = 0; i < n; i++) {
		const cc_binding_t *b = &v[i];
		cc_buf_printf(o, "\n# site %s, certificate %s\n<VirtualHost ", b->site, b->cert);
		cc_deploy_addr(o, b, "*:", "[", "]");
		cc_buf_printf(o, ">\n    ServerName %s\n", b->hosts[0]);
		for (size_t h = 1; h < b->nhosts; h++)
			cc_buf_printf(o, "    ServerAlias %s\n", b->hosts[h]);
		cc_buf_printf(o, "    SSLEngine on\n    SSLCertificateFile %s\n"
				 "    SSLCertificateKeyFile %s\n</VirtualHost>\n",
			      b->files[0], b->files[1]);
	}
}

const cc_deploy_ops_t cc_deploy_apache_ops = {
	.include = "certchain.conf", /* in sites-enabled on Debian */
	.write_files = cc_deploy_write_pair,
	.render = render,
	.prefix_opt = "-d",
	.conf_opt = "-f",
	.check_args = { "-t", NULL },
	/* the parent re-reads the configuration; children finish their requests */
	.reload_args = { "-k", "graceful", NULL },
};
