/* serve_prom.c - one probe's record (check --json) as Prometheus text
 * exposition, in the blackbox_exporter multi-target style: the target is the
 * scrape's parameter, so no metric carries it as a label. */
#include "serve.h"

#include <string.h>

/* A label value: backslash, double quote and newline escaped. */
static void lab(cc_buf_t *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			cc_buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			cc_buf_printf(b, "\\n");
		else
			cc_buf_printf(b, "%c", *s);
	}
}

static void head(cc_buf_t *b, const char *name, const char *type, const char *help)
{
	cc_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static time_t when(const char *s)
{
	time_t t = 0;

	return s && *s && !cc_time_parse(s, &t) ? t : 0;
}

/* The notAfter of the served certificate with this SHA-256, 0 when the
 * path's certificate was not served (an anchor: its date is not known). */
static time_t not_after_of(json_t *served, const char *fp)
{
	size_t i;
	json_t *c;

	json_array_foreach(served, i, c)
		if (!strcmp(serve_str(c, "sha256"), fp))
			return when(serve_str(c, "not_after"));
	return 0;
}

static void trust(cc_buf_t *b, json_t *rec)
{
	json_t *tr = json_object_get(rec, "trust"), *v = json_object_get(tr, "verdicts");
	json_t *served = json_object_get(rec, "served"), *x, *g;
	const char *k;
	size_t i, j;

	head(b, "certchain_chain_trusted", "gauge",
	     "1 when the client of this trust profile accepts the chain as served.");
	json_array_foreach(v, i, x) {
		cc_buf_printf(b, "certchain_chain_trusted{profile=\"");
		lab(b, serve_str(x, "profile"));
		cc_buf_printf(b, "\",group=\"");
		lab(b, serve_str(x, "group"));
		cc_buf_printf(b, "\"} %d\n", json_is_true(json_object_get(x, "trusted")));
	}
	head(b, "certchain_clients_trusted_ratio", "gauge",
	     "Share of a group's trust profiles that accept the chain as served.");
	json_object_foreach(json_object_get(tr, "groups"), k, g) {
		json_int_t n = json_integer_value(json_object_get(g, "profiles"));
		json_int_t t = json_integer_value(json_object_get(g, "trusted_by"));

		if (n <= 0)
			continue;
		cc_buf_printf(b, "certchain_clients_trusted_ratio{group=\"");
		lab(b, k);
		cc_buf_printf(b, "\"} %g\n", (double)t / (double)n);
	}
	/* When each trusting client stops trusting the chain: the first served
	 * certificate of its path to expire. */
	head(b, "certchain_expiry_cliff_timestamp_seconds", "gauge",
	     "When the chain as served stops being trusted by a profile (the first "
	     "expiry on its path), Unix time.");
	json_array_foreach(v, i, x) {
		time_t first = 0, t;
		json_t *fp;

		if (!json_is_true(json_object_get(x, "trusted")))
			continue;
		json_array_foreach(json_object_get(x, "path"), j, fp) {
			t = not_after_of(served, json_string_value(fp) ? json_string_value(fp) : "");
			if (t && (!first || t < first))
				first = t;
		}
		if (!first)
			continue;
		cc_buf_printf(b, "certchain_expiry_cliff_timestamp_seconds{profile=\"");
		lab(b, serve_str(x, "profile"));
		cc_buf_printf(b, "\"} %lld\n", (long long)first);
	}
}

static void findings(cc_buf_t *b, json_t *rec)
{
	json_t *f = json_object_get(rec, "findings"), *x, *y;
	size_t i, j;

	head(b, "certchain_finding", "gauge",
	     "Findings on the chain as served, by id and severity (their count).");
	json_array_foreach(f, i, x) {
		int n = 0, seen = 0;

		/* one line per id and severity, the first time it appears */
		json_array_foreach(f, j, y) {
			if (strcmp(serve_str(x, "id"), serve_str(y, "id")) ||
			    strcmp(serve_str(x, "severity"), serve_str(y, "severity")))
				continue;
			if (j < i)
				seen = 1;
			n++;
		}
		if (seen)
			continue;
		cc_buf_printf(b, "certchain_finding{id=\"");
		lab(b, serve_str(x, "id"));
		cc_buf_printf(b, "\",severity=\"");
		lab(b, serve_str(x, "severity"));
		cc_buf_printf(b, "\"} %d\n", n);
	}
}

static void certs(cc_buf_t *b, json_t *rec)
{
	json_t *c;
	size_t i;

	head(b, "certchain_cert_not_after_seconds", "gauge",
	     "notAfter of each served certificate, Unix time.");
	json_array_foreach(json_object_get(rec, "served"), i, c) {
		cc_buf_printf(b, "certchain_cert_not_after_seconds{position=\"%zu\",cn=\"", i);
		lab(b, serve_str(c, "subject_cn"));
		cc_buf_printf(b, "\",sha256=\"");
		lab(b, serve_str(c, "sha256"));
		cc_buf_printf(b, "\"} %lld\n", (long long)when(serve_str(c, "not_after")));
	}
}

void serve_prom_probe(cc_buf_t *b, json_t *rec, double seconds)
{
	const char *result = serve_str(rec, "result");
	int ok = !strcmp(result, "ok") || !strcmp(result, "problems");

	head(b, "certchain_probe_success", "gauge",
	     "1 when the handshake succeeded and the chain was judged.");
	cc_buf_printf(b, "certchain_probe_success %d\n", ok);
	head(b, "certchain_probe_duration_seconds", "gauge",
	     "Time the probe and its judgement took.");
	cc_buf_printf(b, "certchain_probe_duration_seconds %.6f\n", seconds);
	if (!ok)
		return;
	head(b, "certchain_chain_ok", "gauge",
	     "1 when check finds no error on the chain as served (exit 0).");
	cc_buf_printf(b, "certchain_chain_ok %d\n", !strcmp(result, "ok"));
	trust(b, rec);
	findings(b, rec);
	certs(b, rec);
}
