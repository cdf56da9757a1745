/*
 * fleet_html.c - the fleet report as one self-contained HTML page: inline
 * style and a few lines of inline script (the finding-id filter), nothing
 * fetched. Rows are written as records arrive, so memory does not grow with
 * the fleet; the page is renamed into place only when complete.
 */
#include "fleet.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cc_fleet_html {
	FILE *f;
	char path[4096], tmp[4200];
	size_t rows;
};

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1em;display:flex;"
	"flex-direction:column}#sum{order:-1}h1{font-size:1.3em;order:-2}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;"
	"vertical-align:top;text-align:left}tr.problems td.v,tr.connect-failed td.v,"
	"tr.bad-target td.v{background:#fdd}tr.warnings td.v{background:#ffd}"
	"tr.ok td.v{background:#dfd}ul{margin:0;padding-left:1.2em}"
	"td.f{min-width:22em}.c{white-space:nowrap;display:inline-block;border:1px solid #888;"
	"border-radius:4px;padding:1px 4px;margin:1px;background:#f6f6f6}"
	".c.x{border:2px dashed #a50;background:#fff3e0}.c.a{background:#e3eefc}"
	".c small{color:#555}pre{background:#f6f6f6;padding:.5em}";

/* The filter: show the rows whose data-ids hold the chosen finding id; a
 * link to page.html#f=ID opens the page filtered. */
static const char script[] =
	"var f=document.getElementById('f');f.onchange=function(){var v=f.value;"
	"var r=document.querySelectorAll('#t tbody tr');for(var i=0;i<r.length;i++)"
	"r[i].style.display=!v||r[i].getAttribute('data-ids').indexOf(' '+v+' ')>=0"
	"?'':'none';};if(location.hash.slice(0,3)=='#f='){"
	"f.value=decodeURIComponent(location.hash.slice(3));f.onchange();}";

static void esc(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

int cc_fleet_html_open(const char *path, const char *title, cc_fleet_html_t **out,
		       cc_error_t *err)
{
	cc_fleet_html_t *h = calloc(1, sizeof(*h));
	int fd;

	*out = NULL;
	if (!h)
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	snprintf(h->path, sizeof(h->path), "%s", path);
	snprintf(h->tmp, sizeof(h->tmp), "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(h->tmp)) < 0 || fchmod(fd, 0644) || !(h->f = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(h->tmp);
		}
		free(h);
		return cc_err(err, CC_EIO, path, "cannot create: %s", strerror(e));
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<title>", h->f);
	esc(h->f, title);
	fprintf(h->f, "</title><style>%s</style></head>\n<body>\n<h1>", style);
	esc(h->f, title);
	fputs("</h1>\n<table id=\"t\"><thead><tr><th>line</th><th>target</th>"
	      "<th>verdict</th><th>findings</th><th>served chain (as sent)</th>"
	      "<th>chain to serve</th></tr></thead><tbody>\n", h->f);
	*out = h;
	return 0;
}

static void cert(FILE *f, const cc_fleet_cert_t *c, int last)
{
	fprintf(f, "<span class=\"c%s\" title=\"SHA-256 ", c->cross_sign ? " x" : "");
	esc(f, c->sha256);
	fputs("\">", f);
	esc(f, c->cn);
	if (c->cross_sign) {
		fputs(" <small>cross-signed by ", f);
		esc(f, c->issuer_cn);
		fputs("</small>", f);
	} else if (c->self_signed) {
		fputs(" <small>self-signed root</small>", f);
	}
	fputs("</span>", f);
	if (!last)
		fputs(" &rarr; ", f);
}

/* leaf -> intermediates -> the anchor (named by the last one's issuer). */
static void chain(FILE *f, const cc_fleet_cert_t *v, size_t n, int anchor)
{
	fputs("<div class=\"ch\">", f);
	for (size_t i = 0; i < n; i++)
		cert(f, &v[i], i + 1 == n && !(anchor && !v[i].self_signed));
	if (anchor && n && !v[n - 1].self_signed) {
		fputs("<span class=\"c a\">", f);
		esc(f, v[n - 1].issuer_cn);
		fputs(" <small>anchor, not sent</small></span>", f);
	}
	fputs("</div>", f);
}

static void findings(FILE *f, const cc_fleet_rec_t *r)
{
	if (r->failure[0]) {
		fputs("<b>", f);
		esc(f, r->failure);
		fputs("</b>: ", f);
		esc(f, r->reason);
		return;
	}
	if (!r->nfind)
		return;
	fputs("<ul>", f);
	for (size_t i = 0; i < r->nfind; i++) {
		fputs("<li class=\"", f);
		esc(f, r->find[i].severity);
		fputs("\"><b>", f);
		esc(f, r->find[i].id);
		fputs("</b> ", f);
		esc(f, r->find[i].msg);
		fputs("</li>", f);
	}
	fputs("</ul>", f);
}

int cc_fleet_html_add(cc_fleet_html_t *h, const cc_fleet_rec_t *r, cc_error_t *err)
{
	FILE *f = h->f;

	fputs("<tr class=\"", f);
	esc(f, r->verdict);
	fputs("\" data-ids=\" ", f);
	for (size_t i = 0; i < r->nfind; i++) {
		esc(f, r->find[i].id);
		fputc(' ', f);
	}
	if (r->failure[0]) {
		esc(f, r->failure);
		fputc(' ', f);
	}
	fprintf(f, "\"><td>%ld</td><td>", r->line);
	esc(f, r->target);
	fputs("</td><td class=\"v\">", f);
	esc(f, r->verdict);
	if (r->profiles)
		fprintf(f, "<br><small>trusted by %zu/%zu profiles</small>", r->trusted_by,
			r->profiles);
	fputs("</td><td class=\"f\">", f);
	findings(f, r);
	fputs("</td><td>", f);
	chain(f, r->served, r->nserved, 0);
	fputs("</td><td>", f);
	if (r->has_fix && r->fix_changed)
		chain(f, r->fix, r->nfix, 1);
	else if (r->has_fix)
		fputs("the served chain", f);
	else if (!r->failure[0] && r->nserved)
		fputs("none found", f);
	fputs("</td></tr>\n", f);
	h->rows++;
	if (ferror(f))
		return cc_err(err, CC_EIO, h->path, "cannot write: %s", strerror(errno));
	return 0;
}

static void summary(FILE *f, const cc_fleet_summary_t *s)
{
	const char *ids[64];
	size_t n = cc_fleet_summary_ids(s, ids, 64);
	cc_buf_t b = { 0 };

	fputs("</tbody></table>\n<section id=\"sum\"><label>show targets with "
	      "finding: <select id=\"f\"><option value=\"\">(all targets)</option>", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<option>", f);
		esc(f, ids[i]);
		fputs("</option>", f);
	}
	fputs("</select></label>\n<pre>", f);
	cc_fleet_summary_text(s, &b);
	esc(f, b.s ? b.s : "");
	cc_buf_clear(&b);
	fprintf(f, "</pre></section>\n<script>%s</script>\n</body></html>\n", script);
}

int cc_fleet_html_close(cc_fleet_html_t *h, const cc_fleet_summary_t *s, cc_error_t *err)
{
	char dir[4096];
	int e = 0;

	summary(h->f, s);
	if (fflush(h->f) || ferror(h->f) || fsync(fileno(h->f)))
		e = errno ? errno : EIO;
	if (fclose(h->f) && !e)
		e = errno;
	h->f = NULL;
	if (!e && rename(h->tmp, h->path))
		e = errno;
	if (e) {
		int r = cc_err(err, CC_EIO, h->path, "cannot write: %s", strerror(e));
		unlink(h->tmp);
		free(h);
		return r;
	}
	snprintf(dir, sizeof(dir), "%s", h->path);
	cc_fsync_dir(dirname(dir));
	free(h);
	return 0;
}

void cc_fleet_html_abort(cc_fleet_html_t *h)
{
	if (!h)
		return;
	if (h->f)
		fclose(h->f);
	unlink(h->tmp);
	free(h);
}
