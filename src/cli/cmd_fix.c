/* cmd_fix.c - certchain fix: check a chain, complete it (pools, store, AIA),
 * write the best one, and say what changed and whom it helps. */
#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char usage_text[] =
	"usage: certchain fix [OPTIONS] LEAF|HOST[:PORT]\n"
	"\n"
	"Checks a chain as a server sends it - the LEAF file in file order (leaf\n"
	"first, any further certificates as served), or what HOST sends - then\n"
	"completes it from the -I pools, the certificate store, the AIA cache and\n"
	"the certificates' CA Issuers URLs, picks the best valid chain, writes it\n"
	"and says what changed and which clients it helps. Fetched certificates\n"
	"are never trusted for where they came from: only the anchors of the\n"
	"trust profiles (-p, -r, the store's roots, built-ins, system) end a path.\n"
	"HOST is taken as --host is: one trailing dot dropped, a U-label\n"
	"converted to its A-label, no wildcard.\n"
	"\n"
	"  -o, --output FILE             write the fixed chain as PEM (leaf first,\n"
	"                                no anchor unless --include-root)\n"
	CLI_CLIENT_USAGE
	"      --include-root            also write the anchor\n"
	"      --pfx FILE                also write a PFX (mode 0600): the leaf, its\n"
	"                                key and the fixed chain\n"
	"      --key FILE                the leaf's private key for --pfx (default:\n"
	"                                the store's personal entry for the leaf)\n"
	"      --password-file F, --password-env VAR\n"
	"                                the PFX password (default: asked twice on\n"
	"                                the terminal; never on the command line)\n"
	"      --compat modern|legacy    PFX encryption: AES-256/PBKDF2/SHA-256\n"
	"                                (default) or 3DES/SHA-1 for Windows <= 2016\n"
	"      --name NAME               PFX friendly name (default: the store's, or\n"
	"                                the CN)\n"
	"      --sni NAME                HOST form: SNI to send\n"
	"      --connect ADDR            HOST form: dial ADDR instead of HOST\n"
	"      --timeout S               HOST form: handshake deadline (default 10)\n"
	"      --no-aia                  do not use AIA (on by default here)\n"
	CLI_AIA_USAGE
	"      --json                    one JSON object on stdout\n"
	"  -h, --help                    this text\n"
	"\n"
	"exit: 0 the fixed (or unchanged) chain is valid and some client profile\n"
	"in use trusts it, 1 no valid chain can be built (nothing written), or a\n"
	"client rejecting the served chain still rejects the fixed one for want of\n"
	"a certificate certchain does not have (a leaf for the --host name, a\n"
	"missing issuer, a renewed cross-sign: named under 'needed'), or no client\n"
	"profile in use trusts the fixed chain (the line 'not fixed:' says which\n"
	"lack its anchor and which hold it but still reject it): in both cases\n"
	"the best chain at hand is still written; 2 usage or input error, 3\n"
	"could not connect\n";

typedef struct fargs {
	cli_client_t cl; /* -I -r -p --store --no-store --at --policy --host */
	const char *target, *out, *sni, *connect;
	int include_root, json, timeout_ms;
	cli_aia_t aia;
	cli_pfx_out_t pfx;
	char snibuf[CLI_HOST_MAX]; /* --sni, as sent */
} fargs_t;

/* Everything one run holds; freed in one place. */
typedef struct fix {
	cc_pool_t *spool;    /* the served certificates only */
	cc_pool_t *cand;     /* served + -I + store + AIA */
	cc_pool_t *anchors;
	cc_pool_t *disabled; /* the store's: never added to the chain (judge withhold) */
	cc_certlist_t served, fixed;
	cc_judgement_t j;    /* findings, verdicts, the chain to serve (judge.c) */
	cc_untrusted_t u;    /* why no client trusts it (untrusted.c), when none does */
	int untrusted;       /* u is filled */
	cc_aia_result_t aia;
	cc_profiles_t *profs;
	char port[16], hostbuf[256];
	const char *label;   /* the file or host:port as given (JSON "target") */
	char shown[2 * CLI_HOST_MAX + 32]; /* label as shown (cli_hostport_label) */
} fix_t;

static int parse(int argc, char **argv, fargs_t *a)
{
	static const struct option lo[] = {
		{ "output", required_argument, 0, 'o' },
		{ "include-root", no_argument, 0, 3 },
		{ "sni", required_argument, 0, 6 },
		{ "connect", required_argument, 0, 7 },
		{ "timeout", required_argument, 0, 8 },
		{ "json", no_argument, 0, 9 },
		{ "pfx", required_argument, 0, 20 },
		{ "key", required_argument, 0, 21 },
		{ "password-file", required_argument, 0, 22 },
		{ "password-env", required_argument, 0, 23 },
		{ "compat", required_argument, 0, 24 },
		{ "name", required_argument, 0, 25 },
		{ "help", no_argument, 0, 'h' },
		CLI_AIA_LONGOPTS,
		CLI_CLIENT_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	int c, r;
	char *end;
	double d;

	optind = 1;
	a->aia.on = 1;
	while ((c = getopt_long(argc, argv, CLI_CLIENT_SHORTOPTS "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_out_arg("fix", "-o", optarg))
				return EXIT_USAGE;
			a->out = optarg;
			break;
		case 3: a->include_root = 1; break;
		case 6:
			if (cli_host_arg("fix", "--sni", optarg, a->snibuf, sizeof(a->snibuf)))
				return EXIT_USAGE;
			a->sni = a->snibuf;
			break;
		case 7: a->connect = optarg; break;
		case 8:
			d = strtod(optarg, &end);
			if (*end || !(d > 0) || d > 600)
				return cli_usage_error("fix", "--timeout: '%s' is not a number "
							      "of seconds (0 < S <= 600)", optarg);
			a->timeout_ms = (int)(d * 1000 + 0.5);
			break;
		case 9: a->json = 1; break;
		case 20:
			if (cli_out_arg("fix", "--pfx", optarg))
				return EXIT_USAGE;
			a->pfx.path = optarg;
			break;
		case 21: a->pfx.key = optarg; break;
		case 22: a->pfx.pwfile = optarg; break;
		case 23: a->pfx.pwenv = optarg; break;
		case 24:
			if (!strcmp(optarg, "modern") || !strcmp(optarg, "legacy"))
				a->pfx.o.compat = optarg[0] == 'l' ? CC_PFX_LEGACY
								   : CC_PFX_MODERN;
			else
				return cli_usage_error("fix", "--compat: '%s' is not "
							      "modern or legacy", optarg);
			break;
		case 25: a->pfx.o.name = optarg; break;
		case 'h': fputs(usage_text, stdout); return -1;
		case CLI_AIA_ON: case CLI_AIA_OFF: case CLI_AIA_CACHE:
		case CLI_AIA_OFFLINE: case CLI_AIA_TIMEOUT: case CLI_AIA_FETCHES:
		case CLI_AIA_LOCAL:
			if (cli_aia_option("fix", c, optarg, &a->aia))
				return EXIT_USAGE;
			break;
		default:
			if ((r = cli_client_opt("fix", &a->cl, c, optarg)) < 0)
				return cli_bad_option("fix", argv, lo);
			if (r)
				return r;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("fix", "expected exactly one LEAF file or HOST[:PORT]");
	if (!a->pfx.path && (a->pfx.key || a->pfx.pwfile || a->pfx.pwenv || a->pfx.o.name))
		return cli_usage_error("fix", "--key, --password-*, --name go with --pfx");
	a->pfx.store = a->cl.store.dir;
	a->pfx.no_store = a->cl.store.no_store;
	a->target = argv[optind];
	return 0;
}

/* A name ending like a certificate file is a (missing) file, not a host. */
static int looks_like_file(const char *t)
{
	static const char *const ext[] = { ".pem", ".crt", ".cer", ".der", ".p7b",
					   ".p7c", ".chain" };
	size_t n = strlen(t);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (n > strlen(ext[i]) && !strcasecmp(t + n - strlen(ext[i]), ext[i]))
			return 1;
	return 0;
}

/* The served chain: the LEAF file, or a TLS handshake with HOST. */
static int load_served(fargs_t *a, fix_t *f)
{
	struct stat st;
	cc_probe_opts_t po = { 0 };
	cc_probe_result_t res = { 0 };
	cli_hostport_t hp;
	cc_error_t err;
	char why[CLI_HOST_MAX + 200];

	f->label = a->target;
	snprintf(f->shown, sizeof(f->shown), "%s", a->target);
	if (!stat(a->target, &st) || strchr(a->target, '/') || looks_like_file(a->target))
		return cli_load(f->spool, a->target, 0, &f->served);
	if (cli_hostport_parse(a->target, "443", &hp, why, sizeof(why)))
		return cli_usage_error("fix", "'%s' is neither a file nor HOST[:PORT]%s%s",
				       a->target, why[0] ? ": " : "", why);
	snprintf(f->hostbuf, sizeof(f->hostbuf), "%s", hp.host);
	snprintf(f->port, sizeof(f->port), "%s", hp.port);
	cli_hostport_label(a->target, &hp, f->shown, sizeof(f->shown));
	cc_error_clear(&err);
	po.host = f->hostbuf;
	po.port = f->port;
	po.sni = a->sni;
	po.connect = a->connect;
	po.timeout_ms = a->timeout_ms;
	signal(SIGPIPE, SIG_IGN);
	if (cc_probe_run(&po, f->spool, &res, &err))
		return cli_fail(&err);
	if (res.fail) {
		fprintf(stderr, "certchain: %s: could not connect (%s): %s\n", f->shown,
			cc_probe_fail_name(res.fail), res.reason);
		cc_probe_result_clear(&res);
		return EXIT_CONNECT;
	}
	f->served = res.served; /* takes the array */
	if (!f->served.n) {
		fprintf(stderr, "certchain: %s: the server sent no certificate\n", f->shown);
		return EXIT_CONNECT;
	}
	if (!a->cl.host && !cli_is_ip(f->hostbuf))
		a->cl.host = f->hostbuf;
	return 0;
}

/* Adds every certificate of src to dst except those in skip (may be NULL). */
static int copy_pool(cc_pool_t *dst, cc_pool_t *src, cc_pool_t *skip)
{
	cc_error_t err;

	cc_error_clear(&err);
	for (size_t i = 0; i < cc_pool_count(src); i++) {
		cc_cert_t *c = cc_pool_get(src, i);
		size_t len;
		const unsigned char *der = cc_cert_der(c, &len);
		if (skip && cc_pool_find_sha256(skip, cc_cert_sha256(c)))
			continue;
		if (cc_pool_add_der(dst, der, len, cc_cert_source(c), NULL, NULL, &err))
			return cli_fail(&err);
	}
	return 0;
}

/*
 * The client profiles, as build, check and verify make them: --profile, -r
 * as the profile "roots", else every built-in profile and "system"; plus
 * "store" for the store's enabled roots, a client of its own (never added
 * to another profile). The anchors pool becomes every profile's anchors.
 */
static int load_profiles(fargs_t *a, fix_t *f, cc_pool_t *sroots, const cc_store_t *st)
{
	if (!(f->profs = cc_profiles_new())) {
		fprintf(stderr, "certchain: out of memory\n");
		return EXIT_USAGE;
	}
	if (cli_profiles(f->profs, a->cl.specs, a->cl.nspecs, a->cl.roots, a->cl.nroots) ||
	    (st && cli_store_add_roots(f->profs, sroots, st)))
		return EXIT_USAGE;
	/* the clients enforce the --policy the chain is judged by */
	cli_policy_apply(f->profs, a->cl.policy);
	return copy_pool(f->anchors, cc_profiles_pool(f->profs), NULL);
}

/* The candidate pool and the anchors: -I, -r, the store, the profiles. */
static int load_pools(fargs_t *a, fix_t *f)
{
	cc_pool_t *sroots = cc_pool_new(), *inter = cc_pool_new();
	cc_store_t *st = NULL;
	cc_error_t err;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (!sroots || !inter || copy_pool(f->cand, f->spool, NULL))
		goto out;
	for (size_t i = 0; i < a->cl.ninter; i++)
		if (cli_load(inter, a->cl.inter[i], 0, NULL))
			goto out;
	if (!a->cl.store.no_store && (cc_store_open(a->cl.store.dir, &st, &err) ||
			     cc_store_load_pools(st, inter, sroots, f->disabled, &err))) {
		cli_fail(&err);
		goto out;
	}
	/* A disabled certificate is never sent; the clients' anchors (-r,
	 * profiles) are not this server's to change. */
	if (copy_pool(f->cand, inter, f->disabled) || load_profiles(a, f, sroots, st))
		goto out;
	rc = 0;
out:
	cc_store_close(st);
	cc_pool_free(sroots);
	cc_pool_free(inter);
	return rc;
}

static size_t chain_bytes(const cc_certlist_t *l)
{
	size_t n = 0, len;
	for (size_t i = 0; i < l->n; i++) {
		cc_cert_der(l->v[i], &len);
		n += len;
	}
	return n;
}

static void text_findings(cc_buf_t *b, const char *title, const cc_findings_t *fs,
			  int idw)
{
	cc_buf_printf(b, "%s:%s\n", title, fs->n ? "" : " none");
	cli_findings_text_w(b, fs, idw);
}

static const char *verdict(const fix_t *f)
{
	if (f->j.best < 0)
		return "no-path";
	return f->j.nadded || f->j.nremoved || f->j.reordered ? "fixed" : "unchanged";
}

/* The chosen path (anchor last), or NULL. */
static const cc_path_t *chosen(const fix_t *f)
{
	return f->j.best >= 0 ? &f->j.paths->v[f->j.best] : NULL;
}

/* "needed": the certificates certchain lacks that would cure the rest. */
static json_t *needs_json(const cc_judgement_t *j)
{
	static const char *const kind[] = { "leaf", "issuer", "renewed" };
	json_t *a = json_array();

	for (size_t i = 0; a && i < j->nneeds; i++) {
		const cc_judge_need_t *n = &j->needs[i];
		if (json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "kind",
						       kind[n->kind], "subject",
						       cc_json_str(n->subject), "issuer",
						       cc_json_str(n->issuer), "key_id",
						       cc_json_str(n->key_id), "url",
						       cc_json_str(n->url), "profiles",
						       cc_json_str(n->profiles), "why",
						       cc_json_str(n->why)))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* One line per certificate certchain lacks: what it is, who needs it, where. */
static void needs_text(cc_buf_t *b, const cc_judgement_t *j)
{
	if (!j->nneeds)
		return;
	cc_buf_printf(b, "not fixed: no certificate at hand cures this; needed:\n");
	for (size_t i = 0; i < j->nneeds; i++) {
		const cc_judge_need_t *n = &j->needs[i];
		if (n->kind == CC_NEED_LEAF)
			cc_buf_printf(b, "  - a certificate for %s (issued by a CA the "
					 "clients trust, such as %s)", n->subject, n->issuer);
		else if (n->kind == CC_NEED_ISSUER)
			cc_buf_printf(b, "  - the issuer %s%s%s", n->subject,
				      *n->key_id ? ", key id " : "", n->key_id);
		else
			cc_buf_printf(b, "  - a valid %s issued by %s", n->subject, n->issuer);
		cc_buf_printf(b, ": %s; needed by %s", n->why, n->profiles);
		if (*n->url)
			cc_buf_printf(b, "; CA Issuers URL %s", n->url);
		cc_buf_printf(b, "\n");
	}
}

static json_t *added_json(const cc_judgement_t *j)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < j->nadded; i++)
		if (json_array_append_new(
			    a, json_pack("{s:I,s:o,s:o,s:o}", "position",
					 (json_int_t)j->added[i].position, "sha256",
					 cli_json_fp(j->added[i].cert), "source",
					 cc_json_str(cc_cert_source(j->added[i].cert)), "what",
					 cc_json_str(j->added[i].why)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *removed_json(const cc_judgement_t *j)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < j->nremoved; i++)
		if (json_array_append_new(a, json_pack("{s:I,s:o,s:o}", "position",
						       (json_int_t)j->removed[i].position,
						       "sha256", cli_json_fp(j->removed[i].cert),
						       "reason", cc_json_str(j->removed[i].why)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Each profile's verdict on the served chain and on the fixed one. */
static json_t *profiles_json(fix_t *f)
{
	const cc_verdicts_t *va = f->j.after_verdicts;
	json_t *a = json_array();

	for (size_t i = 0; a && i < f->j.served.n; i++) {
		const cc_verdict_t *y = va && i < va->n ? &va->v[i] : NULL;
		if (json_array_append_new(a, json_pack("{s:o,s:b,s:o,s:o,s:o}", "name",
						       cc_json_str(cc_profile_name(f->profs, i)),
						       "before", f->j.served.v[i].trusted,
						       "before_reason",
						       cc_json_str(f->j.served.v[i].reason),
						       "after",
						       y ? json_boolean(y->trusted) : json_null(),
						       "after_reason",
						       cc_json_str(y ? y->reason : "")))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *names_json(fix_t *f, const size_t *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, cc_json_str(cc_profile_name(f->profs, v[i])))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* "untrusted": why no client trusts the chain, or null. */
static json_t *untrusted_json(fix_t *f)
{
	const cc_untrusted_t *u = &f->u;

	if (!f->untrusted)
		return json_null();
	return json_pack("{s:o,s:b,s:o,s:o,s:o}", "anchor", cc_cert_json(u->anchor), "chosen",
			 u->chosen, "lacking", names_json(f, u->lack, u->nlack), "rejecting",
			 names_json(f, u->reject, u->nreject), "message", cc_json_str(u->text));
}

/* What the run comes to: a chain is not fixed while a client waits for a
 * certificate certchain lacks, nor while no client trusts it. */
static const char *result(const fix_t *f)
{
	if (f->j.best >= 0 && f->j.nneeds)
		return "needs-certificate";
	if (f->j.best >= 0 && f->untrusted)
		return "untrusted";
	return verdict(f);
}

static void report_json(cc_buf_t *b, fix_t *f, fargs_t *a, time_t at)
{
	const cc_path_t *p = chosen(f);
	const cc_verdicts_t *va = f->j.after_verdicts;
	json_t *o = json_object();
	int bad = 0;

	bad |= json_object_set_new(o, "target", cc_json_str(f->label));
	/* the chain at hand cures not every client: say so before what was done */
	bad |= json_object_set_new(o, "result", json_string(result(f)));
	bad |= json_object_set_new(o, "served", cli_certs_json(f->served.v, f->served.n));
	bad |= json_object_set_new(o, "before", cli_findings_json(&f->j.findings));
	bad |= json_object_set_new(o, "chain", cli_certs_json(f->fixed.v, f->fixed.n));
	bad |= json_object_set_new(o, "anchor", p ? cc_cert_json(p->certs.v[p->certs.n - 1])
						  : json_null());
	bad |= json_object_set_new(o, "after", cli_findings_json(&f->j.after));
	bad |= json_object_set_new(o, "added", added_json(&f->j));
	bad |= json_object_set_new(o, "removed", removed_json(&f->j));
	bad |= json_object_set_new(o, "reordered", json_boolean(f->j.reordered));
	bad |= json_object_set_new(o, "helps", cli_strs_json(f->j.gains, f->j.ngains));
	bad |= json_object_set_new(o, "profiles", profiles_json(f));
	bad |= json_object_set_new(o, "score_before", cli_json_fixed(f->j.served.score, 3));
	bad |= json_object_set_new(o, "score_after", cli_json_fixed(va ? va->score : 0.0, 3));
	bad |= json_object_set_new(o, "needed", needs_json(&f->j));
	bad |= json_object_set_new(o, "untrusted", untrusted_json(f));
	bad |= json_object_set_new(o, "aia", cli_aia_json(&f->aia));
	bad |= json_object_set_new(o, "written",
				   p && a->out ? cc_json_str(a->out) : json_null());
	bad |= json_object_set_new(o, "pfx",
				   p && a->pfx.path ? cc_json_str(a->pfx.path) : json_null());
	if (bad) {
		json_decref(o);
		o = NULL;
	}
	cli_json_line(b, o);
}

/* One line when no client trusts the chain: who, and what would cure it.
 * When certificates are needed and every client holds the anchor, the
 * needs already say why each rejects it (the name, a missing issuer). */
static void untrusted_text(cc_buf_t *b, const fix_t *f)
{
	if (f->untrusted && (!f->j.nneeds || f->u.nlack))
		cc_buf_printf(b, "not fixed: %s\n", f->u.text);
}

/* One line per client profile: its verdict on the served and the fixed chain. */
static void text_profiles(cc_buf_t *b, fix_t *f)
{
	const cc_verdicts_t *va = f->j.after_verdicts;
	size_t gained = 0, lost = 0;

	if (!va)
		return;
	cc_buf_printf(b, "clients (trust profiles), served chain -> fixed chain:\n");
	for (size_t i = 0; i < f->j.served.n && i < va->n; i++) {
		const cc_verdict_t *x = &f->j.served.v[i], *y = &va->v[i];
		gained += !x->trusted && y->trusted;
		lost += x->trusted && !y->trusted;
		const char *why = !y->trusted ? y->reason : !x->trusted ? x->reason : "";
		cc_buf_printf(b, "  %-16s %-9s -> %s%s%s%s\n",
			      cc_profile_name(f->profs, i), x->trusted ? "trusted" : "FAILS",
			      y->trusted ? "trusted" : "FAILS", *why ? "  " : "",
			      *why && y->trusted ? "was: " : "", why);
	}
	cc_buf_printf(b, "it helps %zu of %zu client profile%s%s\n", gained, va->n,
		      va->n == 1 ? "" : "s", lost ? "; some LOSE trust (see above)" : "");
}

static void report_text(cc_buf_t *b, fix_t *f, fargs_t *a, time_t at)
{
	const char *v = verdict(f);
	const cc_path_t *p = chosen(f);
	char cn[256], fp[65];
	/* both lists of findings in one id column */
	int idw = cli_findings_idw(&f->j.after, cli_findings_idw(&f->j.findings, 0));

	cc_buf_printf(b, "served by %s (%zu certificate%s):\n", f->shown, f->served.n,
		      f->served.n == 1 ? "" : "s");
	for (size_t i = 0; i < f->served.n; i++)
		cc_buf_printf(b, "  [%zu] %s\n", i, cc_cert_name(f->served.v[i], 0, cn, sizeof(cn)));
	text_findings(b, "findings on the served chain", &f->j.findings, idw);
	cli_aia_text(b, &f->aia);
	if (!p) {
		cc_buf_printf(b, "no valid chain to a trust anchor could be built%s%s\n",
			      f->j.paths && f->j.paths->n ? ": " : "",
			      f->j.paths && f->j.paths->n ? f->j.paths->v[0].reason : "");
		needs_text(b, &f->j);
		untrusted_text(b, f);
		return;
	}
	cc_buf_printf(b, "%s chain (%zu certificate%s, leaf first):\n",
		      strcmp(v, "unchanged") ? "fixed" : "unchanged, already the best",
		      f->fixed.n, f->fixed.n == 1 ? "" : "s");
	cli_tree(b, p->certs.v, p->certs.n, f->fixed.n, at);
	cc_buf_printf(b, "changes:%s\n", strcmp(v, "unchanged") ? "" : " none");
	for (size_t i = 0; i < f->j.nadded; i++) {
		cc_cert_sha256_hex(f->j.added[i].cert, fp);
		cc_buf_printf(b, "  + [%zu] %s (sha256 %.16s): %s\n", f->j.added[i].position,
			      cc_cert_name(f->j.added[i].cert, 0, cn, sizeof(cn)), fp,
			      f->j.added[i].why);
	}
	for (size_t i = 0; i < f->j.nremoved; i++)
		cc_buf_printf(b, "  - %s: %s\n",
			      cc_cert_name(f->j.removed[i].cert, 0, cn, sizeof(cn)),
			      f->j.removed[i].why);
	if (f->j.reordered)
		cc_buf_printf(b, "  ~ reordered: each certificate is now followed by its issuer\n");
	if (chain_bytes(&f->served) != chain_bytes(&f->fixed))
		cc_buf_printf(b, "  handshake certificates: %zu -> %zu bytes\n",
			      chain_bytes(&f->served), chain_bytes(&f->fixed));
	text_profiles(b, f);
	if (f->j.ngains)
		cc_buf_printf(b, "why it matters:\n");
	for (size_t i = 0; i < f->j.ngains; i++)
		cc_buf_printf(b, "  - %s\n", f->j.gains[i]);
	text_findings(b, "findings on the fixed chain", &f->j.after, idw);
	needs_text(b, &f->j);
	untrusted_text(b, f);
	if (a->out)
		cc_buf_printf(b, "wrote %s\n", a->out);
	if (a->pfx.path)
		cc_buf_printf(b, "wrote %s (%s, friendly name \"%s\", the leaf's key "
				 "and %zu chain certificate%s)\n", a->pfx.path,
			      cli_pfx_desc(&a->pfx), a->pfx.o.name, f->fixed.n - 1,
			      f->fixed.n == 2 ? "" : "s");
	if (!a->out && !a->pfx.path)
		cc_buf_printf(b, "(give -o FILE to write it)\n");
}

/* Completes (AIA) and judges (judge.c); fills f. */
static int repair(fargs_t *a, fix_t *f, time_t at)
{
	cc_judge_in_t in = { .served = &f->served, .repair = f->cand,
			     .withhold = f->disabled, .anchors = f->anchors,
			     .profs = f->profs,
			     .ao = { .at = at, .host = a->cl.host, .policy = a->cl.policy },
			     .judge_after = 1 };
	const cc_path_t *p;
	cc_error_t err;

	cc_error_clear(&err);
	if (cli_aia_run("fix", &a->aia, f->served.v[0], f->cand, f->anchors, at, &f->aia))
		return EXIT_USAGE;
	if (cc_served_judge(&in, &f->j, &err))
		return cli_fail(&err);
	if ((f->untrusted = cc_judge_untrusted(&in, &f->j, &f->u, &err)) < 0)
		return cli_fail(&err);
	if (!(p = chosen(f)))
		return 0;
	for (size_t i = 0; i < f->j.serve.n; i++)
		if (cc_certlist_push(&f->fixed, f->j.serve.v[i]))
			return EXIT_USAGE;
	if (a->include_root && p->certs.n > 1 &&
	    cc_certlist_push(&f->fixed, p->certs.v[p->certs.n - 1]))
		return EXIT_USAGE;
	return 0;
}

int cmd_fix(int argc, char **argv)
{
	fargs_t a = { 0 };
	fix_t f = { 0 };
	cc_buf_t b = { 0 };
	time_t at;
	int rc = parse(argc, argv, &a);

	if (rc)
		goto out;
	f.spool = cc_pool_new();
	f.cand = cc_pool_new();
	f.anchors = cc_pool_new();
	f.disabled = cc_pool_new();
	if (!f.spool || !f.cand || !f.anchors || !f.disabled) {
		fprintf(stderr, "certchain: out of memory\n");
		rc = EXIT_USAGE;
		goto out;
	}
	at = a.cl.at ? a.cl.at : time(NULL);
	if ((rc = load_served(&a, &f)) || (rc = load_pools(&a, &f)) ||
	    (rc = repair(&a, &f, at)))
		goto out;
	/* Key and password first: a bad one leaves no file written. */
	if (f.j.best >= 0 && a.pfx.path &&
	    (rc = cli_pfx_prepare("fix", &a.pfx, f.fixed.v[0])))
		goto out;
	if (f.j.best >= 0 && ((a.out && cli_write_pem(a.out, f.fixed.v, f.fixed.n)) ||
			(a.pfx.path && cli_pfx_write(&a.pfx, f.fixed.v[0], f.fixed.v + 1,
						     f.fixed.n - 1)))) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (a.json)
		report_json(&b, &f, &a, at);
	else
		report_text(&b, &f, &a, at);
	cli_flush_report(&b, a.json);
	/* A chain is not fixed while a client that rejected it still waits for a
	 * certificate certchain does not have, nor while no client trusts it. */
	rc = f.j.best >= 0 && !f.j.nneeds && !f.untrusted ? EXIT_OK : EXIT_PROBLEM;
out:
	if (rc < 0)
		rc = EXIT_OK; /* --help */
	cc_untrusted_clear(&f.u);
	cc_judgement_clear(&f.j);
	cc_aia_result_clear(&f.aia);
	cc_profiles_free(f.profs);
	cc_certlist_clear(&f.served);
	cc_certlist_clear(&f.fixed);
	cc_pool_free(f.spool);
	cc_pool_free(f.cand);
	cc_pool_free(f.anchors);
	cc_pool_free(f.disabled);
	cli_client_free(&a.cl);
	cli_pfx_done(&a.pfx);
	return rc;
}
