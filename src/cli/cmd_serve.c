/* cmd_serve.c - certchain serve: the checker as a web page, a JSON API and a
 * Prometheus multi-target exporter, on GNU libmicrohttpd. Every judgement is
 * check's (check_record): the page, the API and the probe say what
 * `certchain check --json` says of the same target. */
#include "check_fleet.h"
#include "serve.h"

#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

static const char usage_text[] =
	"usage: certchain serve --allow PATTERN... [OPTIONS]\n"
	"\n"
	"Runs the checker as a web service in the foreground: a page (GET /),\n"
	"check's JSON record (GET /api/check?target=HOST[:PORT][&sni=NAME]), a\n"
	"Prometheus probe (GET /probe?target=...), its own metrics (GET /metrics)\n"
	"and GET /healthz. Only targets --allow admits are probed: a name must\n"
	"match a name pattern, and the address actually dialled (after\n"
	"resolution) must be in a CIDR; anything else is 403 before any\n"
	"connection. One log line per request on stderr; SIGTERM/SIGINT stop it.\n"
	"\n"
	"      --listen ADDR:PORT        where to listen (127.0.0.1:8478; IPv6\n"
	"                                [ADDR]:PORT; an address, not a name)\n"
	"      --allow PATTERN           a CIDR (10.0.0.0/8, 127.0.0.1, ::1/128) or a\n"
	"                                host name (www.example.com, *.corp.example);\n"
	"                                repeatable, at least one\n"
	"  -p, --profile SPEC            judge per trust profile (as check; repeatable)\n"
	"  -r, --roots FILE|DIR          trust anchors: the profile \"roots\"\n"
	"  -I, --intermediates FILE|DIR  certificates that may complete the chain to serve\n"
	"      --store DIR | --no-store  the certificate store (as check)\n"
	CLI_POLICY_USAGE
	"      --timeout SECONDS         deadline per probe (10)\n"
	"      --dns-server ADDR[:PORT]  name servers to ask (as check)\n"
	"      --max-concurrency N       probes in flight at once (16, at most 512);\n"
	"                                more requests wait for a slot\n"
	"      --cache-ttl SECONDS       answer a target again from the last probe for\n"
	"                                SECONDS (60; 0 = always probe)\n"
	"      --rate-limit N            requests per minute from one client address\n"
	"                                (600); more get 429\n"
	"  -h, --help                    this text\n"
	"\n"
	"The checker never fetches AIA (no request leaves for an address the\n"
	"allow-list did not admit) and never reads the store's private keys.\n"
	"exit: 0 stopped by a signal, 2 usage error or cannot listen\n";

/* 8478: outside Prometheus' exporter range (9100-9999, all allocated), not
 * an alternative HTTP/HTTPS port (8000, 8080, 8443, 8888) and not in
 * /etc/services. */
#define SERVE_PORT "8478"
/* The largest request body (the paste form): a PEM chain of 10 large
 * certificates is about 25 KiB. */
#define SERVE_MAX_BODY (64 * 1024)
/* Targets remembered by the answer cache: one per monitored endpoint;
 * 1,024 bounds memory at about 20 MiB of records. */
#define SERVE_CACHE_MAX 1024
/* Client addresses tracked by the rate limit; the oldest window is reused. */
#define SERVE_RATE_SLOTS 1024
/* Connections at once: probes wait for a slot, /healthz must still answer. */
#define SERVE_MAX_CONNECTIONS 1024
#define SERVE_MAX_CONCURRENCY 512

enum { EP_PAGE, EP_CHAIN, EP_API, EP_PROBE, EP_METRICS, EP_HEALTH, EP_OTHER, EP_N };
static const char *const ep_name[EP_N] = { "page", "chain", "api", "probe",
					   "metrics", "healthz", "other" };
static const int codes[] = { 200, 400, 403, 404, 405, 413, 429, 500, 503 };
#define NCODES (sizeof(codes) / sizeof(codes[0]))

struct entry {
	char *key, *rec, *pem;
	time_t at;
};

struct rate {
	char addr[INET6_ADDRSTRLEN];
	time_t window;
	unsigned n;
};

struct serve {
	struct copts *o;
	serve_allowlist_t allow;
	int ttl, max_probes, rate_limit, timeout_ms;
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t slot;
	int in_flight;
	struct entry cache[SERVE_CACHE_MAX];
	size_t ncache;
	struct rate rates[SERVE_RATE_SLOTS];
	unsigned long long requests[EP_N][NCODES], probes, probe_errors, hits, misses,
		denied, limited;
};

/* One request's body (the paste form), gathered across calls. */
struct req {
	struct MHD_PostProcessor *pp;
	cc_buf_t pem;
	int too_big;
	struct timespec start;
};

static double since(const struct timespec *t)
{
	struct timespec n;

	clock_gettime(CLOCK_MONOTONIC, &n);
	return (double)(n.tv_sec - t->tv_sec) + (double)(n.tv_nsec - t->tv_nsec) / 1e9;
}

static void peer_addr(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, n, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

static void count(struct serve *s, int ep, int code)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i] == code)
			s->requests[ep][i]++;
	pthread_mutex_unlock(&s->lock);
}

/* Queues the response (takes b's text) and logs the request in one line. */
static enum MHD_Result reply(struct serve *s, struct MHD_Connection *c, int ep, int code,
			     const char *type, cc_buf_t *b, const char *method,
			     const char *url, const struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	const char *target = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "target");
	char addr[INET6_ADDRSTRLEN];
	size_t n = b->s ? b->n : 0;
	char *body = b->s ? b->s : strdup("");

	b->s = NULL;
	cc_buf_clear(b);
	resp = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (!strncmp(type, "text/html", 9))
		MHD_add_response_header(resp, "Content-Security-Policy",
					"default-src 'none'; style-src 'unsafe-inline'; "
					"form-action 'self'; base-uri 'none'");
	ret = MHD_queue_response(c, (unsigned)code, resp);
	MHD_destroy_response(resp);
	count(s, ep, code);
	peer_addr(c, addr, sizeof(addr));
	/* the target is logged as given, cut and without control characters */
	fprintf(stderr, "certchain serve: %s %s %s%s%.200s %d %.1f ms\n", addr, method, url,
		target ? " target=" : "", target ? target : "", code,
		r ? since(&r->start) * 1000 : 0.0);
	return ret;
}

static enum MHD_Result text(struct serve *s, struct MHD_Connection *c, int ep, int code,
			    const char *method, const char *url, const struct req *r,
			    const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static enum MHD_Result text(struct serve *s, struct MHD_Connection *c, int ep, int code,
			    const char *method, const char *url, const struct req *r,
			    const char *fmt, ...)
{
	cc_buf_t b = { 0 };
	char line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	cc_buf_printf(&b, "%s\n", line);
	return reply(s, c, ep, code, "text/plain; charset=utf-8", &b, method, url, r);
}

/* 1 when this client is over its requests per minute. */
static int limited(struct serve *s, struct MHD_Connection *c)
{
	char addr[INET6_ADDRSTRLEN];
	time_t now = time(NULL), w = now / 60;
	struct rate *slot = NULL, *old = &s->rates[0];
	int over;

	if (!s->rate_limit)
		return 0;
	peer_addr(c, addr, sizeof(addr));
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < SERVE_RATE_SLOTS && !slot; i++) {
		if (!strcmp(s->rates[i].addr, addr))
			slot = &s->rates[i];
		else if (s->rates[i].window < old->window)
			old = &s->rates[i];
	}
	if (!slot) {
		slot = old;
		snprintf(slot->addr, sizeof(slot->addr), "%s", addr);
		slot->window = w;
		slot->n = 0;
	}
	if (slot->window != w) {
		slot->window = w;
		slot->n = 0;
	}
	over = ++slot->n > (unsigned)s->rate_limit;
	s->limited += (unsigned)over;
	pthread_mutex_unlock(&s->lock);
	return over;
}

/* A target as a query gives it: HOST[:PORT], [V6]:PORT; an SNI: a name.
 * Bytes past ASCII are a U-label's UTF-8, which cli_host_norm then checks
 * (and turns into the A-label) before anything is looked up. */
static int valid_arg(const char *v, int target)
{
	if (!v || !*v || strlen(v) > 300)
		return 0;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		      (*v >= '0' && *v <= '9') || *v == '.' || *v == '-' ||
		      (unsigned char)*v >= 0x80 ||
		      (target && (*v == ':' || *v == '[' || *v == ']'))))
			return 0;
	return 1;
}

static struct entry *cache_find(struct serve *s, const char *key)
{
	for (size_t i = 0; i < s->ncache; i++)
		if (!strcmp(s->cache[i].key, key))
			return &s->cache[i];
	return NULL;
}

static void cache_put(struct serve *s, const char *key, const char *rec, const char *pem)
{
	struct entry *e;

	pthread_mutex_lock(&s->lock);
	e = cache_find(s, key);
	if (!e && s->ncache < SERVE_CACHE_MAX) {
		e = &s->cache[s->ncache++];
	} else if (!e) {
		e = &s->cache[0];
		for (size_t i = 1; i < s->ncache; i++)
			if (s->cache[i].at < e->at)
				e = &s->cache[i];
	}
	free(e->key);
	free(e->rec);
	free(e->pem);
	e->key = strdup(key);
	e->rec = strdup(rec);
	e->pem = strdup(pem ? pem : "");
	e->at = time(NULL);
	if (!e->key || !e->rec || !e->pem) { /* out of memory: forget it */
		free(e->key);
		free(e->rec);
		free(e->pem);
		*e = s->cache[--s->ncache];
		memset(&s->cache[s->ncache], 0, sizeof(s->cache[0]));
	}
	pthread_mutex_unlock(&s->lock);
}

/* The record for target/sni: from the cache within the TTL, else a probe
 * (waiting for one of max_probes slots). *rec and *pem are the caller's
 * (free()). Returns 0, or -1 when no slot came free within the timeout. */
static int record(struct serve *s, const char *target, const char *sni, char **rec,
		  char **pem)
{
	char key[700];
	cc_buf_t b = { 0 }, p = { 0 };
	struct entry *e;
	struct timespec until;
	int rc = 0;

	snprintf(key, sizeof(key), "%s\n%s", target, sni ? sni : "");
	*rec = *pem = NULL;
	pthread_mutex_lock(&s->lock);
	e = s->ttl ? cache_find(s, key) : NULL;
	if (e && time(NULL) - e->at < s->ttl) {
		*rec = strdup(e->rec);
		*pem = strdup(e->pem);
		s->hits++;
		pthread_mutex_unlock(&s->lock);
		return *rec && *pem ? 0 : -1;
	}
	s->misses++;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += s->timeout_ms / 1000 + 1;
	while (s->in_flight >= s->max_probes && rc == 0)
		rc = pthread_cond_timedwait(&s->slot, &s->lock, &until);
	if (rc) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	s->in_flight++;
	s->probes++;
	pthread_mutex_unlock(&s->lock);

	rc = check_record(s->o, target, sni, serve_allow_addr, &s->allow, &b, &p);

	pthread_mutex_lock(&s->lock);
	s->in_flight--;
	pthread_cond_signal(&s->slot);
	if (rc == EXIT_CONNECT || rc == EXIT_USAGE)
		s->probe_errors++;
	pthread_mutex_unlock(&s->lock);
	if (b.oom || !b.s) {
		cc_buf_clear(&b);
		cc_buf_clear(&p);
		return -1;
	}
	if (s->ttl)
		cache_put(s, key, b.s, p.s);
	*rec = b.s;
	*pem = p.s ? p.s : strdup("");
	return 0;
}

static void metrics(struct serve *s, cc_buf_t *b)
{
	cc_judge_cache_stats_t st;

	check_opts_cache_stats(s->o, &st);
	cc_buf_printf(b, "# HELP certchain_serve_judgements_total Judgements made (judgement cache misses).\n"
			 "# TYPE certchain_serve_judgements_total counter\ncertchain_serve_judgements_total %llu\n"
			 "# HELP certchain_serve_judge_cache_hits_total Judgements reused (same served chain, name and clients).\n"
			 "# TYPE certchain_serve_judge_cache_hits_total counter\n"
			 "certchain_serve_judge_cache_hits_total %llu\n", st.misses, st.hits);
	pthread_mutex_lock(&s->lock);
	cc_buf_printf(b, "# HELP certchain_serve_requests_total Requests answered, by endpoint and status.\n"
			 "# TYPE certchain_serve_requests_total counter\n");
	for (int e = 0; e < EP_N; e++)
		for (size_t i = 0; i < NCODES; i++)
			if (s->requests[e][i])
				cc_buf_printf(b, "certchain_serve_requests_total{endpoint=\"%s\",code=\"%d\"} %llu\n",
					      ep_name[e], codes[i], s->requests[e][i]);
	cc_buf_printf(b, "# HELP certchain_serve_probes_total Probes made (cache misses).\n"
			 "# TYPE certchain_serve_probes_total counter\ncertchain_serve_probes_total %llu\n"
			 "# HELP certchain_serve_probe_errors_total Probes that could not connect or failed.\n"
			 "# TYPE certchain_serve_probe_errors_total counter\ncertchain_serve_probe_errors_total %llu\n"
			 "# HELP certchain_serve_cache_hits_total Answers taken from the cache.\n"
			 "# TYPE certchain_serve_cache_hits_total counter\ncertchain_serve_cache_hits_total %llu\n"
			 "# HELP certchain_serve_cache_misses_total Answers that needed a probe.\n"
			 "# TYPE certchain_serve_cache_misses_total counter\ncertchain_serve_cache_misses_total %llu\n"
			 "# HELP certchain_serve_denied_total Targets refused by the allow-list.\n"
			 "# TYPE certchain_serve_denied_total counter\ncertchain_serve_denied_total %llu\n"
			 "# HELP certchain_serve_rate_limited_total Requests refused by the rate limit.\n"
			 "# TYPE certchain_serve_rate_limited_total counter\ncertchain_serve_rate_limited_total %llu\n"
			 "# HELP certchain_serve_probes_in_flight Probes running now.\n"
			 "# TYPE certchain_serve_probes_in_flight gauge\ncertchain_serve_probes_in_flight %d\n",
		      s->probes, s->probe_errors, s->hits, s->misses, s->denied, s->limited,
		      s->in_flight);
	pthread_mutex_unlock(&s->lock);
}

static int endpoint(const char *url, const char *method)
{
	if (!strcmp(url, "/"))
		return EP_PAGE;
	if (!strcmp(url, "/chain"))
		return EP_CHAIN;
	if (!strcmp(url, "/api/check"))
		return EP_API;
	if (!strcmp(url, "/probe"))
		return EP_PROBE;
	if (!strcmp(url, "/metrics"))
		return EP_METRICS;
	if (!strcmp(url, "/healthz"))
		return EP_HEALTH;
	return EP_OTHER;
}

/* The query's target and sni as check takes them (cli_hostport_parse,
 * cli_host_norm), so the allow list sees the names looked up and sent:
 * *sni becomes the name sent (in snibuf, CLI_HOST_MAX bytes). 0, or -1
 * with why filled. */
static int query_args(const char *target, const char **sni, char *snibuf,
		      cli_hostport_t *hp, char *why, size_t whyn)
{
	char bad[500] = "";

	/* parsed first (no lookup): a wildcard or bad name is said as check
	 * says it; then only the characters a target or a name has */
	if (!target || cli_hostport_parse(target, "443", hp, bad, sizeof(bad)) ||
	    !valid_arg(target, 1) ||
	    (*sni && (cli_host_norm(*sni, snibuf, CLI_HOST_MAX, bad, sizeof(bad)) ||
		      !valid_arg(*sni, 0)))) {
		json_t *w = cc_json_str(bad); /* the value is echoed: as UTF-8 */
		snprintf(why, whyn, "bad query: target must be HOST[:PORT] (IPv6 "
			 "[ADDR]:PORT) and sni a host name%s%s", bad[0] ? ": " : "",
			 w ? json_string_value(w) : "");
		json_decref(w);
		return -1;
	}
	if (*sni)
		*sni = snibuf;
	return 0;
}

/* The page, the API and the probe for one target. */
static enum MHD_Result check_target(struct serve *s, struct MHD_Connection *c, int ep,
				    const char *method, const char *url, struct req *r)
{
	const char *target = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "target");
	const char *sni = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "sni");
	char *rec = NULL, *pem = NULL, why[700], snibuf[CLI_HOST_MAX];
	const char *host;
	cli_hostport_t hp;
	json_t *j = NULL;
	cc_buf_t b = { 0 };
	enum MHD_Result ret;
	int code = 200;

	if (sni && !*sni)
		sni = NULL;
	if (ep == EP_PAGE && (!target || !*target)) {
		serve_page(&b, "", "", NULL, NULL, NULL);
		return reply(s, c, ep, 200, "text/html; charset=utf-8", &b, method, url, r);
	}
	why[0] = 0;
	host = hp.host;
	if (query_args(target, &sni, snibuf, &hp, why, sizeof(why))) {
		code = 400;
	} else if (!serve_allow_host(&s->allow, host) ||
		   (sni && !cli_is_ip(host) && !serve_allow_host(&s->allow, sni))) {
		code = 403;
		snprintf(why, sizeof(why), "target not allowed: %s is not admitted by "
			 "this checker's --allow list (no connection made)", host);
	} else if (record(s, target, sni, &rec, &pem)) {
		code = 503;
		snprintf(why, sizeof(why), "busy: no probe slot came free in time; try again");
	} else if (!(j = json_loads(rec, 0, NULL))) {
		code = 500;
		snprintf(why, sizeof(why), "internal error: the record did not parse");
	} else if (!strcmp(serve_str(j, "failure"), "denied")) {
		code = 403;
		snprintf(why, sizeof(why), "target not allowed: %s resolves to an address "
			 "this checker's --allow list does not admit (no connection made)", host);
	}
	if (code == 403) {
		pthread_mutex_lock(&s->lock);
		s->denied++;
		pthread_mutex_unlock(&s->lock);
	}
	if (code != 200 && ep != EP_PAGE) {
		json_decref(j);
		free(rec);
		free(pem);
		return text(s, c, ep, code, method, url, r, "%s", why);
	}
	if (ep == EP_API) {
		cc_buf_printf(&b, "%s", rec);
		ret = reply(s, c, ep, 200, "application/json", &b, method, url, r);
	} else if (ep == EP_PROBE) {
		serve_prom_probe(&b, j, since(&r->start));
		ret = reply(s, c, ep, 200, "text/plain; version=0.0.4; charset=utf-8", &b,
			    method, url, r);
	} else {
		serve_page(&b, target ? target : "", sni ? sni : "", code == 200 ? j : NULL, pem,
			   code == 200 ? NULL : why);
		ret = reply(s, c, ep, code, "text/html; charset=utf-8", &b, method, url, r);
	}
	json_decref(j);
	free(rec);
	free(pem);
	return ret;
}

/* The paste form: the chain to serve for pasted certificates. */
static enum MHD_Result chain(struct serve *s, struct MHD_Connection *c, const char *method,
			     const char *url, struct req *r)
{
	cc_buf_t b = { 0 }, rec = { 0 }, pem = { 0 };
	char why[400] = "";
	json_t *j = NULL;
	int rc, code = 200;

	if (r->too_big)
		return text(s, c, EP_CHAIN, 413, method, url, r, "request too large: at most %d bytes",
			    SERVE_MAX_BODY);
	if (!r->pem.s || !r->pem.n) {
		code = 400;
		snprintf(why, sizeof(why), "nothing pasted: give the certificate as PEM");
	} else if ((rc = check_pem_record(s->o, r->pem.s, r->pem.n, &rec, &pem, why,
					  sizeof(why))) < 0) {
		code = 400;
	} else if (!rec.s || !(j = json_loads(rec.s, 0, NULL))) {
		code = 500;
		snprintf(why, sizeof(why), "internal error: the record did not parse");
	}
	serve_page(&b, "", "", j, pem.s, code == 200 ? NULL : why);
	json_decref(j);
	cc_buf_clear(&rec);
	cc_buf_clear(&pem);
	return reply(s, c, EP_CHAIN, code, "text/html; charset=utf-8", &b, method, url, r);
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *filename, const char *type, const char *enc,
				  const char *data, uint64_t off, size_t size)
{
	struct req *r = cls;

	if (strcmp(key, "pem"))
		return MHD_YES;
	if (r->pem.n + size > SERVE_MAX_BODY) {
		r->too_big = 1;
		return MHD_YES;
	}
	cc_buf_printf(&r->pem, "%.*s", (int)size, data);
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct serve *s = cls;
	struct req *r = *con_cls;
	int ep = endpoint(url, method);
	cc_buf_t b = { 0 };

	if (!r) { /* the first call: headers only */
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &r->start);
		*con_cls = r;
		if (ep == EP_CHAIN && !strcmp(method, "POST")) {
			r->pp = MHD_create_post_processor(c, 8192, post_field, r);
			if (!r->pp) /* not a form encoding MHD reads */
				r->too_big = 0;
			return MHD_YES;
		}
	}
	if (*upload_size) {
		if (r->pp && !r->too_big)
			MHD_post_process(r->pp, upload, *upload_size);
		else if (*upload_size > SERVE_MAX_BODY)
			r->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (limited(s, c))
		return text(s, c, ep, 429, method, url, r, "too many requests from this address: "
			    "at most %d a minute", s->rate_limit);
	if (ep == EP_OTHER)
		return text(s, c, ep, 404, method, url, r, "not found: %.100s", url);
	if (ep == EP_CHAIN ? strcmp(method, "POST") : strcmp(method, "GET") && strcmp(method, "HEAD"))
		return text(s, c, ep, 405, method, url, r, "method %s not allowed here", method);
	if (ep == EP_HEALTH) {
		cc_buf_printf(&b, "ok\n");
		return reply(s, c, ep, 200, "text/plain; charset=utf-8", &b, method, url, r);
	}
	if (ep == EP_METRICS) {
		metrics(s, &b);
		return reply(s, c, ep, 200, "text/plain; version=0.0.4; charset=utf-8", &b,
			     method, url, r);
	}
	if (ep == EP_CHAIN)
		return chain(s, c, method, url, r);
	return check_target(s, c, ep, method, url, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	cc_buf_clear(&r->pem);
	free(r);
	*con_cls = NULL;
}

static int listen_addr(const char *spec, struct sockaddr_storage *ss, int *v6)
{
	char host[256], port[16], *end;
	long p;

	memset(ss, 0, sizeof(*ss));
	if (cli_split_hostport(spec, host, sizeof(host), port, sizeof(port), SERVE_PORT))
		return -1;
	p = strtol(port, &end, 10);
	if (*end || p < 0 || p > 65535)
		return -1;
	*v6 = 0;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)p);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)p);
		*v6 = 1;
		return 0;
	}
	return -1;
}

static int number(const char *opt, const char *arg, long lo, long hi, int *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < lo || v > hi)
		return cli_usage_error("serve", "%s: '%s' is not a number from %ld to %ld", opt,
				       arg, lo, hi);
	*out = (int)v;
	return 0;
}

static int run(struct serve *s, const char *listen)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *di;
	sigset_t set;
	int v6, sig = 0;

	if (listen_addr(listen, &ss, &v6))
		return cli_usage_error("serve", "--listen: '%s' is not ADDR:PORT with ADDR an "
						"IPv4 or [IPv6] address", listen);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* MHD's threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, &ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONNECTIONS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "certchain serve: cannot listen on %s: %s\n", listen,
			errno ? strerror(errno) : "the HTTP server did not start");
		return EXIT_USAGE;
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "certchain serve: listening on %s (port %u), %zu allow pattern%s\n",
		listen, di ? (unsigned)di->port : 0u, s->allow.n, s->allow.n == 1 ? "" : "s");
	while (sigwait(&set, &sig) == 0 && sig != SIGINT && sig != SIGTERM)
		;
	fprintf(stderr, "certchain serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	MHD_stop_daemon(d);
	return EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "listen", required_argument, 0, 1 },
		{ "allow", required_argument, 0, 2 },
		{ "profile", required_argument, 0, 'p' },
		{ "roots", required_argument, 0, 'r' },
		{ "intermediates", required_argument, 0, 'I' },
		{ "store", required_argument, 0, 3 },
		{ "no-store", no_argument, 0, 4 },
		{ "policy", required_argument, 0, 5 },
		{ "timeout", required_argument, 0, 6 },
		{ "dns-server", required_argument, 0, 7 },
		{ "max-concurrency", required_argument, 0, 8 },
		{ "cache-ttl", required_argument, 0, 9 },
		{ "rate-limit", required_argument, 0, 10 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	static struct serve s; /* large (the cache); one per process */
	const char *listen = "127.0.0.1:" SERVE_PORT, **cargs = NULL;
	size_t ncargs = 0, nnames = 0;
	char names[128][32]; /* "--profile" ... as check's parser reads them */
	int c, rc = EXIT_USAGE;

	memset(&s, 0, sizeof(s));
	s.ttl = 60;
	s.max_probes = 16;
	s.rate_limit = 600;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.slot, NULL);
	optind = 1;
	if (cli_push_arg(&cargs, &ncargs, "serve"))
		goto out;
	while ((c = getopt_long(argc, argv, "p:r:I:h", lo, NULL)) != -1) {
		const struct option *o = NULL;

		switch (c) {
		case 1: listen = optarg; break;
		case 2:
			if (serve_allow_add(&s.allow, optarg)) {
				cli_usage_error("serve", "--allow: '%s' is neither a CIDR nor a host "
							 "name pattern", optarg);
				goto out;
			}
			break;
		case 8:
			if (number("--max-concurrency", optarg, 1, SERVE_MAX_CONCURRENCY,
				   &s.max_probes))
				goto out;
			break;
		case 9:
			if (number("--cache-ttl", optarg, 0, 86400, &s.ttl))
				goto out;
			break;
		case 10:
			if (number("--rate-limit", optarg, 0, 1000000, &s.rate_limit))
				goto out;
			break;
		case 'h': fputs(usage_text, stdout); rc = EXIT_OK; goto out;
		case '?': cli_bad_option("serve", argv, lo); goto out;
		default:
			/* a client option: handed to check's parser as given */
			for (const struct option *x = lo; x->name; x++)
				if (x->val == c)
					o = x;
			if (!o || nnames == sizeof(names) / sizeof(names[0]))
				goto out;
			snprintf(names[nnames], sizeof(names[0]), "--%s", o->name);
			if (cli_push_arg(&cargs, &ncargs, names[nnames++]) ||
			    (o->has_arg && cli_push_arg(&cargs, &ncargs, optarg)))
				goto out;
		}
	}
	if (optind != argc) {
		cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!s.allow.n) {
		cli_usage_error("serve", "give at least one --allow (a CIDR or a host name "
					 "pattern): the checker probes nothing else");
		goto out;
	}
	/* no AIA: a fetch would go to an address the allow-list never saw */
	if (cli_push_arg(&cargs, &ncargs, "--no-aia") ||
	    cli_push_arg(&cargs, &ncargs, "serve.invalid"))
		goto out;
	s.o = check_opts_new((int)ncargs, (char **)cargs, s.ttl, &rc);
	if (!s.o)
		goto out;
	s.timeout_ms = check_opts_timeout_ms(s.o);
	rc = run(&s, listen);
out:
	check_opts_free(s.o);
	for (size_t i = 0; i < s.ncache; i++) {
		free(s.cache[i].key);
		free(s.cache[i].rec);
		free(s.cache[i].pem);
	}
	free(cargs);
	return rc;
}
