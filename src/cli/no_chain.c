/* no_chain.c - what export and bind say about the chain they choose: when
 * none is trusted, the missing issuer by name, key id and CA Issuers URL
 * (else why the closest path fails); when one is, the cross-sign it leaves
 * out, if any. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_no_chain(const char *cmd, cc_cert_t *leaf, cc_pool_t *pool,
		 cc_pool_t *anchors, const cc_error_t *err)
{
	int exp = !strcmp(cmd, "export");
	cc_missing_t m;
	cc_buf_t b = { 0 };
	char line[1200];

	cc_error_line(err, line, sizeof(line));
	if (cc_missing_issuer(leaf, pool, anchors, &m) > 0) {
		cc_missing_text(&m, &b);
		cc_missing_clear(&m);
		fprintf(stderr, "certchain %s: %s: %s; import it (certchain store import "
				"FILE)%s\n", cmd, line, b.s ? b.s : "",
			exp ? ", give it with -I FILE, or give the chain with --chain FILE"
			    : "");
		cc_buf_clear(&b);
	} else {
		fprintf(stderr, "certchain %s: %s; give the clients' trust anchors "
				"(-p, -r or the store's roots)%s\n", cmd, line,
			exp ? ", or the chain with --chain FILE" : "");
	}
	return EXIT_PROBLEM;
}

void cli_twin_note(const char *cmd, const cc_buf_t *note)
{
	if (note->s && note->s[0])
		fprintf(stderr, "certchain %s: note: %s\n", cmd, note->s);
}

int cli_horizon(const char *cmd, const char *arg, int *days)
{
	char *end;
	long l = strtol(arg, &end, 10);

	if (*end || l < 1 || l > 36500)
		return cli_usage_error(cmd, "--horizon: '%s' is not a number of days "
					    "in 1..36500", arg);
	*days = (int)l;
	return 0;
}
