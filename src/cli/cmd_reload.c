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
	"     graceful, or --reload-cmd) and establishes that the server took the\n"
	"     configuration: its pid file is read once before, then a new\n"
	"     generation of its processes must appear; an [emerg] line in its\n"
	"     error log, or its exit, means it did not (its own line is quoted);\n"
	"  3. checks that each binding's listening socket belongs to the server's\n"
	"     processes (/proc/net/tcp against /proc/PID/fd): a port answered by\n"
	"     another process proves nothing, whatever it serves;\n"
	"  4. connects to every binding's address and port once per host name (SNI)\n"
	"     and compares the served chain with the deployed one, retrying while the\n"
	"     reload takes effect (up to --wait, default 15 s); for every site\n"
	"     unbound since the last successful reload, proves its names no longer\n"
	"     serve its certificate (refused or another certificate: gone).\n"
	"When every check passes, the previous files are deleted. When the check,\n"
	"the reload or the comparison fails, the files as of the last successful\n"
	"reload are restored and, if the server took the new ones (or stopped), it\n"
	"is reloaded again with them and that reload is proved the same way; a\n"
	"server that refused the new files still runs its previous configuration\n"
	"and is not reloaded. The report says which.\n"
	"\n"
	"      --server NAME   only this server\n"
	"      --wait SECONDS  how long a reload may take to show (default 15)\n"
	"      --json          one JSON object on stdout\n"
	"  -h, --help          this text\n"
	"exit: 0 every binding serves its deployed chain, 1 refused (by the check\n"
	"or by the server) / mismatch / a binding answered by another process / a\n"
	"removed site still served (previous files restored), 2 usage or I/O error,\n"
	"or a server never configured by 'certchain bind' in this store, 3 the\n"
	"server could not be reached on any binding after the reload (connection\n"
	"refused or timed out; previous files restored)\n\n";

typedef struct rargs {
	cli_deploy_t dopt;
	int server, json, wait_ms;
} rargs_t;

/* 1 for a probe that did not reach the server at all. */
static int unreachable(int fail)
{
	return fail == CC_PROBE_REFUSED || fail == CC_PROBE_UNREACH ||
	       fail == CC_PROBE_TIMEOUT || fail == CC_PROBE_RESOLVE;
}

/* Checks every binding of d; appends the report (text to txt, "bindings"
 * to js). Returns 1 if all match, CHECK_UNREACHABLE if no name of any
 * binding could be reached (the first reason in why), else 0. */
#define CHECK_UNREACHABLE (-1)
static int check_all(cc_deploy_t *d, const rargs_t *a, const cc_reload_proof_t *p,
		     cc_buf_t *txt, json_t *js, char *why, size_t whylen, int *foreign)
{
	static cc_served_t res[CC_BIND_MAX_HOSTS];
	const cc_binding_t *v;
	cc_listen_owner_t *own;
	json_t *arr = json_array(), *o, *checks;
	size_t n;
	int all = 1, none = 1; /* none: no name reached so far */
	cc_error_t err;

	v = cc_deploy_bindings(d, &n);
	/* Who answers first: a port held by another process proves nothing. */
	cc_error_clear(&err);
	if (!(own = calloc(n + 1, sizeof(*own))) || cc_deploy_owners(d, p, v, n, own, &err)) {
		char line[1200];
		cc_buf_printf(txt, "  note: who listens on the bindings' ports could not be "
				   "read: %s\n", own ? cc_error_line(&err, line, sizeof(line)) :
				   "out of memory");
		for (size_t i = 0; own && i < n; i++)
			own[i].state = -1;
	}
	for (size_t i = 0; i < n; i++) {
		int r;
		/* o stays ours until the end of the turn, whatever the array does */
		o = json_pack("{s:o}", "site", cc_json_str(v[i].site));
		cli_reload_add(txt, arr, json_incref(o));
		if (own && own[i].state == 0) {
			cc_buf_printf(txt, "  FAIL %s on %s:%u: %s; what it serves proves "
					   "nothing\n", v[i].site, v[i].ip, v[i].port, own[i].reason);
			cli_reload_set(txt, o, "answered_by",
				       json_pack("{s:I,s:o}", "pid", (json_int_t)own[i].pid,
						 "command", cc_json_str(own[i].comm)));
			cli_reload_set(txt, o, "reason", cc_json_str(own[i].reason));
			cli_reload_set(txt, o, "checks", json_array());
			all = none = 0;
			if (foreign)
				*foreign = 1;
			json_decref(o);
			continue;
		}
		if (own && own[i].state < 0 && own[i].reason[0] &&
		    strncmp(own[i].reason, "nothing listens", 15))
			cc_buf_printf(txt, "  note %s: %s\n", v[i].site, own[i].reason);
		/* the listening socket's owner: the server's own, or cannot tell */
		cli_reload_set(txt, o, "listener",
			       json_string(own && own[i].state > 0 ? "server" : "unknown"));
		if (own && own[i].state < 0)
			cli_reload_set(txt, o, "listener_reason", cc_json_str(own[i].reason));
		cc_error_clear(&err);
		r = cc_deploy_check(&v[i], a->wait_ms, res, &err);
		checks = json_array();
		cli_reload_set(txt, o, "checks", json_incref(checks));
		if (r < 0) {
			char line[1200];
			cc_buf_printf(txt, "  FAIL %s: %s\n", v[i].site,
				      cc_error_line(&err, line, sizeof(line)));
			all = 0;
			none = 0;
		}
		for (size_t h = 0; r >= 0 && h < v[i].nhosts; h++) {
			const cc_served_t *s = &res[h];
			if (!unreachable(s->fail))
				none = 0;
			else if (why && !why[0])
				snprintf(why, whylen, "%s:%u: %s", v[i].ip, v[i].port, s->reason);
			cc_buf_printf(txt, "  %-4s %s on %s:%u, SNI %s: ", s->match ? "ok" : "FAIL",
				      v[i].site, v[i].ip, v[i].port, s->sni);
			if (s->match)
				cc_buf_printf(txt, "serves the deployed chain (%zu certificate%s, "
						   "leaf sha256 %.16s)\n",
					      s->nserved, s->nserved == 1 ? "" : "s", s->leaf);
			else
				cc_buf_printf(txt, "%s\n", s->reason);
			cli_reload_add(txt, checks,
				       json_pack("{s:o,s:b,s:I,s:o,s:o}", "sni", cc_json_str(s->sni),
						 "match", s->match, "served", (json_int_t)s->nserved,
						 "leaf", cc_json_str(s->leaf),
						 "reason", cc_json_str(s->reason)));
		}
		json_decref(checks);
		json_decref(o);
		all &= r == 1;
	}
	cli_reload_set(txt, js, "bindings", arr);
	free(own);
	if (!n)
		cc_buf_printf(txt, "  (no bindings left to check)\n");
	return all ? 1 : n && none ? CHECK_UNREACHABLE : 0;
}

/* The bindings removed since the last proven reload must not serve their
 * certificate any more. Appends the report; returns 1 if all are gone. */
static int check_removed(cc_deploy_t *d, const cc_binding_t *rm, size_t nrm,
			 const rargs_t *a, const cc_reload_proof_t *p, cc_buf_t *txt,
			 json_t *js)
{
	static cc_served_t res[CC_BIND_MAX_HOSTS];
	const cc_binding_t *v;
	cc_listen_owner_t *own = calloc(nrm + 1, sizeof(*own));
	json_t *arr = json_array(), *o, *checks;
	size_t n;
	int all = 1;
	cc_error_t err;

	v = cc_deploy_bindings(d, &n);
	cc_error_clear(&err);
	/* a port another process holds is not the server's any more: what that
	 * process serves says nothing about the server */
	if (own && cc_deploy_owners(d, p, rm, nrm, own, &err)) {
		free(own);
		own = NULL;
	}
	for (size_t i = 0; i < nrm; i++) {
		const char *kept = NULL;
		int r = 1;
		/* the same certificate still bound on this port: a removed name may
		 * rightly fall back to it, so what is served proves nothing */
		for (size_t j = 0; j < n && !kept; j++)
			if (v[j].port == rm[i].port && v[j].nchain && rm[i].nchain &&
			    !strcmp(v[j].chain[0], rm[i].chain[0]))
				kept = v[j].site;
		/* o stays ours until the end of the turn, whatever the array does */
		o = json_pack("{s:o}", "site", cc_json_str(rm[i].site));
		cli_reload_add(txt, arr, json_incref(o));
		if (kept) {
			cc_buf_printf(txt, "  skip %s (removed): its certificate is still bound "
					   "on port %u by %s\n", rm[i].site, rm[i].port, kept);
			cli_reload_set(txt, o, "checked", json_false());
			json_decref(o);
			continue;
		}
		cli_reload_set(txt, o, "checked", json_true());
		if (own && own[i].state == 0) {
			cc_buf_printf(txt, "  ok   %s (removed): %s: gone from %s\n", rm[i].site,
				      own[i].reason, cc_server_name(rm[i].server));
			cli_reload_set(txt, o, "gone", json_true());
			cli_reload_set(txt, o, "reason", cc_json_str(own[i].reason));
			json_decref(o);
			continue;
		}
		cc_error_clear(&err);
		r = cc_deploy_check_gone(&rm[i], a->wait_ms, res, &err);
		if (r < 0) {
			char line[1200];
			cc_buf_printf(txt, "  FAIL %s (removed): %s\n", rm[i].site,
				      cc_error_line(&err, line, sizeof(line)));
		}
		cli_reload_set(txt, o, "gone", json_boolean(r == 1));
		checks = json_array();
		cli_reload_set(txt, o, "checks", json_incref(checks));
		for (size_t h = 0; r >= 0 && h < rm[i].nhosts; h++) {
			cc_buf_printf(txt, "  %-4s %s (removed) on %s:%u, SNI %s: %s\n",
				      res[h].match ? "FAIL" : "ok", rm[i].site, rm[i].ip,
				      rm[i].port, res[h].sni, res[h].reason);
			cli_reload_add(txt, checks,
				       json_pack("{s:o,s:b,s:o}", "sni", cc_json_str(res[h].sni),
						 "gone", !res[h].match,
						 "reason", cc_json_str(res[h].reason)));
		}
		json_decref(checks);
		json_decref(o);
		all &= r == 1;
	}
	cli_reload_set(txt, js, "removed", arr);
	free(own);
	return all;
}

/* The bound sites, NUL-separated, into buf (as many as fit). */
static void pending_sites(cc_deploy_t *d, char *buf, size_t n)
{
	size_t nb, k = 0;
	const cc_binding_t *v = cc_deploy_bindings(d, &nb);

	for (size_t i = 0; i < nb && k + strlen(v[i].site) + 2 < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s", v[i].site) + 1;
	buf[k] = 0;
}

/* Names each site of before that the rollback took away. */
static void say_removed(cc_deploy_t *d, const char *name, const char *before,
			cc_buf_t *txt)
{
	size_t n;
	const cc_binding_t *v = cc_deploy_bindings(d, &n);

	for (const char *s = before; *s; s += strlen(s) + 1) {
		size_t i;
		for (i = 0; i < n && strcmp(v[i].site, s); i++)
			;
		if (i == n)
			cc_buf_printf(txt, "%s: removed the new binding %s (its configuration "
					   "and deployed files): it was never proven\n", name, s);
	}
}

/* How the server stands when restore() runs. */
enum { NOT_RELOADED, KEPT_OLD, RELOAD_AGAIN };

/* Sets js's "proof": what showed whether the server took the reload. */
static void proof_json(cc_buf_t *txt, json_t *js, const cc_reload_proof_t *p)
{
	cli_reload_set(txt, js, "proof",
		       json_pack("{s:o,s:b,s:o,s:o,s:o,s:o}",
				 "taken", p->taken == 1 ? json_true() :
					  p->taken == 0 ? json_false() : json_null(),
				 "gone", p->gone, "how", cc_json_str(p->how),
				 "server_said", cc_json_str(p->said),
				 "pidfile", cc_json_str(p->pidfile),
				 "error_log", cc_json_str(p->errlog)));
}

/* After a failure: put the previous files back and, if the server may run
 * the new ones (it took them, or stopped), reload it again, prove that
 * reload as the first one, and check what it serves now. */
static void restore(cc_deploy_t *d, const char *name, const rargs_t *a, int how,
		    cc_buf_t *txt, json_t *js)
{
	static cc_reload_proof_t p; /* ~10 KB: off the stack */
	char line[1200], before[4096];
	cc_error_t err;
	json_t *after;

	cc_error_clear(&err);
	if (!cc_deploy_pending(d)) {
		cc_buf_printf(txt, "%s: nothing to restore (no change since the last "
				   "successful reload)\n", name);
		cli_reload_set(txt, js, "restored", json_false());
		return;
	}
	pending_sites(d, before, sizeof(before));
	if (cc_deploy_rollback(d, &err)) {
		cc_buf_printf(txt, "%s: could NOT restore the previous files: %s\n", name,
			      cc_error_line(&err, line, sizeof(line)));
		cli_reload_set(txt, js, "restored", json_false());
		return;
	}
	cli_reload_set(txt, js, "restored", json_true());
	say_removed(d, name, before, txt);
	if (how == NOT_RELOADED) {
		cc_buf_printf(txt, "%s: restored the previous files; the server was not "
				   "reloaded and keeps serving them\n", name);
		return;
	}
	if (how == KEPT_OLD) {
		cc_buf_printf(txt, "%s: restored the previous files; not reloaded: %s did not "
				   "take the new configuration and still runs the one it had "
				   "before this reload\n", name, name);
		return;
	}
	if (cc_deploy_validate(d, NULL, &err)) {
		cc_buf_printf(txt, "%s: restored the previous files, but their configuration "
				   "check failed: %s\n", name, cc_error_line(&err, line, sizeof(line)));
		return;
	}
	if (cc_deploy_reload_proved(d, a->wait_ms, &p, NULL, &err)) {
		if (p.failed && p.running == 0)
			cc_buf_printf(txt, "%s: restored the previous files, but reloading them "
					   "failed: %s is not running (%s)\n", name, name, p.why);
		else if (p.gone)
			cc_buf_printf(txt, "%s: restored the previous files, but %s is not "
					   "running any more (pid file %s); start it to serve them\n",
				      name, name, p.pidfile);
		else
			cc_buf_printf(txt, "%s: restored the previous files, but %s did not take "
					   "them either: %s\n", name, name, p.said[0] ? p.said : p.how);
		after = json_pack("{s:b}", "reloaded", 0);
		proof_json(txt, after, &p);
		cli_reload_set(txt, js, "after_restore", after);
		return;
	}
	cc_buf_printf(txt, "%s: restored the previous files and reloaded (%s); now served:\n",
		      name, p.how);
	after = json_pack("{s:b}", "reloaded", 1);
	proof_json(txt, after, &p);
	check_all(d, a, &p, txt, after, NULL, 0, NULL);
	cli_reload_set(txt, js, "after_restore", after);
}

/* The reload failed because the server does not run: say so with its own
 * error line, and keep the deployment as configured (nothing to undo: the
 * files take effect when it starts). Returns EXIT_CONNECT. */
static int not_running(const char *name, const char *why, const cc_error_t *err,
		       cc_buf_t *txt, json_t *js)
{
	char line[1200];

	cc_error_line(err, line, sizeof(line));
	cc_buf_printf(txt, "%s: configuration check passed\n%s: the server is NOT "
			   "RUNNING (%s); it said: %s\n%s: nothing was undone: the "
			   "bindings stay as configured and are served once %s starts; "
			   "start it, then run certchain reload again to prove them\n",
		      name, name, why, line, name, name);
	cli_reload_set(txt, js, "result", json_string("not-running"));
	cli_reload_set(txt, js, "message", cc_json_str(why));
	cli_reload_set(txt, js, "server_said", cc_json_str(line));
	cli_reload_set(txt, js, "restored", json_false());
	return EXIT_CONNECT;
}

/* After a reload the server took: prove every binding; commit on success.
 * Returns EXIT_OK, or the failure's exit code with err, *result and *how
 * (the restore mode) set. */
static int prove(cc_deploy_t *d, cc_store_t *st, const char *name, const rargs_t *a,
		 const cc_reload_proof_t *p, const cc_binding_t *rm, size_t nrm,
		 cc_buf_t *txt, json_t *js, cc_error_t *err, const char **result)
{
	char why[400] = "";
	int ok, foreign = 0;

	if (p->taken < 0)
		cc_buf_printf(txt, "%s: note: %s; only what is served is checked\n", name, p->how);
	cc_buf_printf(txt, "%s: configuration check passed\n%s: reloaded%s%s%s; checking "
			   "what each binding serves\n", name, name, p->taken > 0 ? " (" : "",
		      p->taken > 0 ? p->how : "", p->taken > 0 ? ")" : "");
	proof_json(txt, js, p);
	ok = check_all(d, a, p, txt, js, why, sizeof(why), &foreign);
	if (ok == 1 && check_removed(d, rm, nrm, a, p, txt, js)) {
		cc_deploy_commit(d, err);
		cc_buf_printf(txt, "%s: every binding serves what was deployed%s\n", name,
			      nrm ? "; removed sites are gone" : "");
		cli_reload_judge(d, st, name, txt, js);
		cli_reload_set(txt, js, "result", json_string("ok"));
		return EXIT_OK;
	}
	cc_error_clear(err);
	err->code = CC_EINVAL;
	if (ok == CHECK_UNREACHABLE)
		snprintf(err->msg, sizeof(err->msg), "unreachable on every binding after the "
			 "reload (%s)", why);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", ok == 1 ? "a removed site still "
			 "serves its certificate" : foreign ? "another process answers on a "
			 "binding's port" : "a binding does not serve its deployed chain");
	cc_buf_printf(txt, "%s: %s\n", name, err->msg);
	*result = ok == CHECK_UNREACHABLE ? "unreachable" : ok == 1 ? "still-served" :
		  foreign ? "foreign-listener" : "mismatch";
	return ok == CHECK_UNREACHABLE ? EXIT_CONNECT : EXIT_PROBLEM;
}

/* The server did not take the configuration: its own line, and (when it
 * stopped) what answers on the bindings now. Returns the exit code. */
static int not_taken(cc_deploy_t *d, const char *name, const rargs_t *a,
		     const cc_reload_proof_t *p, cc_buf_t *txt, json_t *js, cc_error_t *err,
		     const char **result)
{
	char why[400] = "";
	int ok, rc = EXIT_PROBLEM;

	cc_buf_printf(txt, "%s: configuration check passed\n%s: the reload was NOT taken: "
			   "%s\n", name, name, p->how);
	if (p->said[0])
		cc_buf_printf(txt, "%s: it said: %s\n", name, p->said);
	proof_json(txt, js, p);
	*result = p->failed ? "reload-failed" : p->gone ? "stopped" : "refused";
	if (p->gone) {
		/* what, if anything, answers on the bindings now */
		ok = check_all(d, a, p, txt, js, why, sizeof(why), NULL);
		if (ok == CHECK_UNREACHABLE) {
			cc_buf_printf(txt, "%s: unreachable on every binding after the reload "
					   "(%s)\n", name, why);
			rc = EXIT_CONNECT;
		}
	}
	cc_error_clear(err);
	err->code = CC_EINVAL;
	snprintf(err->msg, sizeof(err->msg), "%s", p->said[0] ? p->said : p->how);
	return rc;
}

static int reload_one(const rargs_t *a, cc_store_t *st, int server, cc_buf_t *txt,
		      json_t *js)
{
	static cc_reload_proof_t p; /* ~10 KB: off the stack */
	const char *name = cc_server_name(server), *res = "invalid-config";
	cc_deploy_cfg_t cfg;
	cc_deploy_t *d = NULL;
	cc_binding_t *rm = NULL;
	size_t nrm = 0;
	cc_error_t err;
	char line[1200];
	int rc, how = NOT_RELOADED, result = EXIT_PROBLEM;

	if ((rc = cli_deploy_cfg("reload", &a->dopt, st, server, &cfg, 0)))
		return rc;
	cc_error_clear(&err);
	if (cc_deploy_open(st, &cfg, &d, &err))
		return cli_fail(&err);
	if (cc_deploy_removed(d, &rm, &nrm, &err)) {
		cc_deploy_free(d);
		return cli_fail(&err);
	}
	cli_reload_set(txt, js, "server", json_string(name));
	cli_reload_set(txt, js, "pending", json_boolean(cc_deploy_pending(d)));
	if (cc_deploy_validate(d, NULL, &err)) {
		cc_buf_printf(txt, "%s: configuration check FAILED, not reloading: %s\n", name,
			      cc_error_line(&err, line, sizeof(line)));
	} else if (cc_deploy_reload_proved(d, a->wait_ms, &p, NULL, &err) && p.failed &&
		   p.running == 0) {
		result = not_running(name, p.why, &err, txt, js);
		cc_deploy_free(d);
		free(rm);
		return result;
	} else if (p.taken == 0) {
		result = not_taken(d, name, a, &p, txt, js, &err, &res);
		/* refused: it runs what it ran; stopped: bring the old files back up */
		how = p.gone ? RELOAD_AGAIN : KEPT_OLD;
	} else {
		result = prove(d, st, name, a, &p, rm, nrm, txt, js, &err, &res);
		if (result == EXIT_OK) {
			cc_deploy_free(d);
			free(rm);
			return EXIT_OK;
		}
		how = RELOAD_AGAIN;
	}
	cli_reload_set(txt, js, "result", json_string(res));
	cli_reload_set(txt, js, "message", cc_json_str(cc_error_line(&err, line, sizeof(line))));
	restore(d, name, a, how, txt, js);
	cc_deploy_free(d);
	free(rm);
	return result;
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
	static const int server_ids[] = { CC_SERVER_NGINX, CC_SERVER_HAPROXY, CC_SERVER_APACHE };
	rargs_t a = { 0 };
	cc_buf_t txt = { 0 }, js = { 0 };
	json_t *servers = NULL, *one;
	cc_store_t *st = NULL;
	int rc = parse(argc, argv, &a), worst = EXIT_OK, done = 0;

	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (cli_deploy_store(&a.dopt, &st))
		return EXIT_USAGE;
	signal(SIGPIPE, SIG_IGN); /* a server closing mid-handshake must not kill us */
	servers = json_array();
	for (size_t i = 0; i < sizeof(server_ids) / sizeof(server_ids[0]); i++) {
		if (a.server && server_ids[i] != a.server)
			continue;
		/* Never configured by bind: nothing of ours to reload, and the
		 * built-in defaults would touch (even start) the system's server. */
		if (!cli_deploy_configured(st, server_ids[i])) {
			if (!a.server)
				continue;
			fprintf(stderr, "certchain: %s: no site was bound on %s with this "
					"store; nothing to reload\n", cc_store_dir(st),
				cc_server_name(a.server));
			cc_buf_clear(&txt);
			json_decref(servers);
			cc_store_close(st);
			return EXIT_USAGE;
		}
		done++;
		one = json_object();
		rc = reload_one(&a, st, server_ids[i], &txt, one);
		cli_reload_add(&txt, servers, one);
		if (rc == EXIT_USAGE) {
			cc_buf_clear(&txt);
			json_decref(servers);
			cc_store_close(st);
			return rc;
		}
		if (rc > worst)
			worst = rc;
	}
	if (!done) {
		cc_buf_clear(&txt);
		json_decref(servers);
		fprintf(stderr, "certchain: %s: no server configured; bind a site first\n",
			cc_store_dir(st));
		cc_store_close(st);
		return EXIT_USAGE;
	}
	if (a.json) {
		/* a member lost to memory (marked in txt) leaves no document */
		json_t *j = txt.oom ? NULL : json_pack("{s:O}", "servers", servers);
		cli_json_line(&js, j);
	}
	json_decref(servers);
	if (a.json)
		cli_flush(&js);
	else
		cli_flush_text(&txt);
	cc_buf_clear(&txt);
	cc_buf_clear(&js);
	cc_store_close(st);
	return worst;
}
