/* cmd_reload.c - certchain reload: check the server's configuration, reload
 * it gracefully, then prove over TLS that every binding serves exactly what
 * was deployed; undo the deployment when anything fails. */
#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: certchain reload [--server nginx|haproxy|apache] [--wait SECONDS] [--json]\n"
	"                        [deployment settings]\n"
	"\n"
	"For each server (default: every server 'certchain bind' has configured):\n"
	"  1. validates its configuration (nginx -t / haproxy -c / apache -t, or\n"
	"     --validate-cmd);\n"
	"  2. reloads it gracefully (nginx -s reload / haproxy -sf / apache -k\n"
	"     graceful, or --reload-cmd);\n"
	"  3. connects to every binding's address and port once per host name (SNI)\n"
	"     and compares the served chain with the deployed one, retrying while the\n"
	"     reload takes effect (up to --wait, default 15 s).\n"
	"When every check passes, the previous files are deleted. When the check,\n"
	"the reload or the comparison fails, the files as of the last successful\n"
	"reload are restored and, if the server was reloaded, it is\n"
	"reloaded again with them; the report says so.\n"
	"\n"
	"      --server NAME   only this server\n"
	"      --wait SECONDS  how long a reload may take to show (default 15)\n"
	"      --json          one JSON object on stdout\n"
	"  -h, --help          this text\n"
	"exit: 0 every binding serves its deployed chain, 1 refused / mismatch\n"
	"(previous files restored), 2 usage or I/O error, or a server never\n"
	"configured by 'certchain bind' in this store\n\n";

typedef struct rargs {
	cli_deploy_t dopt;
	int server, json, wait_ms;
} rargs_t;

/* Checks every binding of d; appends the report. Returns 1 if all match. */
static int check_all(cc_deploy_t *d, const rargs_t *a, cc_buf_t *txt, cc_buf_t *js)
{
	static cc_served_t res[CC_BIND_MAX_HOSTS];
	const cc_binding_t *v;
	size_t n;
	int all = 1;
	cc_error_t err;

	v = cc_deploy_bindings(d, &n);
	cc_buf_printf(js, "\"bindings\":[");
	for (size_t i = 0; i < n; i++) {
		int r;
		cc_error_clear(&err);
		r = cc_deploy_check(&v[i], a->wait_ms, res, &err);
		cc_buf_printf(js, "%s{\"site\":", i ? "," : "");
		cc_buf_json_str(js, v[i].site);
		cc_buf_printf(js, ",\"checks\":[");
		if (r < 0) {
			char line[1200];
			cc_buf_printf(txt, "  FAIL %s: %s\n", v[i].site,
				      cc_error_line(&err, line, sizeof(line)));
			all = 0;
		}
		for (size_t h = 0; r >= 0 && h < v[i].nhosts; h++) {
			const cc_served_t *s = &res[h];
			cc_buf_printf(txt, "  %-4s %s on %s:%u, SNI %s: ", s->match ? "ok" : "FAIL",
				      v[i].site, v[i].ip, v[i].port, s->sni);
			if (s->match)
				cc_buf_printf(txt, "serves the deployed chain (%zu certificate%s, "
						   "leaf sha256 %.16s)\n",
					      s->nserved, s->nserved == 1 ? "" : "s", s->leaf);
			else
				cc_buf_printf(txt, "%s\n", s->reason);
			cc_buf_printf(js, "%s{\"sni\":", h ? "," : "");
			cc_buf_json_str(js, s->sni);
			cc_buf_printf(js, ",\"match\":%s,\"served\":%zu,\"leaf\":\"%s\",\"reason\":",
				      s->match ? "true" : "false", s->nserved, s->leaf);
			cc_buf_json_str(js, s->reason);
			cc_buf_printf(js, "}");
		}
		cc_buf_printf(js, "]}");
		all &= r == 1;
	}
	cc_buf_printf(js, "]");
	if (!n)
		cc_buf_printf(txt, "  (no bindings left to check)\n");
	return all;
}

/* After a failure: put the previous files back and, if the server already
 * took the new ones, reload it again and check what it serves now. */
static void restore(cc_deploy_t *d, const char *name, const rargs_t *a, int reloaded,
		    cc_buf_t *txt, cc_buf_t *js)
{
	char line[1200];
	cc_error_t err;

	cc_error_clear(&err);
	if (!cc_deploy_pending(d)) {
		cc_buf_printf(txt, "%s: nothing to restore (no change since the last "
				   "successful reload)\n", name);
		cc_buf_printf(js, ",\"restored\":false");
		return;
	}
	if (cc_deploy_rollback(d, &err)) {
		cc_buf_printf(txt, "%s: could NOT restore the previous files: %s\n", name,
			      cc_error_line(&err, line, sizeof(line)));
		cc_buf_printf(js, ",\"restored\":false");
		return;
	}
	cc_buf_printf(js, ",\"restored\":true");
	if (!reloaded) {
		cc_buf_printf(txt, "%s: restored the previous files; the server was not "
				   "reloaded and keeps serving them\n", name);
		return;
	}
	if (cc_deploy_validate(d, NULL, &err) || cc_deploy_reload(d, NULL, &err)) {
		cc_buf_printf(txt, "%s: restored the previous files, but reloading them "
				   "failed: %s\n", name, cc_error_line(&err, line, sizeof(line)));
		return;
	}
	cc_buf_printf(txt, "%s: restored the previous files and reloaded; now served:\n", name);
	cc_buf_printf(js, ",\"after_restore\":{");
	check_all(d, a, txt, js);
	cc_buf_printf(js, "}");
}

static int reload_one(const rargs_t *a, cc_store_t *st, int server, cc_buf_t *txt,
		      cc_buf_t *js)
{
	const char *name = cc_server_name(server);
	cc_deploy_cfg_t cfg;
	cc_deploy_t *d = NULL;
	cc_error_t err;
	char line[1200];
	int rc, reloaded = 0;

	if ((rc = cli_deploy_cfg("reload", &a->dopt, st, server, &cfg, 0)))
		return rc;
	cc_error_clear(&err);
	if (cc_deploy_open(st, &cfg, &d, &err))
		return cli_fail(&err);
	cc_buf_printf(js, "{\"server\":\"%s\",\"pending\":%s", name,
		      cc_deploy_pending(d) ? "true" : "false");
	if (cc_deploy_validate(d, NULL, &err)) {
		cc_buf_printf(txt, "%s: configuration check FAILED, not reloading: %s\n", name,
			      cc_error_line(&err, line, sizeof(line)));
		cc_buf_printf(js, ",\"result\":\"invalid-config\",\"message\":");
	} else if (cc_deploy_reload(d, NULL, &err)) {
		cc_buf_printf(txt, "%s: configuration check passed\n%s: reload FAILED: %s\n",
			      name, name, cc_error_line(&err, line, sizeof(line)));
		cc_buf_printf(js, ",\"result\":\"reload-failed\",\"message\":");
		reloaded = 1; /* it may have half-happened: reload the old files too */
	} else {
		cc_buf_printf(txt, "%s: configuration check passed\n%s: reloaded; checking "
				   "what each binding serves\n", name, name);
		cc_buf_printf(js, ",");
		if (check_all(d, a, txt, js)) {
			cc_deploy_commit(d, &err);
			cc_buf_printf(txt, "%s: every binding serves what was deployed\n", name);
			cc_buf_printf(js, ",\"result\":\"ok\"}");
			cc_deploy_free(d);
			return EXIT_OK;
		}
		cc_error_clear(&err);
		err.code = CC_EINVAL;
		snprintf(err.msg, sizeof(err.msg), "a binding does not serve its deployed chain");
		cc_buf_printf(txt, "%s: %s\n", name, err.msg);
		cc_buf_printf(js, ",\"result\":\"mismatch\",\"message\":");
		reloaded = 1;
	}
	cc_buf_json_str(js, cc_error_line(&err, line, sizeof(line)));
	restore(d, name, a, reloaded, txt, js);
	cc_buf_printf(js, "}");
	cc_deploy_free(d);
	return EXIT_PROBLEM;
}

static int parse(int argc, char **argv, rargs_t *a)
{
	static const struct option lo[] = {
		{ "server", required_argument, 0, 1 },
		{ "wait", required_argument, 0, 2 },
		{ "json", no_argument, 0, 3 },
		{ "help", no_argument, 0, 'h' },
		CLI_DEPLOY_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	char *end;
	double w;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 1) {
			if (!(a->server = cc_server_parse(optarg)))
				return cli_usage_error("reload", "--server: '%s' is not nginx, "
								 "haproxy or apache", optarg);
		} else if (c == 2) {
			w = strtod(optarg, &end);
			if (*end || w <= 0 || w > 3600)
				return cli_usage_error("reload", "--wait: '%s' is not 0 < "
								 "seconds <= 3600", optarg);
			a->wait_ms = (int)(w * 1000);
		} else if (c == 3) {
			a->json = 1;
		} else if (c == 'h') {
			printf("%s%s", usage_text, cli_deploy_help);
			return -1;
		} else if (!cli_deploy_opt(&a->dopt, c, optarg)) {
			return cli_bad_option("reload", argv, lo);
		}
	}
	if (optind != argc)
		return cli_usage_error("reload", "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cmd_reload(int argc, char **argv)
{
	static const int servers[] = { CC_SERVER_NGINX, CC_SERVER_HAPROXY, CC_SERVER_APACHE };
	rargs_t a = { 0 };
	cc_buf_t txt = { 0 }, js = { 0 };
	cc_store_t *st = NULL;
	int rc = parse(argc, argv, &a), worst = EXIT_OK, done = 0;

	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (cli_deploy_store(&a.dopt, &st))
		return EXIT_USAGE;
	signal(SIGPIPE, SIG_IGN); /* a server closing mid-handshake must not kill us */
	cc_buf_printf(&js, "{\"servers\":[");
	for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
		if (a.server && servers[i] != a.server)
			continue;
		/* Never configured by bind: nothing of ours to reload, and the
		 * built-in defaults would touch (even start) the system's server. */
		if (!cli_deploy_configured(st, servers[i])) {
			if (!a.server)
				continue;
			fprintf(stderr, "certchain: %s: no site was bound on %s with this "
					"store; nothing to reload\n", cc_store_dir(st),
				cc_server_name(a.server));
			cc_buf_clear(&txt);
			cc_buf_clear(&js);
			cc_store_close(st);
			return EXIT_USAGE;
		}
		cc_buf_printf(&js, "%s", done++ ? "," : "");
		rc = reload_one(&a, st, servers[i], &txt, &js);
		if (rc == EXIT_USAGE) {
			cc_buf_clear(&txt);
			cc_buf_clear(&js);
			cc_store_close(st);
			return rc;
		}
		if (rc > worst)
			worst = rc;
	}
	cc_buf_printf(&js, "]}\n");
	if (!done) {
		cc_buf_clear(&txt);
		cc_buf_clear(&js);
		fprintf(stderr, "certchain: %s: no server configured; bind a site first\n",
			cc_store_dir(st));
		cc_store_close(st);
		return EXIT_USAGE;
	}
	cli_flush(a.json ? &js : &txt);
	cc_buf_clear(&txt);
	cc_buf_clear(&js);
	cc_store_close(st);
	return worst;
}
