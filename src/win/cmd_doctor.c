/*
 * cmd_doctor.c - certchain doctor --system: for each certificate with a key
 * in My, the chain this machine's stores make SChannel send, whether a
 * self-signed root in Root cuts a cross-signed chain short, which clients
 * lose trust because of it (one cc_profiles_judge() per chain, the same
 * judgement as explain and check), and with --apply the fix the CA FAQ
 * gives: import the cross-sign into CA, disable the self-signed twin.
 */
#include "win.h"
#include "internal.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

static const char usage_text[] =
	"usage: certchain doctor --system [--machine|--user] [--apply] [-I FILE]...\n"
	"         [-p PROFILE]... [--at TIME]\n"
	"\n"
	"For each certificate with a private key in My: the chain SChannel builds\n"
	"from this machine's stores (Root, CA, My) and sends; whether it ends at\n"
	"an enabled self-signed root that has a cross-signed twin (in CA or in an\n"
	"-I file), which makes Windows send the short chain; and which clients\n"
	"(trust profiles) lose trust because of it. --apply imports the cross-sign\n"
	"into CA and disables the self-signed root in Root (an empty enhanced-\n"
	"key-usage property), printing each change; without --apply nothing is\n"
	"changed.\n"
	"\n"
	"  -I, --intermediates FILE  cross-signs to offer (repeatable)\n"
	"  -p, --profile SPEC        the clients (repeatable; default: every\n"
	"                            built-in profile and 'system')\n"
	"      --at TIME             judge at TIME (RFC 3339 or @unixseconds)\n"
	"      --apply               make the changes\n"
	"  -h, --help                this text\n"
	"\n"
	"exit: 0 no client loses trust (or --apply fixed it), 1 a problem found\n"
	"(or one --apply cannot fix: no cross-sign known), 2 usage or input error\n";

typedef struct doc {
	int machine, apply;
	time_t at;
	cc_profiles_t *ps;
	cc_pool_t *offered; /* -I */
	cc_buf_t out;
	int problems, fixed;
} doc_t;

/* Same subject and same public key, t not self-issued: t cross-signs a
 * (the test twin.c makes, on the indexed fields: no decoding). */
static int twin_of(cc_cert_t *a, cc_cert_t *t)
{
	return !cc_cert_self_issued(t) && cc_cert_same_subject(a, t) &&
	       cc_cert_same_key(a, t);
}

/* The path Windows' chain engine picks from the stores: valid, then
 * shortest (cc_paths_rank without profiles). The paths' certificates live
 * in *anchors and *inter: the caller frees them after the paths. */
static int machine_path(doc_t *d, win_certs_t *w, cc_cert_t *leaf, cc_paths_t **ps,
			cc_pool_t **anchors, cc_pool_t **inter)
{
	cc_build_opts_t o = { .at = d->at };
	cc_error_t err;

	*anchors = cc_pool_new();
	*inter = cc_pool_new();
	if (!*anchors || !*inter)
		return EXIT_USAGE;
	for (size_t i = 0; i < w->n; i++) {
		size_t len;
		const unsigned char *der = cc_cert_der(w->v[i].c, &len);
		if (!w->v[i].e->disabled)
			cc_pool_add_der(w->v[i].e->folder == WS_ROOT ? *anchors : *inter, der, len,
					NULL, NULL, NULL, &err);
	}
	if (cc_build(&o, leaf, *inter, *anchors, ps, &err))
		return cli_fail(&err);
	cc_paths_rank(*ps, d->at, NULL, NULL);
	return 0;
}

/* The profiles trusting long but not short, as "a, b (reason)". */
static size_t losers(doc_t *d, cc_certlist_t *shrt, cc_certlist_t *lng, cc_buf_t *names)
{
	cc_verdicts_t vs = { 0 }, vl = { 0 };
	cc_judge_opts_t jo = { .at = d->at };
	cc_error_t err;
	size_t n = 0;

	if (cc_profiles_judge(d->ps, shrt, NULL, &jo, &vs, &err) ||
	    cc_profiles_judge(d->ps, lng, NULL, &jo, &vl, &err))
		goto out;
	for (size_t i = 0; i < vs.n && i < vl.n; i++)
		if (vl.v[i].trusted && !vs.v[i].trusted) {
			cc_buf_printf(names, "%s%s (%s)", n++ ? "; " : "",
				      cc_profile_name(d->ps, i), vs.v[i].reason);
		}
out:
	cc_verdicts_clear(&vs);
	cc_verdicts_clear(&vl);
	return n;
}

static void chain_words(cc_buf_t *b, cc_certlist_t *l)
{
	char cn[256];
	for (size_t i = 0; i < l->n; i++)
		cc_buf_printf(b, "%s%s", i ? " + " : "", cc_cert_name(l->v[i], 0, cn, sizeof(cn)));
}

/* The cross-sign the chain goes through, when it does: a certificate of
 * the chain (not the leaf) whose self-signed twin is in Root, disabled
 * (what --apply leaves). NULL otherwise. */
static cc_cert_t *through_cross(win_certs_t *w, cc_certlist_t *chain)
{
	for (size_t i = 1; i < chain->n; i++)
		for (size_t k = 0; k < w->n; k++)
			if (w->v[k].e->folder == WS_ROOT && w->v[k].e->disabled &&
			    cc_cert_self_issued(w->v[k].c) && twin_of(w->v[k].c, chain->v[i]))
				return chain->v[i];
	return NULL;
}

/* One My certificate: diagnose, and with --apply fix. */
static int one(doc_t *d, win_certs_t *w, win_cert_t *me)
{
	cc_paths_t *ps = NULL;
	cc_pool_t *anchors = NULL, *inter = NULL;
	cc_certlist_t shrt = { 0 }, lng = { 0 };
	cc_buf_t names = { 0 };
	win_cert_t *root = NULL;
	cc_cert_t *cross = NULL, *anchor, *via;
	int best, r = 0, in_ca = 0;
	char cn[256], msg[300];

	if ((r = machine_path(d, w, me->c, &ps, &anchors, &inter)))
		goto done;
	if ((best = cc_paths_best(ps)) < 0) {
		cc_buf_printf(&d->out, "%s (%s): no valid chain from this machine's stores\n",
			      me->cn, me->sha1);
		d->problems++;
		goto done;
	}
	for (size_t i = 0; i + 1 < ps->v[best].certs.n; i++)
		cc_certlist_push(&shrt, ps->v[best].certs.v[i]);
	anchor = ps->v[best].certs.v[ps->v[best].certs.n - 1];
	cc_buf_printf(&d->out, "%s (%s): SChannel sends ", me->cn, me->sha1);
	chain_words(&d->out, &shrt);
	cc_buf_printf(&d->out, " (to %s in Root)\n", cc_cert_name(anchor, 0, cn, sizeof(cn)));
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].e->folder == WS_ROOT && !w->v[i].e->disabled &&
		    !memcmp(cc_cert_sha256(w->v[i].c), cc_cert_sha256(anchor), 32))
			root = &w->v[i];
	for (size_t i = 0; i < w->n && !cross; i++)
		if (w->v[i].e->folder == WS_CA && twin_of(anchor, w->v[i].c))
			cross = w->v[i].c, in_ca = 1;
	for (size_t i = 0; d->offered && i < cc_pool_count(d->offered) && !cross; i++)
		if (twin_of(anchor, cc_pool_get(d->offered, i)))
			cross = cc_pool_get(d->offered, i);
	if ((via = through_cross(w, &shrt))) {
		char by[256];
		cc_buf_printf(&d->out, "  ok: the chain goes through the cross-sign %s (issued by "
			      "%s); its self-signed twin in Root is disabled\n",
			      cc_cert_name(via, 0, cn, sizeof(cn)), cc_cert_name(via, 1, by, sizeof(by)));
		goto done;
	}
	if (!cc_cert_self_issued(anchor) || !cross) {
		cc_buf_printf(&d->out, "  ok: %s\n", !cc_cert_self_issued(anchor)
			      ? "the chain does not end at a self-signed root"
			      : "no cross-signed twin of that root is known (-I FILE offers one)");
		goto done;
	}
	for (size_t i = 0; i < shrt.n; i++)
		cc_certlist_push(&lng, shrt.v[i]);
	cc_certlist_push(&lng, cross);
	if (!losers(d, &shrt, &lng, &names)) {
		cc_buf_printf(&d->out, "  ok: no client loses trust through the self-signed "
			      "%s in Root\n", cn);
		goto done;
	}
	d->problems++;
	cc_buf_printf(&d->out, "  problem: the enabled self-signed %s in Root makes Windows "
		      "send the short chain; losing trust: %s\n", cn, names.s);
	if (!in_ca)
		cc_buf_printf(&d->out, "  fix: import the cross-sign of %s (issued by %s) into CA\n",
			      cn, cc_cert_name(cross, 1, msg, sizeof(msg)));
	cc_buf_printf(&d->out, "  fix: disable %s (%s) in Root\n", cn, root ? root->sha1 : "?");
	if (d->apply && root) {
		size_t len;
		const unsigned char *der = cc_cert_der(cross, &len);
		int added = 0;
		if (!in_ca && ws_add(d->machine, WS_CA, der, len, NULL, &added, NULL, 0, msg, sizeof(msg)))
			goto fail;
		if (!in_ca)
			cc_buf_printf(&d->out, "  applied: imported into CA: %s (issued by %s)\n", cn,
				      cc_cert_name(cross, 1, msg, sizeof(msg)));
		if (ws_set_disabled(d->machine, WS_ROOT, root->e->der, root->e->len, 1, msg, sizeof(msg)))
			goto fail;
		cc_buf_printf(&d->out, "  applied: disabled in Root: %s (%s)\n", cn, root->sha1);
		d->fixed++;
	}
	goto done;
fail:
	fprintf(stderr, "certchain doctor: %s\n", msg);
	r = EXIT_USAGE;
done:
	cc_buf_clear(&names);
	cc_certlist_clear(&shrt);
	cc_certlist_clear(&lng);
	cc_paths_free(ps);
	cc_pool_free(anchors);
	cc_pool_free(inter);
	return r;
}

static int parse(int argc, char **argv, doc_t *d, const char ***specs, size_t *ns)
{
	static const struct option lo[] = {
		{ "intermediates", required_argument, 0, 'I' }, { "profile", required_argument, 0, 'p' },
		{ "at", required_argument, 0, 1 },              { "apply", no_argument, 0, 2 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "I:p:h", lo, NULL)) != -1) {
		switch (c) {
		case 'I':
			if ((r = cli_load(d->offered, optarg, 0, NULL)))
				return r;
			break;
		case 'p':
			if (cli_push_arg(specs, ns, optarg))
				return EXIT_USAGE;
			break;
		case 1:
			if ((r = cli_parse_time("doctor", optarg, &d->at)))
				return r;
			break;
		case 2: d->apply = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default: return cli_bad_option("doctor", argv, lo);
		}
	}
	if (optind != argc)
		return cli_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
	return 0;
}

int win_cmd_doctor(int argc, char **argv, int machine)
{
	doc_t d = { .machine = machine };
	const char **specs = NULL;
	size_t ns = 0, mine = 0;
	win_certs_t w;
	int r;

	d.offered = cc_pool_new();
	d.ps = cc_profiles_new();
	if (!d.offered || !d.ps)
		return EXIT_USAGE;
	r = parse(argc, argv, &d, &specs, &ns);
	if (!r)
		r = cli_profiles(d.ps, specs, ns, NULL, 0);
	if (!r)
		r = win_certs_read(machine, 7u, &w);
	if (r) {
		free(specs);
		cc_profiles_free(d.ps);
		cc_pool_free(d.offered);
		return r < 0 ? EXIT_OK : r;
	}
	for (size_t i = 0; !r && i < w.n; i++)
		if (w.v[i].e->folder == WS_MY && w.v[i].e->has_key && !cc_cert_is_ca(w.v[i].c)) {
			mine++;
			r = one(&d, &w, &w.v[i]);
		}
	if (!r && !mine)
		cc_buf_printf(&d.out, "no certificate with a private key in My\n");
	if (!r)
		cc_buf_printf(&d.out, "%zu certificate%s in My, %d problem%s%s\n", mine,
			      mine == 1 ? "" : "s", d.problems, d.problems == 1 ? "" : "s",
			      d.apply ? (d.fixed ? ", fixed" : "") : (d.problems ? " (--apply fixes)" : ""));
	cli_flush_text(&d.out);
	win_certs_free(&w);
	free(specs);
	cc_profiles_free(d.ps);
	cc_pool_free(d.offered);
	if (r)
		return r;
	return d.problems > d.fixed ? EXIT_PROBLEM : EXIT_OK;
}
