/*
 * check_host.c - what every client says about the chain a live TLS server
 * sends: one handshake, then each trust profile's verdict on exactly the
 * certificates served.
 *
 *   cc check_host.c $(pkg-config --cflags --libs certchain) -o check_host
 *   ./check_host "$(pkg-config --variable=datadir certchain)" example.org 443 [PROFILE]...
 *
 * PROFILE is the --profile syntax of certchain (a built-in name, or
 * NAME=ROOTS.pem); without one, every built-in profile. Exit: 0 every
 * profile trusts the chain, 1 some do not, 2 an error (no TLS, bad input).
 */
#include <certchain.h>

#include <signal.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	cc_profiles_t *profs = cc_profiles_new();
	cc_pool_t *pool = cc_pool_new();
	cc_probe_opts_t po = { 0 };
	cc_probe_result_t res = { 0 };
	cc_judge_opts_t jo = { 0 };
	cc_verdicts_t v = { 0 };
	cc_error_t err;
	char line[1024];
	int rc = 2;

	cc_error_clear(&err);
	if (argc < 4) {
		fprintf(stderr, "usage: check_host DATADIR HOST PORT [PROFILE]...\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN); /* a peer closing early must not kill us */
	if (!profs || !pool)
		goto out;
	for (int i = 4; i < argc; i++)
		if (cc_profiles_add_spec(profs, argv[i], argv[1], &err))
			goto out;
	if (argc == 4 && cc_profiles_add_builtin(profs, argv[1], NULL, &err))
		goto out;
	po.host = argv[2];
	po.port = argv[3];
	if (cc_probe_run(&po, pool, &res, &err))
		goto out;
	if (res.fail != CC_PROBE_OK) {
		fprintf(stderr, "check_host: %s:%s: %s\n", argv[2], argv[3], res.reason);
		goto out;
	}
	jo.host = argv[2];
	if (cc_profiles_judge(profs, &res.served, NULL, &jo, &v, &err))
		goto out;
	printf("%s:%s sent %zu certificates (%s)\n", argv[2], argv[3], res.served.n,
	       res.version);
	for (size_t i = 0; i < v.n; i++)
		printf("%-24s %-9s %s\n", cc_profile_name(profs, v.v[i].profile),
		       v.v[i].trusted ? "trusted" : "REJECTED", v.v[i].reason);
	rc = v.ntrusted == v.n ? 0 : 1;
out:
	if (err.code)
		fprintf(stderr, "check_host: %s\n", cc_error_line(&err, line, sizeof(line)));
	cc_verdicts_clear(&v);
	cc_probe_result_clear(&res);
	cc_pool_free(pool);
	cc_profiles_free(profs);
	return rc;
}
