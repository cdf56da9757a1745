/* check_target.c - certchain check of one target: parse HOST[:PORT], the
 * probe's options, the judgement (with AIA repair) and its text or JSON
 * report; check_fleet.c reaches the same through the check_* functions. */
#include "cli.h"
#include "check_fleet.h"
#include "check_target.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* CPU time one target's judgement may take with -f: a judgement takes a few
 * ms (about 8 ms measured on a 2-core machine, 2 profiles), a hostile chain
 * cut to CC_MAX_SERVED_ANALYZED well under 1 s; 2 s is far past both, and
 * bounds what one target costs the scan's wall time. */
#define CHECK_JUDGE_CPU_MS 2000u

/* One target: HOST[:PORT] [CONNECT-ADDR]. -1 with why (may be "") when the
 * line is none; -2 when only its connect address (or --connect) is bad. */
static int parse_target(const struct copts *o, const char *line, struct target *t,
			char *why, size_t whyn)
{
	char a[600], b[600], more[2];
	cli_hostport_t hp;
	int n;

	memset(t, 0, sizeof(*t));
	why[0] = 0;
	snprintf(t->spec, sizeof(t->spec), "%s", line);
	snprintf(t->label, sizeof(t->label), "%s", line);
	/* HOST[:PORT] [CONNECT-ADDR] and nothing after: a line with more
	 * words is not a target, so none of its words is looked up */
	n = sscanf(line, "%599s %599s %1s", a, b, more);
	if (n < 1 || n > 2 || cli_hostport_parse(a, "443", &hp, why, whyn))
		return -1;
	snprintf(t->spec, sizeof(t->spec), "%s", a);
	snprintf(t->host, sizeof(t->host), "%s", hp.host);
	snprintf(t->port, sizeof(t->port), "%s", hp.port);
	cli_hostport_label(a, &hp, t->label, sizeof(t->label));
	if (n == 2 || o->connect) {
		const char *c = n == 2 ? b : o->connect;
		if (cli_hostport_parse(c, t->port, &hp, why, whyn))
			return -2;
		snprintf(t->connect, sizeof(t->connect), "%s", hp.host);
		snprintf(t->cport, sizeof(t->cport), "%s", hp.port);
	}
	return 0;
}

static void probe_opts(const struct copts *o, const struct target *t,
		       cc_probe_opts_t *po)
{
	memset(po, 0, sizeof(*po));
	po->host = t->host;
	po->port = t->connect[0] ? t->cport : t->port;
	po->sni = o->sni;
	po->connect = t->connect[0] ? t->connect : NULL;
	po->timeout_ms = o->timeout_ms;
	po->starttls = o->starttls;
	po->dns_servers = o->dns;
}

/* "added"/"removed": the certificates, each with its position and why. */
static json_t *json_changes(const cc_judge_change_t *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		json_t *c = cc_cert_json(v[i].cert);
		if (json_object_set_new(c, "position", json_integer((json_int_t)v[i].position)) ||
		    json_object_set_new(c, "why", cc_json_str(v[i].why))) {
			json_decref(c);
			json_decref(a);
			return NULL;
		}
		if (json_array_append_new(a, c)) { /* c is released either way */
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

struct verdict {
	const struct target *t;
	const char *checked_name; /* host name or address judged */
	cc_probe_result_t *pr;
	cc_judgement_t j;   /* findings, verdicts, the chain to serve (judge.c) */
	const char *written;
	int rc;
};

/* "fix": what to serve instead, or null when no chain is valid. */
static json_t *fix_json(const struct copts *o, const struct verdict *v)
{
	const cc_judgement_t *j = &v->j;
	json_t *f;
	int bad = 0;

	if (j->best < 0)
		return json_null();
	f = json_pack("{s:b,s:b}", "changed", j->nadded || j->nremoved || j->reordered,
		      "reordered", j->reordered);
	if (j->fixed)
		bad |= json_object_set_new(f, "trust", cli_verdicts_json(o->profs, j->fixed));
	bad |= json_object_set_new(f, "chain", cli_certs_json(j->serve.v, j->serve.n));
	bad |= json_object_set_new(f, "added", json_changes(j->added, j->nadded));
	bad |= json_object_set_new(f, "removed", json_changes(j->removed, j->nremoved));
	bad |= json_object_set_new(f, "gains", cli_strs_json(j->gains, j->ngains));
	bad |= json_object_set_new(f, "written",
				   v->written ? cc_json_str(v->written) : json_null());
	if (bad) {
		json_decref(f);
		return NULL;
	}
	return f;
}

static void report_json(cc_buf_t *b, const struct copts *o, const struct verdict *v)
{
	const cc_probe_result_t *pr = v->pr;
	const cc_paths_t *client = v->j.client;
	char ms[32];
	json_t *r;
	int bad = 0;

	snprintf(ms, sizeof(ms), "%.0f", pr->ms);
	r = json_pack("{s:o,s:o,s:I,s:o,s:o,s:I,s:i}", "target", cc_json_str(v->t->spec),
		      "host", cc_json_str(v->t->host), "port",
		      (json_int_t)strtol(v->t->port, NULL, 10), "sni",
		      o->sni || !cli_is_ip(v->t->host)
			      ? cc_json_str(o->sni ? o->sni : v->t->host)
			      : json_null(),
		      "peer", cc_json_str(pr->peer), "ms",
		      (json_int_t)strtoll(ms, NULL, 10), "exit", v->rc);
	if (pr->fail) {
		bad |= json_object_set_new(r, "result", json_string("connect-failed"));
		bad |= json_object_set_new(r, "failure",
					   json_string(cc_probe_fail_name(pr->fail)));
		bad |= json_object_set_new(r, "reason", cc_json_str(pr->reason));
	} else {
		bad |= json_object_set_new(r, "result", json_string(v->rc ? "problems" : "ok"));
		bad |= json_object_set_new(r, "tls_version", cc_json_str(pr->version));
		bad |= json_object_set_new(r, "cipher", cc_json_str(pr->cipher));
		bad |= json_object_set_new(r, "served",
					   cli_certs_json(pr->served.v, pr->served.n));
		bad |= json_object_set_new(r, "findings", cli_findings_json(&v->j.findings));
		bad |= json_object_set_new(r, "trusted_path",
					   client ? cli_certs_json(client->v[0].certs.v,
								   client->v[0].certs.n)
						  : json_array());
		bad |= json_object_set_new(r, "trust",
					   cli_verdicts_json(o->profs, &v->j.served));
		bad |= json_object_set_new(r, "fix", fix_json(o, v));
	}
	if (bad) {
		json_decref(r);
		r = NULL;
	}
	cli_json_line(b, r);
}

static void report_changes(cc_buf_t *b, const struct verdict *v)
{
	const cc_certlist_t *p = &v->j.serve;
	cc_names_t nm = { 0 };

	if (!v->j.nadded && !v->j.nremoved && !v->j.reordered) {
		cc_buf_printf(b, "chain to serve: the served chain is already the best "
				 "chain; nothing to change\n");
		return;
	}
	cc_buf_printf(b, "chain to serve instead (%zu certificate%s, leaf first%s%s):\n",
		      p->n, p->n == 1 ? "" : "s",
		      v->written ? ", written to " : "", v->written ? v->written : "");
	for (size_t i = 0; i < p->n; i++)
		cc_buf_printf(b, "  [%zu] %s (issued by %s)\n", i,
			      cc_names_get(&nm, p->v[i], 0),
			      cc_names_get(&nm, p->v[i], 1));
	for (size_t i = 0; i < v->j.nadded; i++)
		cc_buf_printf(b, "  + add     %s (issued by %s): %s\n",
			      cc_names_get(&nm, v->j.added[i].cert, 0),
			      cc_names_get(&nm, v->j.added[i].cert, 1),
			      v->j.added[i].why);
	for (size_t i = 0; i < v->j.nremoved; i++)
		cc_buf_printf(b, "  - remove  %s (issued by %s): %s\n",
			      cc_names_get(&nm, v->j.removed[i].cert, 0),
			      cc_names_get(&nm, v->j.removed[i].cert, 1),
			      v->j.removed[i].why);
	if (v->j.reordered)
		cc_buf_printf(b, "  ~ reorder so that each certificate is followed by its issuer\n");
	for (size_t i = 0; i < v->j.ngains; i++)
		cc_buf_printf(b, "  why: %s\n", v->j.gains[i]);
	cc_names_free(&nm);
}

static void text_matrix(cc_buf_t *b, const struct copts *o, const struct verdict *v)
{
	const cc_verdicts_t *fx = v->j.fixed;
	cc_names_t nm = { 0 };

	cc_buf_printf(b, "per profile, judged as each client would:\n"
			 "  %-18s %-26s %-10s %s\n", "profile", "behaviour",
		      "served", fx ? "chain to serve" : "");
	for (size_t i = 0; i < v->j.served.n; i++) {
		const cc_verdict_t *x = &v->j.served.v[i];
		const cc_verdict_t *y = fx && i < fx->n ? &fx->v[i] : NULL;
		cc_buf_printf(b, "  %-18s %-26s %-10s %s\n",
			      cc_profile_name(o->profs, x->profile),
			      cc_behaviour_name(cc_profile_behaviour(o->profs, x->profile)),
			      x->trusted ? "trusted" : "UNTRUSTED",
			      y ? (y->trusted ? "trusted" : "UNTRUSTED") : "");
		if (x->trusted && x->anchor)
			cc_buf_printf(b, "  %-18s via %s\n", "", cc_names_get(&nm, x->anchor, 0));
		else if (!x->trusted)
			cc_buf_printf(b, "  %-18s %s\n", "", x->reason);
	}
	cc_buf_printf(b, "served chain trusted by %zu/%zu profile%s", v->j.served.ntrusted,
		      v->j.served.n, v->j.served.n == 1 ? "" : "s");
	if (fx)
		cc_buf_printf(b, "; the chain to serve: %zu/%zu", fx->ntrusted, fx->n);
	cc_buf_printf(b, "\n");
	cli_groups_text(b, o->profs, &v->j.served, "  served chain: ");
	if (fx)
		cli_groups_text(b, o->profs, fx, "  chain to serve: ");
	cc_names_free(&nm);
}

static void report_text(cc_buf_t *b, const struct copts *o, const struct verdict *v)
{
	const cc_probe_result_t *pr = v->pr;
	char t[32];
	cc_names_t nm = { 0 };

	cc_buf_printf(b, "%s (%s", v->t->label, pr->peer);
	if (v->checked_name)
		cc_buf_printf(b, ", name %s", v->checked_name);
	cc_buf_printf(b, "): %s, %s, %.0f ms\n", pr->version, pr->cipher, pr->ms);
	cc_buf_printf(b, "served chain (%zu certificate%s, as sent):\n", pr->served.n,
		      pr->served.n == 1 ? "" : "s");
	for (size_t i = 0; i < pr->served.n; i++)
		cc_buf_printf(b, "  [%zu] %s\n      issued by %s, expires %.10s\n", i,
			      cc_names_get(&nm, pr->served.v[i], 0),
			      cc_names_get(&nm, pr->served.v[i], 1),
			      cc_time_str(cc_cert_not_after(pr->served.v[i]), t));
	cc_names_free(&nm);
	if (v->j.findings.n)
		cc_buf_printf(b, "findings:\n");
	cli_findings_text(b, &v->j.findings);
	text_matrix(b, o, v);
	if (v->j.client) {
		cc_buf_printf(b, "a client with these anchors builds:\n");
		cli_tree(b, v->j.client->v[0].certs.v, v->j.client->v[0].certs.n,
			 v->j.client->v[0].certs.n - 1, o->ao.at);
	}
	if (v->j.best >= 0)
		report_changes(b, v);
	else
		cc_buf_printf(b, "chain to serve: none found (no valid path from the leaf "
				 "with these certificates and anchors; add -I)\n");
	cc_buf_printf(b, "verdict: %s\n", v->rc ? "PROBLEMS (see errors above)"
					       : v->j.findings.n ? "OK, with warnings" : "OK");
}

/* Copies every certificate of src into dst (the repair material for one target). */
static int pool_merge(cc_pool_t *dst, cc_pool_t *src, cc_error_t *err)
{
	for (size_t i = 0; src && i < cc_pool_count(src); i++) {
		size_t len;
		cc_cert_t *c = cc_pool_get(src, i);
		const unsigned char *der = cc_cert_der(c, &len);
		int r = cc_pool_add_der(dst, der, len, cc_cert_source(c), NULL, NULL, err);
		if (r)
			return r;
	}
	return 0;
}

/* --aia (and --fix-out): missing issuers of the leaf join pool; the
 * fetches are reported in b for people, on stderr otherwise. */
static int aia_repair(const struct copts *o, const cc_certlist_t *served,
		      cc_pool_t *pool, time_t at, int quiet, cc_buf_t *b,
		      cc_error_t *err)
{
	cli_aia_t aia = o->aia;
	cc_aia_opts_t ao;
	cc_aia_result_t res = { 0 };
	cc_buf_t notes = { 0 };
	int rc;

	if (!aia.on)
		return 0;
	cli_aia_fill(&aia, at, &ao);
	rc = cc_aia_complete(&ao, served->v[0], pool, o->anchors, &res, err);

	cli_aia_text(quiet ? &notes : b, &res);
	if (notes.s)
		fputs(notes.s, stderr);
	cc_buf_clear(&notes);
	cc_aia_result_clear(&res);
	return rc;
}

/*
 * Judges one finished probe whose certificates are in pool, and appends the
 * report to b. Returns the target's exit code.
 */
static int judge(const struct copts *o, const struct target *t, cc_pool_t *pool,
		 cc_probe_result_t *pr, int batch, cc_buf_t *b)
{
	struct verdict v = { .t = t, .pr = pr, .j = { .best = -1 } };
	cc_judge_in_t in = { .served = &pr->served, .repair = pool,
			     .withhold = o->withhold, .anchors = o->anchors,
			     .profs = o->profs, .ao = o->ao,
			     .horizon_days = o->horizon,
			     .cpu_budget_ms = batch ? CHECK_JUDGE_CPU_MS : 0 };
	const cc_judgement_t *shared = NULL;
	cc_error_t err;

	cc_error_clear(&err);
	if (pr->fail) {
		v.rc = EXIT_CONNECT;
		goto out;
	}
	/* An IP-literal target sends no SNI, but the leaf must still name the
	 * address (an IP SAN), as for every client that connects by address. */
	v.checked_name = o->ao.host ? o->ao.host : o->sni ? o->sni : t->host;
	in.ao.host = o->no_host ? NULL : v.checked_name;
	/* A client knows only what is sent: -I, the store and AIA only
	 * repair (the judgement analyzes the served certificates alone). */
	if (pool_merge(pool, o->inter, &err) ||
	    aia_repair(o, &pr->served, pool, in.ao.at, batch || o->json, b, &err) ||
	    (o->cache ? cc_judge_cached(o->cache, &in, &shared, &err)
		      : cc_served_judge(&in, &v.j, &err))) {
		char line[1200];
		fprintf(stderr, "certchain check: %s: %s\n", t->label,
			cc_error_line(&err, line, sizeof(line)));
		v.rc = EXIT_USAGE;
		goto done;
	}
	if (shared)
		v.j = *shared; /* read only: released, never cleared, below */
	v.rc = cc_judgement_failed(&v.j) ? EXIT_PROBLEM : EXIT_OK;
	if (o->fix_out) {
		if (v.j.best < 0)
			fprintf(stderr, "certchain check: %s: no valid chain to write to %s "
					"(give the missing intermediates with -I)\n",
				t->label, o->fix_out);
		else if (cli_write_pem(o->fix_out, v.j.serve.v, v.j.serve.n))
			v.rc = EXIT_USAGE;
		else
			v.written = o->fix_out;
	}
	for (size_t i = 0; o->pem && v.j.best >= 0 && i < v.j.serve.n; i++)
		cli_pem(o->pem, v.j.serve.v[i]);
out:
	/* One target that could not be checked: one line on stderr, with or
	 * without --json (a batch says it in its own line per target). */
	if (pr->fail && !batch)
		fprintf(stderr, "certchain check: %s: %s [%s]\n", t->label, pr->reason,
			cc_probe_fail_name(pr->fail));
	/* a batch (-f, serve) is always JSON: check_fleet.c draws its lines */
	if (o->json)
		report_json(b, o, &v);
	else if (!pr->fail)
		report_text(b, o, &v);
done:
	if (shared)
		cc_judge_cache_release(o->cache, shared);
	else
		cc_judgement_clear(&v.j);
	return v.rc;
}

int check_one(const struct copts *o, const char *spec)
{
	char why[CHECK_WHY_MAX];
	struct target t;
	cc_probe_opts_t po;
	cc_probe_result_t pr = { 0 };
	cc_pool_t *pool = cc_pool_new();
	cc_buf_t b = { 0 };
	cc_error_t err;
	int rc;

	cc_error_clear(&err);
	if (!pool)
		return EXIT_USAGE;
	if ((rc = parse_target(o, spec, &t, why, sizeof(why)))) {
		cc_pool_free(pool);
		if (rc == -2)
			return cli_usage_error("check", "--connect '%s' is not ADDR[:PORT]%s%s",
					       o->connect, why[0] ? ": " : "", why);
		return cli_usage_error("check", "'%s' is not HOST[:PORT] (IPv6: [ADDR]:PORT)"
					       "%s%s", spec, why[0] ? ": " : "", why);
	}
	probe_opts(o, &t, &po);
	if (cc_probe_run(&po, pool, &pr, &err)) {
		cc_pool_free(pool);
		return cli_fail(&err);
	}
	rc = judge(o, &t, pool, &pr, 0, &b);
	cli_flush_report(&b, o->json);
	cc_probe_result_clear(&pr);
	cc_pool_free(pool);
	return rc;
}

/* --- the fleet scan (check_fleet.c) sees a target only through these. */

size_t check_target_size(void)
{
	return sizeof(struct target);
}

const char *check_target_label(const struct target *t)
{
	return t->label;
}

int check_prepare(const struct copts *o, const char *line, struct target *t,
		  cc_probe_opts_t *po, char *why, size_t whyn)
{
	int r = parse_target(o, line, t, why, whyn);

	if (r)
		return r;
	probe_opts(o, t, po);
	return 0;
}

int check_judge(const struct copts *o, const struct target *t, cc_pool_t *pool,
		cc_probe_result_t *pr, cc_buf_t *b)
{
	struct copts j = *o;

	j.json = 1; /* the fleet renders text, summary and HTML from the record */
	return judge(&j, t, pool, pr, 1, b);
}

cc_profiles_t *check_profiles(const struct copts *o)
{
	return o->profs;
}

/* --- serve: one record per request (cmd_serve.c). */

/* serve's requests: one JSON record, no file written, no AIA, judged now
 * (with a TTL: at the time rounded down to it, the judgement cache's key). */
static void record_opts(struct copts *j, cc_buf_t *pem)
{
	time_t now = time(NULL);

	j->json = 1;
	j->fix_out = NULL;
	j->connect = NULL;
	j->pem = pem;
	j->aia.on = 0;
	j->ao.at = j->time_step > 0 ? now - now % j->time_step : now;
}

/* The judgement shares the option pools (their certificates cache what
 * they verified): one judgement at a time; the probes run concurrently. */
static pthread_mutex_t judge_lock = PTHREAD_MUTEX_INITIALIZER;

/* Judges one served chain under the lock, then frees the probe's pool. */
static int judge_once(const struct copts *j, const struct target *t, cc_pool_t *pool,
		      cc_probe_result_t *pr, cc_buf_t *b)
{
	int rc;

	pthread_mutex_lock(&judge_lock);
	rc = judge(j, t, pool, pr, 1, b);
	pthread_mutex_unlock(&judge_lock);
	cc_probe_result_clear(pr);
	cc_pool_free(pool);
	return rc;
}

int check_record(const struct copts *o, const char *target, const char *sni,
		 int (*allow)(const struct sockaddr *, socklen_t, void *), void *arg,
		 cc_buf_t *b, cc_buf_t *pem)
{
	char why[CHECK_WHY_MAX];
	struct copts j = *o;
	struct target t;
	cc_probe_opts_t po;
	cc_probe_result_t pr = { 0 };
	cc_pool_t *pool;
	cc_error_t err;

	record_opts(&j, pem);
	if (sni)
		j.sni = sni;
	if (parse_target(&j, target, &t, why, sizeof(why)))
		return -1;
	pool = cc_pool_new();
	if (!pool)
		return EXIT_USAGE;
	probe_opts(&j, &t, &po);
	po.allow = allow;
	po.allow_arg = arg;
	cc_error_clear(&err);
	if (cc_probe_run(&po, pool, &pr, &err)) {
		cc_pool_free(pool);
		return EXIT_USAGE;
	}
	return judge_once(&j, &t, pool, &pr, b);
}

int check_pem_record(const struct copts *o, const char *text, size_t len, cc_buf_t *b,
		     cc_buf_t *pem, char *why, size_t whyn)
{
	struct copts j = *o;
	struct target t;
	cc_probe_result_t pr = { 0 };
	cc_pool_t *pool = cc_pool_new();
	cc_error_t err;

	record_opts(&j, pem);
	j.no_host = 1;
	memset(&t, 0, sizeof(t));
	snprintf(t.spec, sizeof(t.spec), "pasted certificates");
	snprintf(t.label, sizeof(t.label), "%s", t.spec);
	snprintf(t.port, sizeof(t.port), "null"); /* no port: JSON null */
	cc_error_clear(&err);
	if (!pool)
		return EXIT_USAGE;
	if (cc_pool_load_mem(pool, (const unsigned char *)text, len, "the pasted text", 0,
			     &pr.served, &err)) {
		cc_error_line(&err, why, whyn);
		cc_probe_result_clear(&pr);
		cc_pool_free(pool);
		return -1;
	}
	return judge_once(&j, &t, pool, &pr, b);
}
