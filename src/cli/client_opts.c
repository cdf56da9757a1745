/* client_opts.c - the client options every judging command shares (build,
 * explain, verify, check, fix, export, profiles): which certificates, which
 * clients, when, under which policy, for which name. One table
 * (CLI_CLIENT_LONGOPTS), one parser, one help text (CLI_CLIENT_USAGE), so no
 * command can lack one or read one differently. */
#include "cli.h"

#include <stdlib.h>

int cli_client_opt(const char *cmd, cli_client_t *o, int c, const char *arg)
{
	switch (c) {
	case 'I': return cli_push_arg(&o->inter, &o->ninter, arg) ? EXIT_USAGE : 0;
	case 'r': return cli_push_arg(&o->roots, &o->nroots, arg) ? EXIT_USAGE : 0;
	case 'p': return cli_push_arg(&o->specs, &o->nspecs, arg) ? EXIT_USAGE : 0;
	case CLI_CLIENT_STORE: o->store.dir = arg; return 0;
	case CLI_CLIENT_NO_STORE: o->store.no_store = 1; return 0;
	case CLI_CLIENT_AT: return cli_parse_time(cmd, arg, &o->at);
	case CLI_CLIENT_POLICY: return cli_policy_arg(cmd, arg, &o->policy);
	case CLI_CLIENT_HOST:
		if (cli_host_arg(cmd, "--host", arg, o->hostbuf, sizeof(o->hostbuf)))
			return EXIT_USAGE;
		o->host = o->hostbuf;
		return 0;
	default: return -1;
	}
}

void cli_client_free(cli_client_t *o)
{
	free(o->inter);
	free(o->roots);
	free(o->specs);
	o->inter = o->roots = o->specs = NULL;
	o->ninter = o->nroots = o->nspecs = 0;
}

int cli_pool_merge(cc_pool_t *dst, cc_pool_t *src, cc_error_t *err)
{
	for (size_t i = 0; src && i < cc_pool_count(src); i++) {
		int r = cc_pool_add_copy(dst, cc_pool_get(src, i), NULL, err);
		if (r)
			return r;
	}
	return 0;
}
