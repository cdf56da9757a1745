/* policy_cli.c - the --policy option shared by build, verify, check,
 * export, bind and fix. */
#include "cli.h"

#include <string.h>

int cli_policy_arg(const char *cmd, const char *val, int *out)
{
	if (cc_policy_parse(val, out))
		return cli_usage_error(cmd, "--policy: '%s' is not webpki, "
					    "rfc5280 or legacy", val);
	return 0;
}

void cli_policy_apply(cc_profiles_t *ps, int policy)
{
	static const char *own[] = { "roots", "store" };

	for (size_t k = 0; k < sizeof(own) / sizeof(own[0]); k++) {
		int i = cc_profiles_find(ps, own[k]);
		if (i >= 0)
			cc_profile_set_policy(ps, (size_t)i, policy);
	}
}
