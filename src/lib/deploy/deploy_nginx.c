/* deploy_nginx.c - nginx: fullchain PEM + key file per site, one generated
 * include of server blocks, nginx -t and nginx -s reload. */
#include "internal.h"
#include "deploy.h"

static void render(const cc_deploy_cfg_t *cfg, const cc_binding_t *v, size_t n,
		   cc_buf_t *o)
{
	for (size_t i = 0; i < n; i++) {
		const cc_binding_t *b = &v[i];
		cc_buf_printf(o, "\n# site %s, certificate %s\nserver {\n    listen ", b->site,
			      b->cert);
		cc_deploy_addr(o, b, "", "[", "]");
		cc_buf_printf(o, " ssl;\n    server_name");
		for (size_t h = 0; h < b->nhosts; h++)
			cc_buf_printf(o, " %s", b->hosts[h]);
		cc_buf_printf(o, ";\n    ssl_certificate %s;\n    ssl_certificate_key %s;\n}\n",
			      b->files[0], b->files[1]);
	}
}

const cc_deploy_ops_t cc_deploy_nginx_ops = {
	.include = "certchain.conf", /* what conf.d/NAME.conf includes pick up */
	.write_files = cc_deploy_write_pair,
	.render = render,
	.prefix_opt = "-p",
	.conf_opt = "-c",
	.check_args = { "-t", "-q", NULL },
	.reload_args = { "-s", "reload", NULL },
};
