/* serve_page.c - the checker page of `certchain serve`: a form, and check's
 * record rendered for a person (served chain, findings with advice, each
 * client's verdict, the chain to serve with a download, a timeline of
 * expiries). Server-rendered, no script, no external asset; every string
 * that came from a user or a server is escaped. */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

void serve_html_esc(cc_buf_t *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': cc_buf_printf(b, "&amp;"); break;
		case '<': cc_buf_printf(b, "&lt;"); break;
		case '>': cc_buf_printf(b, "&gt;"); break;
		case '"': cc_buf_printf(b, "&quot;"); break;
		case '\'': cc_buf_printf(b, "&#39;"); break;
		default: cc_buf_printf(b, "%c", *s);
		}
	}
}

const char *serve_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* What to do about a finding, in a sentence, by its stable id. */
static const char *advice(const char *id)
{
	static const struct { const char *id, *text; } a[] = {
		{ "incomplete-chain", "Serve the missing intermediate: the chain to serve below has it." },
		{ "wrong-order", "Send the leaf first, then each certificate followed by its issuer." },
		{ "duplicate-cert", "Send each certificate once." },
		{ "anchor-sent", "Leave the root out: clients have it already." },
		{ "unrelated-cert", "Remove the certificate that belongs to another chain." },
		{ "expired", "Replace the expired certificate (a renewed one, or another path)." },
		{ "not-yet-valid", "Check the server's clock and the certificate's start date." },
		{ "expires-soon", "Renew before the date." },
		{ "hostname-mismatch", "Get a certificate that names this host." },
		{ "weak-signature", "Replace certificates signed with SHA-1 or MD5." },
		{ "untrusted", "Serve the chain below: it reaches roots these clients have." },
		{ "cross-sign-available", "Serve the cross-sign so that older clients reach a root they have." },
		{ "self-signed-root-preferred", "Serve the cross-sign instead of the self-signed root." },
		{ "expiry-cliff", "Plan the chain to serve after that date (see the timeline)." },
	};

	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (!strcmp(a[i].id, id))
			return a[i].text;
	return "";
}

static void head(cc_buf_t *b)
{
	cc_buf_printf(b,
		"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		"<title>certchain: TLS chain checker</title><style>"
		"body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60em;padding:0 1em}"
		"input,textarea,button{font:inherit;max-width:100%%;box-sizing:border-box}"
		"input[name=target]{width:22em}textarea{width:100%%;height:8em;font-family:monospace}"
		"table{border-collapse:collapse;width:100%%}td,th{border-bottom:1px solid #ddd;"
		"padding:.3em;text-align:left;vertical-align:top}"
		".error{color:#a00}.warning{color:#a60}.ok{color:#070}code.fp{word-break:break-all}li{overflow-wrap:anywhere}td{overflow-wrap:break-word}"
		"ul.findings{padding-left:1.2em}ul.findings li{margin:.4em 0}"
		"ol.tree{list-style:none;padding-left:0}ol.tree li{margin-left:calc(var(--d)*1.2em)}"
		"</style></head><body>\n<h1>TLS chain checker</h1>\n");
}

static void forms(cc_buf_t *b, const char *target, const char *sni)
{
	cc_buf_printf(b, "<form id=\"check\" method=\"get\" action=\"/\"><label>Server "
			 "<input name=\"target\" placeholder=\"host[:port]\" required value=\"");
	serve_html_esc(b, target);
	cc_buf_printf(b, "\"></label> <label>SNI <input name=\"sni\" placeholder=\"optional\" value=\"");
	serve_html_esc(b, sni);
	cc_buf_printf(b, "\"></label> <button>Check</button></form>\n"
			 "<form id=\"paste\" method=\"post\" action=\"/chain\"><label>Or paste a "
			 "certificate (PEM, leaf first) to get the chain to serve:<br>"
			 "<textarea name=\"pem\"></textarea></label><button>Chain to serve</button>"
			 "</form>\n");
}

static void cert_li(cc_buf_t *b, json_t *c, int depth)
{
	cc_buf_printf(b, "<li style=\"--d:%d\"><b>", depth);
	serve_html_esc(b, serve_str(c, "subject_cn")[0] ? serve_str(c, "subject_cn") : serve_str(c, "subject"));
	cc_buf_printf(b, "</b><br>issued by ");
	serve_html_esc(b, serve_str(c, "issuer_cn")[0] ? serve_str(c, "issuer_cn") : serve_str(c, "issuer"));
	cc_buf_printf(b, ", %s, expires %.10s<br><code class=\"fp\">sha256 ", serve_str(c, "key"),
		      serve_str(c, "not_after"));
	serve_html_esc(b, serve_str(c, "sha256"));
	cc_buf_printf(b, "</code></li>\n");
}

static void chain(cc_buf_t *b, const char *id, json_t *list)
{
	json_t *c;
	size_t i;

	cc_buf_printf(b, "<ol class=\"tree\" id=\"%s\">\n", id);
	json_array_foreach(list, i, c)
		cert_li(b, c, (int)i);
	cc_buf_printf(b, "</ol>\n");
}

static void findings(cc_buf_t *b, json_t *rec)
{
	json_t *f = json_object_get(rec, "findings"), *x;
	size_t i;

	cc_buf_printf(b, "<h3>Findings</h3>\n");
	if (!json_array_size(f)) {
		cc_buf_printf(b, "<p id=\"findings\" class=\"ok\">none</p>\n");
		return;
	}
	cc_buf_printf(b, "<ul class=\"findings\" id=\"findings\">\n");
	json_array_foreach(f, i, x) {
		cc_buf_printf(b, "<li data-id=\"");
		serve_html_esc(b, serve_str(x, "id"));
		cc_buf_printf(b, "\" class=\"");
		serve_html_esc(b, serve_str(x, "severity"));
		cc_buf_printf(b, "\">");
		serve_html_esc(b, serve_str(x, "severity"));
		cc_buf_printf(b, " <code>");
		serve_html_esc(b, serve_str(x, "id"));
		cc_buf_printf(b, "</code>: ");
		serve_html_esc(b, serve_str(x, "message"));
		if (*advice(serve_str(x, "id")))
			cc_buf_printf(b, "<br><i>%s</i>", advice(serve_str(x, "id")));
		cc_buf_printf(b, "</li>\n");
	}
	cc_buf_printf(b, "</ul>\n");
}

static void verdicts(cc_buf_t *b, json_t *trust, const char *id)
{
	json_t *x;
	size_t i;

	cc_buf_printf(b, "<table id=\"%s\"><tr><th>client</th><th>group</th><th>verdict</th>"
			 "<th>why</th></tr>\n", id);
	json_array_foreach(json_object_get(trust, "verdicts"), i, x) {
		int t = json_is_true(json_object_get(x, "trusted"));

		cc_buf_printf(b, "<tr data-profile=\"");
		serve_html_esc(b, serve_str(x, "profile"));
		cc_buf_printf(b, "\" data-trusted=\"%d\"><td>", t);
		serve_html_esc(b, serve_str(x, "profile"));
		cc_buf_printf(b, "</td><td>");
		serve_html_esc(b, serve_str(x, "group"));
		cc_buf_printf(b, "</td><td class=\"%s\">%s</td><td>", t ? "ok" : "error",
			      t ? "trusted" : "not trusted");
		serve_html_esc(b, serve_str(x, "reason"));
		cc_buf_printf(b, "</td></tr>\n");
	}
	cc_buf_printf(b, "</table>\n");
}

static void download(cc_buf_t *b, const char *pem)
{
	size_t n = strlen(pem);
	unsigned char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (!out)
		return;
	EVP_EncodeBlock(out, (const unsigned char *)pem, (int)n);
	cc_buf_printf(b, "<p><a id=\"download\" download=\"fullchain.pem\" "
			 "href=\"data:application/x-pem-file;base64,%s\">Download the chain "
			 "to serve (fullchain.pem, leaf first)</a></p>\n", out);
	free(out);
}

static int by_date(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every expiry of the served chain and of the chain to serve, and each
 * expiry-cliff finding, in date order. */
static void timeline(cc_buf_t *b, json_t *rec)
{
	json_t *lists[2] = { json_object_get(rec, "served"),
			     json_object_get(json_object_get(rec, "fix"), "chain") };
	char *ev[64];
	size_t n = 0, i;
	json_t *c;

	for (int l = 0; l < 2; l++)
		json_array_foreach(lists[l], i, c) {
			cc_buf_t e = { 0 };

			if (n == sizeof(ev) / sizeof(ev[0]))
				break;
			cc_buf_printf(&e, "%.10s\t", serve_str(c, "not_after"));
			serve_html_esc(&e, serve_str(c, "subject_cn")[0] ? serve_str(c, "subject_cn")
								   : serve_str(c, "subject"));
			cc_buf_printf(&e, " (sha256 %.16s) expires", serve_str(c, "sha256"));
			for (size_t k = 0; e.s && k < n; k++)
				if (!strcmp(ev[k], e.s)) {
					cc_buf_clear(&e);
					break;
				}
			if (e.s)
				ev[n++] = e.s;
		}
	qsort(ev, n, sizeof(ev[0]), by_date);
	cc_buf_printf(b, "<h3>Timeline</h3>\n<ol id=\"timeline\">\n");
	json_array_foreach(json_object_get(rec, "findings"), i, c)
		if (!strcmp(serve_str(c, "id"), "expiry-cliff")) {
			cc_buf_printf(b, "<li class=\"warning\" data-kind=\"cliff\">");
			serve_html_esc(b, serve_str(c, "message"));
			cc_buf_printf(b, "</li>\n");
		}
	for (i = 0; i < n; i++) {
		char *tab = strchr(ev[i], '\t');

		*tab = 0;
		cc_buf_printf(b, "<li data-kind=\"expiry\"><time>%s</time> %s</li>\n", ev[i], tab + 1);
		free(ev[i]);
	}
	cc_buf_printf(b, "</ol>\n");
}

static void result(cc_buf_t *b, json_t *rec, const char *pem)
{
	const char *r = serve_str(rec, "result");
	json_t *fix = json_object_get(rec, "fix"), *x;
	size_t i;

	cc_buf_printf(b, "<section id=\"result\" data-result=\"");
	serve_html_esc(b, r);
	cc_buf_printf(b, "\"><h2>");
	serve_html_esc(b, serve_str(rec, "target"));
	cc_buf_printf(b, "</h2>\n");
	if (!strcmp(r, "connect-failed")) {
		cc_buf_printf(b, "<p class=\"error\" id=\"verdict\">could not check: ");
		serve_html_esc(b, serve_str(rec, "reason"));
		cc_buf_printf(b, "</p></section>\n");
		return;
	}
	cc_buf_printf(b, "<p id=\"verdict\" class=\"%s\">%s</p>\n", strcmp(r, "ok") ? "error" : "ok",
		      strcmp(r, "ok") ? "Problems: some clients fail, see below"
				      : json_array_size(json_object_get(rec, "findings"))
					? "OK, with warnings" : "OK");
	if (*serve_str(rec, "peer")) {
		cc_buf_printf(b, "<p>");
		serve_html_esc(b, serve_str(rec, "peer"));
		cc_buf_printf(b, ", ");
		serve_html_esc(b, serve_str(rec, "tls_version"));
		cc_buf_printf(b, "</p>\n");
	}
	cc_buf_printf(b, "<h3>Served chain (as sent)</h3>\n");
	chain(b, "served", json_object_get(rec, "served"));
	findings(b, rec);
	cc_buf_printf(b, "<h3>Clients</h3>\n");
	verdicts(b, json_object_get(rec, "trust"), "verdicts");
	cc_buf_printf(b, "<h3>Chain to serve</h3>\n");
	if (!json_is_object(fix)) {
		cc_buf_printf(b, "<p id=\"fix\" class=\"error\">none found: no valid path from "
				 "the leaf with the certificates this checker has</p>\n");
	} else {
		cc_buf_printf(b, "<p id=\"fix\">%s</p>\n", json_is_true(json_object_get(fix, "changed"))
				 ? "Serve this chain instead:" : "The served chain is already the best chain.");
		chain(b, "fixchain", json_object_get(fix, "chain"));
		json_array_foreach(json_object_get(fix, "gains"), i, x) {
			cc_buf_printf(b, "<p class=\"gain\">");
			serve_html_esc(b, json_string_value(x));
			cc_buf_printf(b, "</p>\n");
		}
		if (json_object_get(fix, "trust")) {
			cc_buf_printf(b, "<h4>Clients, with the chain to serve</h4>\n");
			verdicts(b, json_object_get(fix, "trust"), "fixverdicts");
		}
		if (pem && *pem)
			download(b, pem);
	}
	timeline(b, rec);
	cc_buf_printf(b, "</section>\n");
}

void serve_page(cc_buf_t *b, const char *target, const char *sni, json_t *rec,
		const char *pem, const char *error)
{
	head(b);
	forms(b, target, sni);
	if (error) {
		cc_buf_printf(b, "<p id=\"error\" class=\"error\">");
		serve_html_esc(b, error);
		cc_buf_printf(b, "</p>\n");
	}
	if (rec)
		result(b, rec, pem);
	cc_buf_printf(b, "</body></html>\n");
}
