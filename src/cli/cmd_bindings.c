/* cmd_bindings.c - certchain bindings: list the sites bound on web servers. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain bindings [--server nginx|haproxy|apache] [--json] [--store DIR]\n"
	"\n"
	"Lists every site bound with 'certchain bind': server, address and port,\n"
	"SNI host names, certificate, the deployed chain and files.\n"
	"\n"
	"      --server NAME   only that server's sites\n"
	"      --json          one JSON object on stdout\n"
	"      --store DIR     state directory (see 'certchain bind --help')\n"
	"  -h, --help          this text\n"
	"exit: 0 listed (also when there is none), 2 usage or unreadable state\n";

static void text_one(cc_buf_t *b, const cc_binding_t *x)
{
	cc_buf_printf(b, "%s  (%s)\n  listen:      %s%s%s:%u\n  hostnames:  ", x->site,
		      cc_server_name(x->server), strchr(x->ip, ':') ? "[" : "",
		      !strcmp(x->ip, "*") ? "* (all unassigned)" : x->ip,
		      strchr(x->ip, ':') ? "]" : "", x->port);
	for (size_t i = 0; i < x->nhosts; i++)
		cc_buf_printf(b, " %s", x->hosts[i]);
	cc_buf_printf(b, "\n  certificate: %s (leaf sha256 %.16s, %zu certificate%s served)\n",
		      x->cert, x->nchain ? x->chain[0] : "", x->nchain, x->nchain == 1 ? "" : "s");
	for (size_t i = 0; i < x->nfiles; i++)
		cc_buf_printf(b, "  file:        %s\n", x->files[i]);
}

int cmd_bindings(int argc, char **argv)
{
	cli_deploy_t dopt = { 0 };
	cc_store_t *st = NULL;
	cc_binding_t *v = NULL;
	cc_buf_t b = { 0 };
	const char *sv = NULL;
	size_t n = 0, shown = 0;
	json_t *arr = NULL;
	int json = 0, server = 0, rc;

	rc = cli_deploy_args("bindings", argc, argv, "server", &sv, &json, &dopt, usage_text, "");
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (sv && !(server = cc_server_parse(sv)))
		return cli_usage_error("bindings", "--server: '%s' is not nginx, haproxy or apache",
				       sv);
	if ((rc = cli_bindings_open(&dopt, &st, &v, &n)))
		return rc;
	if (json)
		arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (server && v[i].server != server)
			continue;
		if (!json) {
			text_one(&b, &v[i]);
		} else if (arr && json_array_append_new(arr, cli_binding_json(&v[i]))) {
			json_decref(arr);
			arr = NULL; /* out of memory: no document */
		}
		shown++;
	}
	if (json) {
		json_t *j = json_pack("{s:o,s:o}", "store", cc_json_str(cc_store_dir(st)),
				      "bindings", arr);
		cli_json_line(&b, j);
	} else if (!shown)
		cc_buf_printf(&b, "no bindings in %s\n", cc_store_dir(st));
	cli_flush_report(&b, json);
	free(v);
	cc_store_close(st);
	return EXIT_OK;
}
