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

/* --policy is the policy of the profiles that have none of their own (-r,
 * the store, -p NAME=PATH without ,policy=, system); a built-in profile and
 * a -p with ,policy= keep theirs (cc_profile_policy_own). */
void cli_policy_apply(cc_profiles_t *ps, int policy)
{
	cc_profiles_follow_policy(ps, policy);
}
