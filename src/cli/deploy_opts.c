/* deploy_opts.c - the deployment options bind, unbind, bindings and reload
 * share: where the state lives and how each server is configured. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cli_deploy_help[] =
	"deployment settings (saved per server by 'bind', used by later commands):\n"
	"      --store DIR             state directory (default $CERTCHAIN_STORE, else\n"
	"                              ~/.local/share/certchain; /var/lib/certchain as root)\n"
	"      --config FILE           read settings from FILE ('key = value' lines)\n"
	"      --conf-dir DIR          where the generated include goes (nginx:\n"
	"                              /etc/nginx/conf.d; haproxy: /etc/haproxy/conf.d;\n"
	"                              apache: /etc/apache2/sites-enabled)\n"
	"      --deploy-dir DIR        where certificates and keys go (/etc/ssl/certchain)\n"
	"      --nginx-prefix DIR      nginx -p DIR\n"
	"      --nginx-conf FILE       nginx -c FILE\n"
	"      --nginx-bin PATH        the nginx executable (nginx)\n"
	"      --haproxy-conf FILE     haproxy's main -f file (/etc/haproxy/haproxy.cfg)\n"
	"      --haproxy-pidfile FILE  haproxy -p file, read for -sf (/run/haproxy.pid)\n"
	"      --haproxy-bin PATH      the haproxy executable (haproxy)\n"
	"      --apache-conf FILE      apache -f FILE (default: apache2ctl's own)\n"
	"      --apache-root DIR       apache -d DIR (ServerRoot)\n"
	"      --apache-bin PATH       apache2ctl or apache2 (apache2ctl)\n"
	"      --apache-listen yes|no  write Listen lines (no: the main config has them)\n"
	"      --validate-cmd CMD      replaces the built-in check (run by /bin/sh -c)\n"
	"      --reload-cmd CMD        replaces the built-in reload (run by /bin/sh -c)\n";

/* Which settings key an option sets, and the server it belongs to (0: any). */
static const struct {
	int code;
	const char *key;
	int server;
} map[] = {
	{ CLI_DEPLOY_OPT + 2, "conf_dir", 0 },
	{ CLI_DEPLOY_OPT + 3, "deploy_dir", 0 },
	{ CLI_DEPLOY_OPT + 4, "prefix", CC_SERVER_NGINX },
	{ CLI_DEPLOY_OPT + 5, "conf", CC_SERVER_NGINX },
	{ CLI_DEPLOY_OPT + 6, "bin", CC_SERVER_NGINX },
	{ CLI_DEPLOY_OPT + 7, "conf", CC_SERVER_HAPROXY },
	{ CLI_DEPLOY_OPT + 8, "pidfile", CC_SERVER_HAPROXY },
	{ CLI_DEPLOY_OPT + 9, "bin", CC_SERVER_HAPROXY },
	{ CLI_DEPLOY_OPT + 10, "validate_cmd", 0 },
	{ CLI_DEPLOY_OPT + 11, "reload_cmd", 0 },
	{ CLI_DEPLOY_OPT + 12, "conf", CC_SERVER_APACHE },
	{ CLI_DEPLOY_OPT + 13, "prefix", CC_SERVER_APACHE },
	{ CLI_DEPLOY_OPT + 14, "bin", CC_SERVER_APACHE },
	{ CLI_DEPLOY_OPT + 15, "listen", CC_SERVER_APACHE },
};

int cli_deploy_opt(cli_deploy_t *o, int code, const char *arg)
{
	if (code == CLI_DEPLOY_OPT) {
		o->store = arg;
		return 1;
	}
	if (code == CLI_DEPLOY_OPT + 1) {
		o->config = arg;
		return 1;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].code != code || o->nset == CLI_DEPLOY_MAX_SET)
			continue;
		o->set[o->nset].key = map[i].key;
		o->set[o->nset].server = map[i].server;
		o->set[o->nset++].val = arg;
		return 1;
	}
	return 0;
}

int cli_deploy_store(const cli_deploy_t *o, cc_store_t **st)
{
	cc_error_t err;
	cc_error_clear(&err);
	if (cc_store_open(o->store, st, &err))
		return cli_fail(&err);
	return 0;
}

int cli_deploy_cfg(const char *cmd, const cli_deploy_t *o, cc_store_t *st,
		   int server, cc_deploy_cfg_t *cfg, int save)
{
	char rel[64], saved[CC_DEPLOY_PATH + 64];
	cc_error_t err;
	int r;

	cc_error_clear(&err);
	cc_deploy_cfg_defaults(cfg, server);
	snprintf(rel, sizeof(rel), "deploy/%s.conf", cc_server_name(server));
	if (cc_store_file_path(st, rel, saved, sizeof(saved), &err))
		return cli_fail(&err);
	r = cc_deploy_cfg_load(cfg, saved, &err);
	if (r && r != CC_ENOTFOUND)
		return cli_fail(&err);
	cc_error_clear(&err);
	if (o->config && cc_deploy_cfg_load(cfg, o->config, &err))
		return cli_fail(&err);
	for (size_t i = 0; i < o->nset; i++) {
		if (o->set[i].server && o->set[i].server != server)
			continue; /* another server's setting */
		if (cc_deploy_cfg_set(cfg, o->set[i].key, o->set[i].val, &err))
			return cli_usage_error(cmd, "%s: %s", err.where, err.msg);
	}
	if (save && cc_deploy_cfg_save(cfg, saved, &err))
		return cli_fail(&err);
	return 0;
}

int cli_deploy_configured(cc_store_t *st, int server)
{
	char rel[64], path[CC_DEPLOY_PATH + 64];
	snprintf(rel, sizeof(rel), "deploy/%s.conf", cc_server_name(server));
	return !cc_store_file_path(st, rel, path, sizeof(path), NULL) && !access(path, F_OK);
}

/* Appends a string (cc_json_str) to the array a; -1 when out of memory. */
static int push_str(json_t *a, const char *s)
{
	return json_array_append_new(a, cc_json_str(s));
}

json_t *cli_binding_json(const cc_binding_t *x)
{
	json_t *hosts = json_array(), *chain = json_array(), *files = json_array();
	json_t *profs = json_array();
	int bad = !hosts || !chain || !files || !profs;
	char t[32];

	for (size_t i = 0; !bad && i < x->nhosts; i++)
		bad = push_str(hosts, x->hosts[i]);
	for (size_t i = 0; !bad && i < x->nchain; i++)
		bad = push_str(chain, x->chain[i]);
	for (size_t i = 0; !bad && i < x->nfiles; i++)
		bad = push_str(files, x->files[i]);
	for (const char *p = x->profiles; !bad && *p;
	     p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0)) {
		char spec[CC_BIND_PROFILES_LEN];
		snprintf(spec, sizeof(spec), "%.*s", (int)strcspn(p, "\n"), p);
		bad = push_str(profs, spec);
	}
	if (bad) {
		json_decref(hosts);
		json_decref(chain);
		json_decref(files);
		json_decref(profs);
		return NULL;
	}
	return json_pack("{s:o,s:s,s:o,s:I,s:o,s:o,s:o,s:o,s:s,s:o,s:s}",
			 "site", cc_json_str(x->site), "server", cc_server_name(x->server),
			 "ip", cc_json_str(x->ip), "port", (json_int_t)x->port,
			 "hostnames", hosts, "certificate", cc_json_str(x->cert),
			 "chain", chain, "files", files,
			 "deployed", cc_time_str(x->deployed, t), "profiles", profs,
			 "policy", cc_policy_name(x->policy));
}

int cli_deploy_args(const char *cmd, int argc, char **argv, const char *name,
		    const char **value, int *json, cli_deploy_t *dopt,
		    const char *usage, const char *help_tail)
{
	const struct option lo[] = {
		{ name, required_argument, 0, 1 },
		{ "json", no_argument, 0, 2 },
		{ "help", no_argument, 0, 'h' },
		CLI_DEPLOY_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 1) {
			*value = optarg;
		} else if (c == 2) {
			*json = 1;
		} else if (c == 'h') {
			printf("%s%s", usage, help_tail);
			return -1;
		} else if (!cli_deploy_opt(dopt, c, optarg)) {
			return cli_bad_option(cmd, argv, lo);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cli_bindings_open(const cli_deploy_t *o, cc_store_t **st, cc_binding_t **v,
		      size_t *n)
{
	cc_error_t err;
	int rc;

	*v = NULL;
	*n = 0;
	if (cli_deploy_store(o, st))
		return EXIT_USAGE;
	cc_error_clear(&err);
	if (cc_bindings_load(*st, v, n, &err)) {
		rc = cli_fail(&err);
		cc_store_close(*st);
		*st = NULL;
		return rc;
	}
	return 0;
}
