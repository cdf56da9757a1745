/* cmd_unbind.c - certchain unbind: remove a site's binding and files. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain unbind --site NAME [--json] [deployment settings]\n"
	"\n"
	"Removes the site's server block / crt-list entry, its deployed certificate\n"
	"and key files and its record. The previous files are kept until\n"
	"'certchain reload' has proved the server works without the site.\n"
	"\n"
	"      --site NAME     the site to remove\n"
	"      --json          print the removed binding as one JSON object\n"
	"  -h, --help          this text\n"
	"exit: 0 removed (run 'certchain reload'), 2 usage, unknown site or I/O error\n\n";

int cmd_unbind(int argc, char **argv)
{
	cli_deploy_t dopt = { 0 };
	cc_store_t *st = NULL;
	const char *site = NULL;
	cc_binding_t *v = NULL;
	cc_deploy_cfg_t cfg;
	cc_deploy_t *d = NULL;
	cc_error_t err;
	size_t n = 0;
	int server = 0, rc, json = 0;
	size_t found = 0;

	rc = cli_deploy_args("unbind", argc, argv, "site", &site, &json, &dopt, usage_text,
			     cli_deploy_help);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!site)
		return cli_usage_error("unbind", "expected --site NAME");
	cc_error_clear(&err);
	if ((rc = cli_bindings_open(&dopt, &st, &v, &n)))
		return rc;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].site, site)) {
			server = v[i].server;
			found = i;
		}
	if (!server) {
		fprintf(stderr, "certchain: %s: no such site in %s\n", site, cc_store_dir(st));
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = cli_deploy_cfg("unbind", &dopt, st, server, &cfg, 0)))
		goto out;
	if (cc_deploy_open(st, &cfg, &d, &err) || cc_deploy_unbind(d, site, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	if (json) {
		cc_buf_t b = { 0 };
		json_t *j = json_pack("{s:o}", "unbound", cli_binding_json(&v[found]));
		cli_json_line(&b, j);
		cli_flush(&b);
	} else {
		cc_buf_t b = { 0 };
		cc_buf_printf(&b, "unbound %s from %s; run 'certchain reload --server %s' "
			      "to apply\n", site, cc_server_name(server), cc_server_name(server));
		cli_flush_text(&b);
	}
	rc = EXIT_OK;
out:
	cc_deploy_free(d);
	free(v);
	cc_store_close(st);
	return rc;
}
