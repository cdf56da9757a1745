/* cmd_check.c - certchain check: capture the chain a live server sends, judge
 * it, and say (or write) what it should send instead; one target or many
 * concurrently. The options are parsed here; one target is judged in
 * check_target.c, many in check_fleet.c. */
#include "cli.h"
#include "check_fleet.h"
#include "check_target.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: certchain check [OPTIONS] HOST[:PORT]\n"
	"       certchain check [OPTIONS] -f TARGETS|-\n"
	"\n"
	"Connects to a TLS server (one handshake, TLS 1.2 or 1.3), captures the\n"
	"certificates exactly as sent, and reports what is wrong with them and\n"
	"which chain the server should send instead. IPv6: [ADDR]:PORT. HOST\n"
	"is taken as --host is: one trailing dot dropped, a U-label converted\n"
	"to its A-label (the name resolved, sent and matched), no wildcard.\n"
	"\n"
	"      --sni NAME                SNI and host name to check (default HOST;\n"
	"                                an IP HOST: no SNI, the leaf's IP SANs;\n"
	"                                --host names another name to check)\n"
	"      --connect ADDR[:PORT]     dial ADDR instead of resolving HOST\n"
	"      --starttls PROTO          upgrade first: smtp imap pop3 ftp xmpp postgres\n"
	"      --timeout SECONDS         deadline per target (10), name resolution\n"
	"                                included\n"
	"      --dns-server ADDR[:PORT]  name servers to ask (comma-separated;\n"
	"                                default $CERTCHAIN_DNS_SERVER, else the\n"
	"                                system's /etc/resolv.conf)\n"
	CLI_CLIENT_USAGE
	"      --expires-soon DAYS       warn when a certificate expires within DAYS (30)\n"
	"      --horizon DAYS            warn (expiry-cliff) when the chain's reach\n"
	"                                depends on a cross-sign or anchor expiring\n"
	"                                within DAYS (1095, 3 years)\n"
	"      --fix-out FILE            write the chain to serve (leaf + intermediates)\n"
	"                                completed over AIA unless --no-aia\n"
	CLI_AIA_USAGE
	"      --no-aia                  no AIA, not even for --fix-out\n"
	"      --json                    JSON (one object per target and line)\n"
	"  -f, --targets FILE|-          check every target of FILE (one per line:\n"
	"                                HOST[:PORT] [CONNECT-ADDR]; # comments)\n"
	"      --concurrency N           targets in flight with -f (32)\n"
	"      --html FILE               with -f: also write a self-contained HTML\n"
	"                                report (verdicts, findings, chains)\n"
	"      --resume FILE             with -f: skip the targets answered in FILE\n"
	"                                (the --json output of an earlier run)\n"
	"      --shard K/N               with -f: check only the targets in shard K\n"
	"                                of N (a stable hash of the target)\n"
	"      --no-cache                with -f: judge every target afresh (default:\n"
	"                                a chain judged before for the same name or a\n"
	"                                name its leaf is valid for is judged once)\n"
	"  -h, --help                    this text\n"
	"\n"
	"finding ids: duplicate-cert wrong-order unrelated-cert anchor-sent\n"
	"unknown-root-sent unneeded-cert incomplete-chain expired not-yet-valid\n"
	"expires-soon hostname-mismatch weak-signature untrusted\n"
	"cross-sign-available self-signed-root-preferred expiry-cliff distrust-cliff\n"
	"chain-loops chain-too-long judge-budget, and the rule ids of the policy\n"
	"(see certchain(1), POLICIES)\n"
	"connection failures: refused timeout closed tls-alert not-tls resolve\n"
	"unreachable starttls-refused tls-error\n"
	"exit: 0 no error finding, 1 an error finding (some client or profile fails),\n"
	"2 usage or input error, 3 could not connect or handshake; with -f the\n"
	"highest exit code of any target\n";

/* Probes in flight: each holds one descriptor; stays under the usual 1024 limit. */
#define CHECK_MAX_CONCURRENCY 512
/* Longest --timeout: an hour is already useless for a checker. */
#define CHECK_MAX_TIMEOUT_S 3600.0

static void opts_clear(struct copts *o)
{
	cc_judge_cache_free(o->cache); /* before the profiles its judgements borrow */
	cc_pool_free(o->inter);
	cc_pool_free(o->anchors);
	cc_pool_free(o->withhold);
	cc_profiles_free(o->profs);
}

/* Parses check's options into *out (filled in place) and *flout and sets up the clients.
 * Returns -1 to go on (then *out owns pools and profiles: opts_clear), or
 * the exit code (--help: EXIT_OK; errors printed). *target: the HOST
 * argument, NULL with -f. */
static int configure(int argc, char **argv, struct copts *out, check_fleet_t *flout,
		     const char **target)
{
	static const struct option lo[] = {
		{ "targets", required_argument, 0, 'f' },
		{ "sni", required_argument, 0, 2 },
		{ "connect", required_argument, 0, 3 },
		{ "timeout", required_argument, 0, 4 },
		{ "json", no_argument, 0, 5 },
		{ "fix-out", required_argument, 0, 6 },
		{ "starttls", required_argument, 0, 7 },
		{ "concurrency", required_argument, 0, 8 },
		{ "expires-soon", required_argument, 0, 9 },
		{ "dns-server", required_argument, 0, 12 },
		{ "html", required_argument, 0, 13 },
		{ "resume", required_argument, 0, 14 },
		{ "shard", required_argument, 0, 15 },
		{ "no-cache", no_argument, 0, 40 },
		{ "horizon", required_argument, 0, 17 },
		{ "help", no_argument, 0, 'h' },
		CLI_AIA_LONGOPTS,
		CLI_CLIENT_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	struct copts *o = out; /* filled in place: its names point into its own buffers */
	cli_client_t cl = { .store = { .disabled = &o->withhold } };
	check_fleet_t fl = { 0 };
	cc_error_t err;
	int c, r, rc = EXIT_USAGE, no_aia = 0, no_cache = 0;
	char *end;
	double d;
	long l;

	*o = (struct copts){ .timeout_ms = CC_PROBE_TIMEOUT_MS, .concurrency = 32 };
	signal(SIGPIPE, SIG_IGN); /* a peer closing mid-handshake must not kill us */
	optind = 1;
	cc_error_clear(&err);
	while ((c = getopt_long(argc, argv, CLI_CLIENT_SHORTOPTS "f:h", lo, NULL)) != -1) {
		switch (c) {
		case 'f': o->targets = optarg; break;
		case 2:
			if (cli_host_arg("check", "--sni", optarg, o->snibuf, sizeof(o->snibuf)))
				goto out;
			o->sni = o->snibuf;
			break;
		case 3: o->connect = optarg; break;
		case 4:
			d = strtod(optarg, &end);
			if (*end || !(d > 0) || d > CHECK_MAX_TIMEOUT_S) {
				cli_usage_error("check", "--timeout: '%s' is not a number of "
							 "seconds in (0, %.0f]", optarg,
						CHECK_MAX_TIMEOUT_S);
				goto out;
			}
			o->timeout_ms = (int)(d * 1000 + 0.5) ? (int)(d * 1000 + 0.5) : 1;
			break;
		case 5: o->json = 1; break;
		case 6:
			if (cli_out_arg("check", "--fix-out", optarg))
				goto out;
			o->fix_out = optarg;
			break;
		case 7:
			if (cc_starttls_parse(optarg, &o->starttls)) {
				cli_usage_error("check", "--starttls: '%s' is not smtp, "
							 "imap, pop3, ftp, xmpp or postgres",
						optarg);
				goto out;
			}
			break;
		case 8:
			l = strtol(optarg, &end, 10);
			if (*end || l < 1 || l > CHECK_MAX_CONCURRENCY) {
				cli_usage_error("check", "--concurrency: '%s' is not in "
							 "1..%d", optarg, CHECK_MAX_CONCURRENCY);
				goto out;
			}
			o->concurrency = (int)l;
			break;
		case 9:
			l = strtol(optarg, &end, 10);
			if (*end || l <= 0 || l > 36500) {
				cli_usage_error("check", "--expires-soon: '%s' is not a "
							 "positive number of days", optarg);
				goto out;
			}
			o->ao.expires_soon_days = (int)l;
			break;
		case 12: o->dns = optarg; break;
		case 13: fl.html = optarg; break;
		case 14: fl.resume = optarg; break;
		case 40: no_cache = 1; break;
		case 15:
			if (check_fleet_shard_arg(&fl, optarg))
				goto out;
			break;
		case 17:
			if (cli_horizon("check", optarg, &o->horizon))
				goto out;
			break;
		case 'h': fputs(usage_text, stdout); rc = EXIT_OK; goto out;
		case CLI_AIA_ON: case CLI_AIA_OFF: case CLI_AIA_CACHE:
		case CLI_AIA_OFFLINE: case CLI_AIA_TIMEOUT: case CLI_AIA_FETCHES:
		case CLI_AIA_LOCAL:
			no_aia |= c == CLI_AIA_OFF;
			if (cli_aia_option("check", c, optarg, &o->aia))
				goto out;
			break;
		default:
			if ((r = cli_client_opt("check", &cl, c, optarg)) < 0)
				cli_bad_option("check", argv, lo);
			if (r)
				goto out;
		}
	}
	if (o->targets ? optind != argc : optind + 1 != argc) {
		cli_usage_error("check", o->targets ? "-f takes no HOST argument"
						   : "expected exactly one HOST[:PORT]");
		goto out;
	}
	if (!o->targets && (fl.html || fl.resume || fl.nshards)) {
		cli_usage_error("check", "--html, --resume and --shard work with -f");
		goto out;
	}
	if (o->targets && o->fix_out) {
		cli_usage_error("check", "--fix-out works on one target, not with -f");
		goto out;
	}
	if (!o->dns && getenv("CERTCHAIN_DNS_SERVER") && *getenv("CERTCHAIN_DNS_SERVER"))
		o->dns = getenv("CERTCHAIN_DNS_SERVER");
	if (o->dns && cc_dns_servers_check(o->dns, &err)) {
		cli_usage_error("check", "--dns-server: '%s' is not ADDR[:PORT][,...]", o->dns);
		goto out;
	}
	if (o->fix_out && !no_aia)
		o->aia.on = 1; /* the chain to write may need issuers nobody sent */
	o->inter = cc_pool_new();
	o->profs = cc_profiles_new();
	o->anchors = cc_pool_new();
	if (!o->inter || !o->profs || !o->anchors)
		goto out;
	for (size_t i = 0; i < cl.ninter; i++)
		if (cli_load(o->inter, cl.inter[i], 0, NULL))
			goto out;
	o->ao.at = cl.at;
	if (cl.host) {
		snprintf(o->hostbuf, sizeof(o->hostbuf), "%s", cl.host);
		o->ao.host = o->hostbuf;
	}
	o->ao.policy = cl.policy;
	/* the anchors considered: every profile's (-r is the profile "roots") */
	if (cli_profiles(o->profs, cl.specs, cl.nspecs, cl.roots, cl.nroots))
		goto out;
	if (cli_pool_merge(o->anchors, cc_profiles_pool(o->profs), &err)) {
		cli_fail(&err);
		goto out;
	}
	/* As build and verify: the store's intermediates repair, its roots
	 * trust (the profile "store"), its disabled certificates are never
	 * sent (client profiles keep them). */
	if (cli_store_add_profile(&cl.store, o->profs) ||
	    cli_store_apply(&cl.store, &o->inter, NULL, &o->anchors))
		goto out;
	cli_policy_apply(o->profs, o->ao.policy);
	/* One time for the whole scan (as given or now): the cache keys on it,
	 * and records do not depend on when in the scan a target came. */
	if (!o->ao.at)
		o->ao.at = time(NULL);
	if (o->targets && !no_cache && !(o->cache = cc_judge_cache_new(CC_JUDGE_CACHE_ENTRIES))) {
		fprintf(stderr, "certchain check: out of memory\n");
		goto out;
	}
	fl.targets = o->targets;
	fl.concurrency = o->concurrency;
	fl.json = o->json;
	*flout = fl;
	*target = o->targets ? NULL : argv[optind];
	rc = -1;
out:
	if (rc >= 0) /* nothing is handed over: free what was made */
		opts_clear(o);
	cli_client_free(&cl);
	return rc;
}


int cmd_check(int argc, char **argv)
{
	struct copts o;
	check_fleet_t fl;
	const char *target = NULL;
	int rc = configure(argc, argv, &o, &fl, &target);

	if (rc >= 0)
		return rc;
	rc = o.targets ? check_fleet(&o, &fl) : check_one(&o, target);
	opts_clear(&o);
	return rc;
}

/* --- serve: check's options and one record per request. */

struct copts *check_opts_new(int argc, char **argv, int ttl, int *rc)
{
	struct copts *o = calloc(1, sizeof(*o));
	check_fleet_t fl;
	const char *target = NULL;

	if (!o) {
		*rc = EXIT_USAGE;
		return NULL;
	}
	*rc = configure(argc, argv, o, &fl, &target);
	if (*rc >= 0) {
		free(o);
		return NULL;
	}
	/* serve: the judgement cache of check -f, keyed on the time rounded
	 * down to the TTL, so a served chain is judged once per TTL */
	o->time_step = ttl;
	if (ttl > 0 && !(o->cache = cc_judge_cache_new(CC_JUDGE_CACHE_ENTRIES))) {
		check_opts_free(o);
		fprintf(stderr, "certchain serve: out of memory\n");
		*rc = EXIT_USAGE;
		return NULL;
	}
	*rc = EXIT_OK;
	return o;
}

void check_opts_cache_stats(const struct copts *o, cc_judge_cache_stats_t *st)
{
	cc_judge_cache_stats(o->cache, st);
}

void check_opts_free(struct copts *o)
{
	if (o) {
		opts_clear(o);
		free(o);
	}
}

int check_opts_timeout_ms(const struct copts *o)
{
	return o->timeout_ms;
}

