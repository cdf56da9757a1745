/* aia_cli.c - the AIA options and report shared by build and fix. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cli_aia_option(const char *cmd, int c, const char *arg, cli_aia_t *a)
{
	char *end;
	double d;
	unsigned long n;

	switch (c) {
	case CLI_AIA_ON: a->on = 1; break;
	case CLI_AIA_OFF: a->on = 0; break;
	case CLI_AIA_CACHE: a->on = 1; a->cache = arg; break;
	case CLI_AIA_OFFLINE: a->on = 1; a->offline = 1; break;
	case CLI_AIA_LOCAL: a->allow_local = 1; break;
	case CLI_AIA_TIMEOUT:
		d = strtod(arg, &end);
		if (*end || !(d > 0) || d > 3600)
			return cli_usage_error(cmd, "--aia-timeout: '%s' is not a number "
						    "of seconds (0 < S <= 3600)", arg);
		a->timeout_ms = (long)(d * 1000 + 0.5);
		if (a->timeout_ms < 1)
			a->timeout_ms = 1;
		break;
	case CLI_AIA_FETCHES:
		n = strtoul(arg, &end, 10);
		if (*end || !n || n > 1000)
			return cli_usage_error(cmd, "--aia-max-fetches: '%s' is not a "
						    "number from 1 to 1000", arg);
		a->max_fetches = (unsigned)n;
		break;
	default: return cli_usage_error(cmd, "bad option");
	}
	return 0;
}

void cli_aia_fill(cli_aia_t *a, time_t at, cc_aia_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->cache_dir = a->cache ? a->cache : cc_aia_default_cache(a->dflt, sizeof(a->dflt));
	o->offline = a->offline;
	o->at = at;
	o->timeout_ms = a->timeout_ms;
	/* The whole chase may take a few single fetches, not one hostile
	 * server's worth of stalls per certificate. */
	o->total_ms = a->timeout_ms ? 4 * a->timeout_ms : 0;
	o->max_fetches = a->max_fetches;
	memset(&a->policy, 0, sizeof(a->policy));
	a->policy.allow_local = a->allow_local;
	o->policy = &a->policy;
	/* HTTPS AIA servers are verified against the same system store
	 * certchain uses, SSL_CERT_FILE/SSL_CERT_DIR included. */
	o->ca_file = getenv("SSL_CERT_FILE");
	o->ca_dir = getenv("SSL_CERT_DIR");
}

int cli_aia_run(const char *cmd, cli_aia_t *a, cc_cert_t *leaf, cc_pool_t *pool,
		cc_pool_t *anchors, time_t at, cc_aia_result_t *res)
{
	cc_aia_opts_t o;
	cc_error_t err;

	if (!a->on)
		return 0;
	cc_error_clear(&err);
	cli_aia_fill(a, at, &o);
	if (a->offline && !o.cache_dir)
		return cli_usage_error(cmd, "--offline needs a cache: give --aia-cache "
					    "DIR (HOME and XDG_CACHE_HOME are unset)");
	if (cc_aia_complete(&o, leaf, pool, anchors, res, &err))
		return cli_fail(&err);
	return 0;
}

/* "; final URL U (address A)" for what went over the network. */
static void final_text(cc_buf_t *b, const cc_aia_fetch_t *f)
{
	if (!f->final_url[0])
		return;
	cc_buf_printf(b, "; final URL %s", f->final_url);
	if (f->address[0])
		cc_buf_printf(b, " (address %s)", f->address);
}

void cli_aia_text(cc_buf_t *b, const cc_aia_result_t *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const cc_aia_fetch_t *f = &r->v[i];
		if (f->status == CC_AIA_OK)
			cc_buf_printf(b, "aia: %s (issuer of %s): %s; %u certificate%s, "
					 "%u new", f->url, f->for_cn, f->msg, f->ncerts,
				      f->ncerts == 1 ? "" : "s", f->added);
		else
			cc_buf_printf(b, "aia: %s (issuer of %s): FAILED %s: %s", f->url,
				      f->for_cn, cc_aia_status_id(f->status), f->msg);
		final_text(b, f);
		if (f->status == CC_AIA_REFUSED && strstr(f->msg, "local addresses"))
			cc_buf_printf(b, " (--aia-allow-local allows loopback and "
					 "link-local addresses)");
		cc_buf_printf(b, "\n");
	}
}

json_t *cli_aia_json(const cc_aia_result_t *r)
{
	json_t *a = json_array();
	char t[32];

	for (size_t i = 0; a && i < r->n; i++) {
		const cc_aia_fetch_t *f = &r->v[i];
		if (json_array_append_new(
			    a, json_pack("{s:o,s:o,s:o,s:o,s:s,s:o,s:I,s:I,s:o,s:b,s:o,s:I,s:I}",
					 "url", cc_json_str(f->url), "final_url",
					 cli_json_opt(f->final_url), "address",
					 cli_json_opt(f->address), "for",
					 cc_json_str(f->for_cn), "status",
					 cc_aia_status_id(f->status), "message",
					 cc_json_str(f->msg), "http_status",
					 (json_int_t)f->http_code, "bytes",
					 (json_int_t)f->bytes, "seconds",
					 cli_json_fixed(f->seconds, 3), "from_cache",
					 f->from_cache, "fetched_at",
					 f->fetched_at ? json_string(cc_time_str(f->fetched_at, t))
						       : json_null(),
					 "certificates", (json_int_t)f->ncerts, "added",
					 (json_int_t)f->added))) {
			json_decref(a);
			return NULL;
		}
	}
	return json_pack("{s:I,s:I,s:o}", "added", (json_int_t)r->added, "fetches",
			 (json_int_t)r->fetches, "urls", a);
}
