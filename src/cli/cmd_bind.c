/* cmd_bind.c - certchain bind: deploy a personal certificate, its key and
 * the chain certchain chooses to a web server site. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

static const char usage_text[] =
	"usage: certchain bind --server nginx|haproxy|apache --site NAME --cert SELECTOR\n"
	"                      [--ip ADDR|*] [--port PORT] [--hostname NAME]...\n"
	"                      [--json] [deployment settings]\n"
	"\n"
	"Deploys the personal certificate SELECTOR (friendly name, CN=..., or a\n"
	"thumbprint prefix of at least 8 hex digits) with its private key and the\n"
	"chain 'certchain build' would choose (the store's intermediates; the\n"
	"trust profiles plus the store's enabled roots; disabled certificates\n"
	"never used; ranked by how many profiles trust it): nginx gets SITE.fullchain.pem (leaf first) + SITE.key (0600)\n"
	"and a server block in CONF_DIR/certchain.conf; haproxy gets SITE.pem\n"
	"(chain + key, 0600), SITE.crtlist and a frontend in CONF_DIR/certchain.cfg;\n"
	"apache gets SITE.fullchain.pem + SITE.key and a <VirtualHost> (and a Listen\n"
	"line unless --apache-listen no) in CONF_DIR/certchain.conf (needs mod_ssl).\n"
	"Re-binding a site replaces it; the previous files are kept (FILE.prev)\n"
	"until 'certchain reload' has proved the new ones are served.\n"
	"\n"
	"      --server NAME     nginx, haproxy or apache\n"
	"      --site NAME       the site (1-64 of A-Z a-z 0-9 . _ -)\n"
	"      --cert SELECTOR   a certificate of the personal store\n"
	"      --ip ADDR         listen address; '*' (default) = all unassigned\n"
	"      --port PORT       default 443\n"
	"      --hostname NAME   SNI name to serve (repeatable; default: the\n"
	"                        certificate's DNS names); the certificate must\n"
	"                        be valid for each\n"
	"  -p, --profile SPEC    trust profiles to rank chains with (as build;\n"
	"                        default every built-in one plus the system store)\n"
	"      --policy P        validation policy of the chain and of the\n"
	"                        profiles without one of their own (the store's\n"
	"                        roots, -p NAME=PATH without ,policy=, system):\n"
	"                        webpki (default), rfc5280 or legacy\n"
	"      --chain FILE      deploy this chain instead of choosing one (e.g.\n"
	"                        what 'certchain fix -o FILE' wrote): leaf first,\n"
	"                        or the chain without the leaf; refused unless\n"
	"                        some trust profile accepts it\n"
	"      --json            one JSON object on stdout\n"
	"  -h, --help            this text\n"
	"exit: 0 bound (run 'certchain reload'), 1 no valid chain for the\n"
	"certificate or it does not cover a host name, 2 usage or input error (unknown or ambiguous selector, no key)\n\n";

/* --profile specs: the built-in set has about a dozen; 64 is plenty. */
#define BIND_MAX_PROFILES 64

typedef struct bargs {
	cli_deploy_t dopt;
	cc_binding_t b;
	const char *sel;
	const char *specs[BIND_MAX_PROFILES];
	size_t nspecs;
	int json, policy;
	const char *chain;
} bargs_t;

static int parse(int argc, char **argv, bargs_t *a)
{
	static const struct option lo[] = {
		{ "server", required_argument, 0, 1 },
		{ "site", required_argument, 0, 2 },
		{ "cert", required_argument, 0, 3 },
		{ "ip", required_argument, 0, 4 },
		{ "port", required_argument, 0, 5 },
		{ "hostname", required_argument, 0, 6 },
		{ "json", no_argument, 0, 7 },
		{ "policy", required_argument, 0, 8 },
		{ "profile", required_argument, 0, 'p' },
		{ "chain", required_argument, 0, 9 },
		{ "help", no_argument, 0, 'h' },
		CLI_DEPLOY_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	cc_binding_t *b = &a->b;
	char *end;
	int c;

	snprintf(b->ip, sizeof(b->ip), "*");
	b->port = 443;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hp:", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (a->nspecs == BIND_MAX_PROFILES)
				return cli_usage_error("bind", "--profile: at most %d",
						       BIND_MAX_PROFILES);
			a->specs[a->nspecs++] = optarg;
			break;
		case 1:
			if (!(b->server = cc_server_parse(optarg)))
				return cli_usage_error("bind", "--server: '%s' is not nginx, "
							       "haproxy or apache", optarg);
			break;
		case 2:
			if (!cc_site_name_ok(optarg))
				return cli_usage_error("bind", "--site: '%s': use 1-64 of A-Z a-z "
							       "0-9 . _ - (not starting with '.')", optarg);
			snprintf(b->site, sizeof(b->site), "%s", optarg);
			break;
		case 3: a->sel = optarg; break;
		case 4:
			if (strlen(optarg) >= sizeof(b->ip))
				return cli_usage_error("bind", "--ip: '%s' is too long", optarg);
			snprintf(b->ip, sizeof(b->ip), "%s", optarg);
			break;
		case 5:
			b->port = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !b->port || b->port > 65535)
				return cli_usage_error("bind", "--port: '%s' is not 1..65535", optarg);
			break;
		case 6:
			if (b->nhosts == CC_BIND_MAX_HOSTS || strlen(optarg) >= sizeof(b->hosts[0]))
				return cli_usage_error("bind", "--hostname: at most %d names of "
							       "255 bytes", CC_BIND_MAX_HOSTS);
			if (cli_host_arg("bind", "--hostname", optarg, b->hosts[b->nhosts],
					 sizeof(b->hosts[0])))
				return EXIT_USAGE;
			b->nhosts++;
			break;
		case 7: a->json = 1; break;
		case 8:
			if (cli_policy_arg("bind", optarg, &a->policy))
				return EXIT_USAGE;
			break;
		case 9: a->chain = optarg; break;
		case 'h':
			printf("%s%s", usage_text, cli_deploy_help);
			return -1;
		default:
			if (!cli_deploy_opt(&a->dopt, c, optarg))
				return cli_bad_option("bind", argv, lo);
		}
	}
	if (optind != argc)
		return cli_usage_error("bind", "unexpected argument '%s'", argv[optind]);
	if (!b->server || !b->site[0] || !a->sel)
		return cli_usage_error("bind", "--server, --site and --cert are required");
	/* kept with the binding: reload judges the served chain for these clients */
	b->policy = a->policy;
	for (size_t i = 0, k = 0; i < a->nspecs; i++) {
		if (strchr(a->specs[i], '\n') ||
		    k + strlen(a->specs[i]) + 2 > sizeof(b->profiles))
			return cli_usage_error("bind", "--profile: the specs do not fit in "
					       "the binding record (%d bytes, no newlines)",
					       CC_BIND_PROFILES_LEN);
		k += (size_t)snprintf(b->profiles + k, sizeof(b->profiles) - k, "%s%s",
				      i ? "\n" : "", a->specs[i]);
	}
	return 0;
}

/* The leaf's DNS subjectAltNames (its CN when it has none) as host names. */
static void default_hosts(cc_binding_t *b, cc_cert_t *leaf)
{
	X509 *x = cc_cert_x509(leaf, NULL);
	GENERAL_NAMES *san = x ? X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL) : NULL;

	for (int i = 0; san && i < sk_GENERAL_NAME_num(san); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);
		const unsigned char *s;
		int len;
		if (g->type != GEN_DNS || b->nhosts == CC_BIND_MAX_HOSTS)
			continue;
		s = ASN1_STRING_get0_data(g->d.dNSName);
		len = ASN1_STRING_length(g->d.dNSName);
		if (len > 0 && (size_t)len < sizeof(b->hosts[0]))
			snprintf(b->hosts[b->nhosts++], sizeof(b->hosts[0]), "%.*s", len, s);
	}
	GENERAL_NAMES_free(san);
	if (!b->nhosts)
		cc_cert_name(leaf, 0, b->hosts[b->nhosts++], sizeof(b->hosts[0]));
}

/* Refuses a binding whose names the certificate does not cover: clients
 * would fail with a name mismatch however good the chain is. */
static int names_ok(const cc_binding_t *b, cc_cert_t *leaf)
{
	X509 *x = cc_cert_x509(leaf, NULL);

	for (size_t i = 0; x && i < b->nhosts; i++) {
		if (b->hosts[i][0] == '*')
			continue; /* a wildcard server_name, not a client's name */
		if (X509_check_host(x, b->hosts[i], 0, 0, NULL) != 1) {
			fprintf(stderr, "certchain: %s: the certificate \"%s\" is not valid "
					"for this host name\n", b->hosts[i], b->cert);
			return EXIT_PROBLEM;
		}
	}
	return 0;
}

/*
 * The chain to serve, chosen as 'build' chooses it: the trust profiles
 * (--profile, default every built-in one plus the system store) plus the
 * store's enabled roots as the profile "store", the store's intermediates,
 * its disabled certificates never used; ubiquity ranking (cc_chain_choose,
 * the same call export makes). chain borrows
 * from *pool and r.
 */
typedef struct choice {
	cc_profiles_t *profs;
	cc_pool_t *pool, *anchors;
} choice_t;

/*
 * --chain FILE: the chain as given (with or without the leaf, which goes
 * first wherever the file has it), judged
 * as check judges a served chain (judge.c); refused when no profile trusts
 * it. chain borrows from r->pool.
 */
static int given_chain(const bargs_t *a, cc_cert_t *leaf, choice_t *r,
		       cc_certlist_t *chain)
{
	cc_certlist_t l = { 0 };
	cc_judge_in_t in = { .served = chain, .profs = r->profs, .horizon_days = -1,
			     .anchors = r->anchors ? r->anchors : cc_profiles_pool(r->profs) };
	cc_judgement_t j = { .best = -1 };
	cc_error_t err;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (cli_load(r->pool, a->chain, 0, &l))
		return EXIT_USAGE;
	/* The leaf first, wherever (or whether) the file has it. */
	if (cc_certlist_push(chain, leaf))
		goto out;
	for (size_t i = 0; i < l.n; i++)
		if (memcmp(cc_cert_sha256(l.v[i]), cc_cert_sha256(leaf), 32) &&
		    cc_certlist_push(chain, l.v[i]))
			goto out;
	if (cc_served_judge(&in, &j, &err)) {
		cli_fail(&err);
		goto out;
	}
	if (!j.served.ntrusted) {
		fprintf(stderr, "certchain bind: %s: no trust profile accepts this chain "
				"for %s: %s\n", a->chain, a->sel,
			j.findings.n ? j.findings.v[0].msg
				     : j.served.n ? j.served.v[0].reason : "no profile");
		rc = EXIT_PROBLEM;
		goto out;
	}
	rc = 0;
out:
	cc_judgement_clear(&j);
	cc_certlist_clear(&l);
	return rc;
}

static int choose(const bargs_t *a, cc_cert_t *leaf, choice_t *r,
		  cc_certlist_t *chain)
{
	cli_store_opts_t so = { .dir = a->dopt.store };
	cc_certlist_t keep = { 0 };
	cc_build_opts_t bo = { 0 };
	const unsigned char *der;
	cc_buf_t note = { 0 };
	cc_error_t err;
	size_t len;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	der = cc_cert_der(leaf, &len);
	if (!(r->profs = cc_profiles_new()) || !(r->pool = cc_pool_new()) ||
	    cc_pool_add_der(r->pool, der, len, cc_cert_source(leaf), &leaf, NULL, &err) ||
	    cc_certlist_push(&keep, leaf)) {
		fprintf(stderr, "certchain: out of memory\n");
		goto out;
	}
	if (cli_profiles(r->profs, a->specs, a->nspecs, NULL, 0) ||
	    cli_store_profile(&so, r->profs, &r->pool, &keep, &r->anchors))
		goto out;
	cli_policy_apply(r->profs, a->policy);
	bo.at = time(NULL);
	bo.policy = a->policy;
	if (a->chain) {
		rc = given_chain(a, keep.v[0], r, chain);
		goto out;
	}
	switch (cc_chain_choose_noted(&bo, keep.v[0], r->pool, r->anchors, r->profs,
				      chain, &note, &err)) {
	case 0:
		cli_twin_note("bind", &note);
		rc = 0;
		break;
	case CC_ENOTFOUND:
		rc = cli_no_chain("bind", keep.v[0], r->pool, r->anchors ? r->anchors
				  : cc_profiles_pool(r->profs), &err);
		break;
	default:
		cli_fail(&err);
	}
out:
	cc_buf_clear(&note);
	cc_certlist_clear(&keep);
	return rc;
}

static void choice_free(choice_t *r)
{
	cc_profiles_free(r->profs);
	cc_pool_free(r->anchors);
	cc_pool_free(r->pool);
}

static void report(const bargs_t *a, const cc_certlist_t *chain)
{
	const cc_binding_t *b = &a->b;
	cc_buf_t o = { 0 };

	if (a->json) {
		json_t *j = cli_binding_json(b);
		cli_json_line(&o, j);
		cli_flush(&o);
		return;
	}
	cc_buf_printf(&o, "bound site %s on %s %s:%u (", b->site, cc_server_name(b->server),
		      b->ip, b->port);
	for (size_t i = 0; i < b->nhosts; i++)
		cc_buf_printf(&o, "%s%s", i ? " " : "", b->hosts[i]);
	cc_buf_printf(&o, ") to certificate \"%s\"\nchain deployed (%zu certificate%s, "
			  "leaf first):\n", b->cert, chain->n, chain->n == 1 ? "" : "s");
	cli_tree(&o, chain->v, chain->n, chain->n, time(NULL));
	for (size_t i = 0; i < b->nfiles; i++)
		cc_buf_printf(&o, "wrote %s\n", b->files[i]);
	cc_buf_printf(&o, "run 'certchain reload --server %s' to apply and check it\n",
		      cc_server_name(b->server));
	cli_flush_text(&o);
}

static int run(bargs_t *a, cc_store_t *st)
{
	choice_t ch = { 0 };
	cc_store_list_t *sel = NULL;
	cc_certlist_t chain = { 0 };
	cc_deploy_cfg_t cfg;
	cc_deploy_t *d = NULL;
	EVP_PKEY *key = NULL;
	cc_store_entry_t *e;
	cc_error_t err;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (cc_store_select(st, a->sel, CC_STORE_PERSONAL, &sel, &err)) {
		cli_fail(&err);
		goto out;
	}
	e = &sel->v[0];
	if (cc_store_key(st, e, 0, &key, &err)) {
		cli_fail(&err);
		goto out;
	}
	if (e->name[0])
		snprintf(a->b.cert, sizeof(a->b.cert), "%s", e->name);
	else
		cc_cert_name(e->cert, 0, a->b.cert, sizeof(a->b.cert));
	if (!a->b.nhosts)
		default_hosts(&a->b, e->cert);
	if ((rc = names_ok(&a->b, e->cert)) || (rc = choose(a, e->cert, &ch, &chain)))
		goto out;
	rc = EXIT_USAGE;
	if (cli_deploy_cfg("bind", &a->dopt, st, a->b.server, &cfg, 0))
		goto out;
	if (cc_deploy_open(st, &cfg, &d, &err) || cc_deploy_bind(d, &a->b, &chain, key, &err)) {
		cli_fail(&err);
		goto out;
	}
	if (cli_deploy_cfg("bind", &a->dopt, st, a->b.server, &cfg, 1))
		goto out;
	report(a, &chain);
	rc = EXIT_OK;
out:
	cc_deploy_free(d);
	EVP_PKEY_free(key);
	cc_certlist_clear(&chain);
	choice_free(&ch);
	cc_store_list_free(sel);
	return rc;
}

int cmd_bind(int argc, char **argv)
{
	bargs_t *a = calloc(1, sizeof(*a)); /* a binding is ~12 KB: not on the stack */
	cc_store_t *st = NULL;
	int rc;

	if (!a) {
		fprintf(stderr, "certchain: out of memory\n");
		return EXIT_USAGE;
	}
	rc = parse(argc, argv, a);
	if (rc == 0 && !(rc = cli_deploy_store(&a->dopt, &st)))
		rc = run(a, st);
	cc_store_close(st);
	free(a);
	return rc < 0 ? EXIT_OK : rc;
}
