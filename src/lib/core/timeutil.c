/* timeutil.c - RFC 3339 in and out. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cc_time_str(time_t t, char out[32])
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "invalid");
	return out;
}

/* Days of month mo (1-12) of year y: "2026-02-30" is no date (timegm
 * would quietly make it March 2). */
static int days_in(int y, int mo)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return mo == 2 && leap ? 29 : dm[mo - 1];
}

int cc_time_parse(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, oh = 0, om = 0;
	const char *rest;
	char sign;

	if (!s || !*s)
		return CC_EINVAL;
	if (s[0] == '@') {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || *end)
			return CC_EINVAL;
		*out = (time_t)v;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return CC_EINVAL;
	rest = s + n;
	if (*rest == 'T' || *rest == 't' || *rest == ' ') {
		if (sscanf(rest + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3)
			return CC_EINVAL;
		rest += 1 + n;
		if (*rest == '.') /* fractional seconds: ignored */
			for (rest++; isdigit((unsigned char)*rest); rest++)
				;
		if (*rest == 'Z' || *rest == 'z') {
			rest++;
		} else if (*rest == '+' || *rest == '-') {
			sign = *rest;
			if (sscanf(rest + 1, "%2d:%2d%n", &oh, &om, &n) != 2)
				return CC_EINVAL;
			rest += 1 + n;
			if (sign == '-') {
				oh = -oh;
				om = -om;
			}
		} else {
			return CC_EINVAL; /* RFC 3339 requires a zone */
		}
	}
	if (*rest || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || h > 23 ||
	    mi > 59 || sec > 60)
		return CC_EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm) - (time_t)(oh * 3600 + om * 60);
	return 0;
}
