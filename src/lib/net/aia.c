/*
 * aia.c - complete a chain by following the "CA Issuers" URLs of the
 * Authority Information Access extension, with libcurl.
 *
 * Trust never comes from here: fetched certificates join the untrusted pool
 * and the path builder decides. Everything a remote server controls is
 * bounded:
 *   - 64 KiB per answer: a DER certificate is 1-2 KB and the biggest real
 *     PKCS#7 bundles at caIssuers URLs hold a handful (< 20 KB);
 *   - 5 s per fetch, redirects included, and 20 s for the whole chase: CA
 *     web servers answer in well under a second; a stalled one must not
 *     hold a build for long;
 *   - 8 network fetches per chase: real chains need 1-3 hops; a
 *     certificate naming several URLs, or a chain of bogus issuers, must
 *     not turn a build into a crawl;
 *   - 3 redirects per fetch, each checked by us (only http/https, no URL
 *     twice), so a loop ends with its own reason;
 *   - cache entries are reused online for 30 days (CA certificates at AIA
 *     URLs change on the scale of years) and at any age with offline;
 *   - where we connect: the address rules of cc_aia_policy_t (aia.h),
 *     checked on each address libcurl is about to connect to
 *     (CURLOPT_OPENSOCKETFUNCTION) and again before a request goes out
 *     (CURLOPT_PREREQFUNCTION, which also sees reused connections).
 * The cache holds one file per URL, named by the SHA-256 of the URL, with
 * the URL and the fetch date in a text header followed by the certificates
 * as PEM, so `certchain build -I CACHEDIR` can also read it directly.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* caIssuers URLs looked at per certificate: real ones carry 1 or 2. */
#define MAX_URLS 4
/* Longest URL we follow; real ones are < 100 characters. */
#define MAX_URL_LEN 511
/* Redirect hops we can ever be asked to allow (bounds the seen[] list). */
#define REDIRECT_CAP 10

static const char *const ids[] = {
	[CC_AIA_OK] = "ok",
	[CC_AIA_TIMEOUT] = "timeout",
	[CC_AIA_TOO_LARGE] = "too-large",
	[CC_AIA_HTTP_STATUS] = "http-status",
	[CC_AIA_REDIRECT_LOOP] = "redirect-loop",
	[CC_AIA_BAD_SCHEME] = "scheme",
	[CC_AIA_CONTENT_TYPE] = "content-type",
	[CC_AIA_NOT_CERT] = "not-a-certificate",
	[CC_AIA_CONNECT] = "connect",
	[CC_AIA_NOT_CACHED] = "not-cached",
	[CC_AIA_BUDGET] = "budget",
	[CC_AIA_REFUSED] = "refused-address",
};

const char *cc_aia_status_id(int status)
{
	if (status < 0 || (size_t)status >= sizeof(ids) / sizeof(ids[0]))
		return "unknown";
	return ids[status];
}

void cc_aia_result_clear(cc_aia_result_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].msg);
		free(r->v[i].url);
		free(r->v[i].for_cn);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

char *cc_aia_default_cache(char *buf, size_t n)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	int w;

	if (x && *x)
		w = cc_path_fmt(buf, n, x, "certchain/aia");
	else if (h && *h)
		w = cc_path_fmt(buf, n, h, ".cache/certchain/aia");
	else
		return NULL;
	return w < 0 || (size_t)w >= n ? NULL : buf;
}

int cc_aia_ca_issuers(cc_cert_t *c, char **urls, size_t max)
{
	X509 *x = cc_cert_x509(c, NULL);
	AUTHORITY_INFO_ACCESS *aia;
	int n = 0;

	if (!x)
		return CC_EPARSE;
	aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia) && (size_t)n < max; i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		const ASN1_IA5STRING *s;
		if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers ||
		    ad->location->type != GEN_URI)
			continue;
		s = ad->location->d.uniformResourceIdentifier;
		if (!(urls[n] = strndup((const char *)s->data, (size_t)s->length))) {
			while (n > 0)
				free(urls[--n]);
			AUTHORITY_INFO_ACCESS_free(aia);
			return CC_ENOMEM;
		}
		n++;
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	return n;
}

/* ------------------------------------------------------------- addresses */

static int v4_class(const unsigned char *a)
{
	if (a[0] == 127 || a[0] == 0) /* 0.0.0.0/8 reaches this host on Linux */
		return CC_ADDR_LOOPBACK;
	if (a[0] == 169 && a[1] == 254)
		return CC_ADDR_LINK_LOCAL;
	if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) || (a[0] == 100 && (a[1] & 0xc0) == 64))
		return CC_ADDR_PRIVATE;
	return CC_ADDR_PUBLIC;
}

int cc_aia_addr_class(const struct sockaddr *sa)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const unsigned char *a;
	int zero = 1;

	if (!sa)
		return CC_ADDR_OTHER;
	if (sa->sa_family == AF_INET)
		return v4_class((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family != AF_INET6)
		return CC_ADDR_OTHER;
	a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	if (!memcmp(a, mapped, sizeof(mapped)))
		return v4_class(a + 12);
	for (int i = 0; i < 15; i++)
		zero &= !a[i];
	if (zero && (a[15] == 1 || a[15] == 0)) /* ::1, and :: (this host) */
		return CC_ADDR_LOOPBACK;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return CC_ADDR_LINK_LOCAL;
	if ((a[0] & 0xfe) == 0xfc)
		return CC_ADDR_PRIVATE;
	return CC_ADDR_PUBLIC;
}

const char *cc_aia_addr_class_name(int cls)
{
	static const char *const names[] = { "public", "private", "loopback",
					     "link-local", "unknown" };
	return cls >= 0 && cls <= CC_ADDR_OTHER ? names[cls] : "unknown";
}

static const char *addr_str(const struct sockaddr *sa, char *buf, size_t n)
{
	const void *a = sa->sa_family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return snprintf(buf, n, "(family %d)", sa->sa_family), buf;
	if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

int cc_aia_addr_allowed(const cc_aia_policy_t *p, const struct sockaddr *sa,
			const char *url, int from_public, char *why, size_t nwhy)
{
	static const cc_aia_policy_t dflt = { 0 };
	int cls = cc_aia_addr_class(sa);
	char a[INET6_ADDRSTRLEN + 16] = "?", tmp[8];

	if (!why) {
		why = tmp;
		nwhy = sizeof(tmp);
	}
	if (!p)
		p = &dflt;
	if (sa)
		addr_str(sa, a, sizeof(a));
	if (cls == CC_ADDR_OTHER) {
		snprintf(why, nwhy, "%s is not an IPv4 or IPv6 address", a);
		return 0;
	}
	if ((cls == CC_ADDR_LOOPBACK || cls == CC_ADDR_LINK_LOCAL) && !p->allow_local) {
		snprintf(why, nwhy, "%s is a %s address; local addresses are not "
			 "fetched from unless allowed", a, cc_aia_addr_class_name(cls));
		return 0;
	}
	if (from_public && cls != CC_ADDR_PUBLIC) {
		snprintf(why, nwhy, "redirect from a public address to %s, a %s "
			 "address", a, cc_aia_addr_class_name(cls));
		return 0;
	}
	if (p->allow && !p->allow(p->ctx, url, sa)) {
		snprintf(why, nwhy, "%s is not on the allow-list", a);
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ time */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ----------------------------------------------------------------- cache */

static int cache_path(const char *dir, const char *url, char *out, size_t n)
{
	unsigned char md[32];
	char hex[65];
	int w;

	if (!EVP_Digest(url, strlen(url), md, NULL, EVP_sha256(), NULL))
		return -1;
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	w = cc_path_fmt(out, n, dir, "%s.pem", hex);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* mkdir -p with mode for each missing component. */
static int mkdirs(const char *dir, unsigned mode)
{
	char p[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return -1;
	memcpy(p, dir, n + 1);
	for (char *q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		if (mkdir(p, mode) && errno != EEXIST)
			return -1;
		*q = '/';
	}
	return mkdir(p, mode) && errno != EEXIST ? -1 : 0;
}

/*
 * Reads a cache entry's header: 0 when it is for this URL, with the fetch
 * date. The header names the URL: a different one means a (theoretical)
 * hash collision or a file put there by hand.
 */
static int cache_header(const char *path, const char *url, time_t *fetched,
			size_t *size)
{
	FILE *f = fopen(path, "re");
	char line[MAX_URL_LEN + 32], t[40];
	int url_ok = 0, date_ok = 0;
	struct stat st;

	if (!f)
		return -1;
	for (int i = 0; i < 4 && fgets(line, sizeof(line), f); i++) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "# url: ", 7))
			url_ok = !strcmp(line + 7, url);
		else if (sscanf(line, "# fetched: %39s", t) == 1)
			date_ok = !cc_time_parse(t, fetched);
	}
	*size = fstat(fileno(f), &st) ? 0 : (size_t)st.st_size;
	fclose(f);
	return url_ok && date_ok ? 0 : -1;
}

static int cache_write(const char *dir, const char *path, const char *url,
		       time_t fetched, const char *ctype, cc_pool_t *certs,
		       cc_error_t *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char t[32], *data;
	long n;
	int r;

	if (!bio)
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	if (mkdirs(dir, 0700)) {
		BIO_free(bio);
		return cc_err(err, CC_EIO, dir, "cannot create the cache directory: %s",
			      strerror(errno));
	}
	BIO_printf(bio, "# certchain AIA cache entry\n# url: %s\n# fetched: %s\n"
			"# content-type: %s\n",
		   url, cc_time_str(fetched, t), ctype ? ctype : "");
	for (size_t i = 0; i < cc_pool_count(certs); i++) {
		size_t len;
		const unsigned char *der = cc_cert_der(cc_pool_get(certs, i), &len);
		PEM_write_bio(bio, "CERTIFICATE", "", der, (long)len);
	}
	n = BIO_get_mem_data(bio, &data);
	r = cc_write_file_atomic(path, data, (size_t)n, 0644, err);
	BIO_free(bio);
	return r;
}

/* ----------------------------------------------------------------- fetch */

typedef struct body {
	unsigned char *p;
	size_t n, cap, max;
	int too_big;
} body_t;

static size_t on_data(char *d, size_t sz, size_t nm, void *u)
{
	body_t *b = u;
	size_t add = sz * nm;

	if (add > b->max - b->n) {
		b->too_big = 1;
		return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
	}
	if (b->n + add > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *np;
		while (cap < b->n + add)
			cap *= 2;
		if (cap > b->max)
			cap = b->max;
		if (!(np = realloc(b->p, cap)))
			return 0;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, d, add);
	b->n += add;
	return add;
}

static int http_url(const char *u)
{
	if (strncasecmp(u, "http://", 7) && strncasecmp(u, "https://", 8))
		return 0;
	for (const unsigned char *q = (const unsigned char *)u; *q; q++)
		if (*q <= ' ' || *q == 0x7f)
			return 0;
	return strlen(u) <= MAX_URL_LEN;
}

/*
 * An answer typed as a web page, JSON, XML or media is an error page or a
 * portal, not a certificate. Anything else is parsed: real CA servers use
 * application/pkix-cert, application/x-x509-ca-cert, application/pkcs7-mime,
 * application/octet-stream, binary/octet-stream and even text/plain.
 */
static int ctype_refused(const char *ct)
{
	static const char *const bad[] = { "html", "json", "xml", "image/",
					   "video/", "audio/", "font/" };
	char low[128];
	size_t i;

	if (!ct)
		return 0;
	for (i = 0; ct[i] && ct[i] != ';' && i + 1 < sizeof(low); i++)
		low[i] = (char)((ct[i] >= 'A' && ct[i] <= 'Z') ? ct[i] + 32 : ct[i]);
	low[i] = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strstr(low, bad[i]))
			return 1;
	return 0;
}

typedef struct chase {
	const cc_aia_opts_t *o;
	cc_pool_t *untrusted, *anchors;
	cc_aia_result_t *res;
	CURL *h;
	double t0;
	size_t max_bytes;
	unsigned max_fetches;
	int max_redirects;
	long timeout_ms, total_ms, max_age;
	time_t at;
	/* The hop being fetched, for the address callbacks. */
	const char *cur;
	int from_public;  /* the previous hop was served by a public address */
	char refused[200], refused_addr[64];
} chase_t;

/* Replaces f's message by a printf-style one of any length (its arguments
 * may hold the old message). Out of memory keeps the old one. */
static void vset_msg(cc_aia_fetch_t *f, const char *fmt, va_list ap)
{
	char *m = cc_str_vnew(fmt, ap);

	if (m) {
		free(f->msg);
		f->msg = m;
	}
}

static void set_msg(cc_aia_fetch_t *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_msg(cc_aia_fetch_t *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_msg(f, fmt, ap);
	va_end(ap);
}

static int setfail(cc_aia_fetch_t *f, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int setfail(cc_aia_fetch_t *f, int status, const char *fmt, ...)
{
	va_list ap;
	f->status = status;
	va_start(ap, fmt);
	vset_msg(f, fmt, ap);
	va_end(ap);
	return status;
}

/* Records a refusal for fetch() to report; 0 when allowed. */
static int guard(chase_t *x, const struct sockaddr *sa)
{
	if (cc_aia_addr_allowed(x->o->policy, sa, x->cur, x->from_public, x->refused,
				sizeof(x->refused)))
		return 0;
	addr_str(sa, x->refused_addr, sizeof(x->refused_addr));
	return -1;
}

#ifndef _WIN32
/* Every address libcurl tries: refused ones get no socket, so no packet. */
static curl_socket_t open_socket(void *u, curlsocktype purpose,
				 struct curl_sockaddr *a)
{
	if (guard(u, &a->addr))
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype, a->protocol);
}

/* The socket address of a numeric IP string (as libcurl reports peers);
 * -1 when ip is not one. */
static int ip_sockaddr(const char *ip, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		return 0;
	}
	return -1;
}

/* Before each request, new or reused connection: the peer's address again. */
static int before_request(void *u, char *peer, char *local, int pport, int lport)
{
	struct sockaddr_storage ss;
	chase_t *x = u;

	if (ip_sockaddr(peer, pport, &ss)) {
		snprintf(x->refused, sizeof(x->refused), "connected to '%.60s', not an "
			 "IP address", peer);
		return CURL_PREREQFUNC_ABORT;
	}
	return guard(x, (struct sockaddr *)&ss) ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

static void set_guards(chase_t *x)
{
	curl_easy_setopt(x->h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(x->h, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(x->h, CURLOPT_PREREQFUNCTION, before_request);
	curl_easy_setopt(x->h, CURLOPT_PREREQDATA, x);
	/* Through a proxy we would see the proxy's address, not the server's. */
	curl_easy_setopt(x->h, CURLOPT_PROXY, "");
}

/* 1 when the connection just used went to a public address. */
static int peer_public(chase_t *x, char *addr, size_t n)
{
	struct sockaddr_storage ss;
	char *ip = NULL;

	if (curl_easy_getinfo(x->h, CURLINFO_PRIMARY_IP, &ip) || !ip || !*ip)
		return 0;
	snprintf(addr, n, "%s", ip);
	return !ip_sockaddr(ip, 0, &ss) &&
	       cc_aia_addr_class((struct sockaddr *)&ss) == CC_ADDR_PUBLIC;
}
#else
/* WinHTTP connects by itself: no address hooks (README, Windows). */
static void set_guards(chase_t *x) { (void)guard; }
static int peer_public(chase_t *x, char *addr, size_t n) { return 0; }
#endif

/* One GET of url, following redirects by hand; fills body and ctype. */
static int fetch(chase_t *x, const char *url, cc_aia_fetch_t *f, body_t *b,
		 char *ctype, size_t nct)
{
	char seen[REDIRECT_CAP + 1][MAX_URL_LEN + 1], errbuf[CURL_ERROR_SIZE];
	double start = now_s(), left_total = x->total_ms / 1000.0 - (start - x->t0);
	double budget = x->timeout_ms / 1000.0 < left_total ? x->timeout_ms / 1000.0
							    : left_total;
	int hops = 0, r = CC_AIA_OK;
	const char *cur = url;

	if (!x->h && !(x->h = curl_easy_init()))
		return setfail(f, CC_AIA_CONNECT, "libcurl could not start");
	x->from_public = 0; /* a first URL may be private (internal CAs) */
	snprintf(seen[0], sizeof(seen[0]), "%s", url);
	for (;;) {
		double left = budget - (now_s() - start);
		long code = 0;
		char *ct = NULL, *loc = NULL;
		CURLcode cr;

		if (!http_url(cur)) {
			r = setfail(f, CC_AIA_BAD_SCHEME, "%s%.200s refused: only http and "
				    "https URLs are followed", hops ? "redirect to " : "", cur);
			break;
		}
		if (left <= 0.001) {
			r = setfail(f, CC_AIA_TIMEOUT, "no answer within %.1f s", budget);
			break;
		}
		b->n = 0;
		b->too_big = 0;
		errbuf[0] = 0;
		x->cur = cur;
		x->refused[0] = x->refused_addr[0] = 0;
		snprintf(f->final_url, sizeof(f->final_url), "%s", cur);
		f->address[0] = 0;
		curl_easy_reset(x->h);
		set_guards(x);
		curl_easy_setopt(x->h, CURLOPT_URL, cur);
		curl_easy_setopt(x->h, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(x->h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(x->h, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(x->h, CURLOPT_TIMEOUT_MS, (long)(left * 1000) + 1);
		curl_easy_setopt(x->h, CURLOPT_CONNECTTIMEOUT_MS, (long)(left * 1000) + 1);
		curl_easy_setopt(x->h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_bytes);
		curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(x->h, CURLOPT_WRITEDATA, b);
		curl_easy_setopt(x->h, CURLOPT_ERRORBUFFER, errbuf);
		curl_easy_setopt(x->h, CURLOPT_USERAGENT, "certchain/" CERTCHAIN_VERSION);
		if (x->o->ca_file)
			curl_easy_setopt(x->h, CURLOPT_CAINFO, x->o->ca_file);
		if (x->o->ca_dir)
			curl_easy_setopt(x->h, CURLOPT_CAPATH, x->o->ca_dir);
		cr = curl_easy_perform(x->h);
		if (x->refused[0] && cr != CURLE_OK) {
			snprintf(f->address, sizeof(f->address), "%s", x->refused_addr);
			r = setfail(f, CC_AIA_REFUSED, "%s%.200s refused: %s",
				    hops ? "redirect to " : "", cur, x->refused);
			break;
		}
		x->from_public = peer_public(x, f->address, sizeof(f->address));
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
		f->http_code = code;
		f->bytes = b->n;
		if (b->too_big || cr == CURLE_FILESIZE_EXCEEDED) {
			r = setfail(f, CC_AIA_TOO_LARGE, "answer larger than the %zu-byte "
				    "limit", x->max_bytes);
			break;
		}
		if (cr == CURLE_OPERATION_TIMEDOUT) {
			r = setfail(f, CC_AIA_TIMEOUT, "no complete answer within %.1f s "
				    "(%zu bytes received)", budget, b->n);
			break;
		}
		if (cr == CURLE_UNSUPPORTED_PROTOCOL) {
			r = setfail(f, CC_AIA_BAD_SCHEME, "%.200s refused: only http and "
				    "https URLs are followed", cur);
			break;
		}
		if (cr != CURLE_OK) {
			r = setfail(f, CC_AIA_CONNECT, "%s", errbuf[0] ? errbuf
							    : curl_easy_strerror(cr));
			break;
		}
		if (code >= 300 && code < 400) {
			curl_easy_getinfo(x->h, CURLINFO_REDIRECT_URL, &loc);
			if (!loc) {
				r = setfail(f, CC_AIA_HTTP_STATUS, "HTTP %ld without a "
					    "Location", code);
				break;
			}
			if (strlen(loc) > MAX_URL_LEN) {
				r = setfail(f, CC_AIA_BAD_SCHEME, "redirect to a URL of %zu "
					    "characters refused (limit %d)", strlen(loc),
					    MAX_URL_LEN);
				break;
			}
			for (int i = 0; i <= hops; i++)
				if (!strcmp(seen[i], loc)) {
					r = setfail(f, CC_AIA_REDIRECT_LOOP, "redirect loop: "
						    "%.200s came back after %d redirect%s",
						    loc, hops + 1, hops ? "s" : "");
					goto done;
				}
			if (hops >= x->max_redirects) {
				r = setfail(f, CC_AIA_REDIRECT_LOOP, "more than %d "
					    "redirect%s", x->max_redirects,
					    x->max_redirects == 1 ? "" : "s");
				break;
			}
			hops++;
			snprintf(seen[hops], sizeof(seen[hops]), "%s", loc);
			cur = seen[hops];
			continue;
		}
		if (code < 200 || code >= 300) {
			r = setfail(f, CC_AIA_HTTP_STATUS, "HTTP %ld", code);
			break;
		}
		curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
		snprintf(ctype, nct, "%s", ct ? ct : "");
		if (ctype_refused(ct)) {
			r = setfail(f, CC_AIA_CONTENT_TYPE, "answer is %.80s, not a "
				    "certificate", ct);
			break;
		}
		break;
	}
done:
	f->seconds = now_s() - start;
	return r;
}

/* ----------------------------------------------------------------- chase */

/* Parses an answer into a scratch pool so a bad one adds nothing. */
static int parse_answer(const unsigned char *buf, size_t len, const char *url,
			const char *ctype, cc_aia_fetch_t *f, cc_pool_t **out)
{
	cc_pool_t *tmp = cc_pool_new();
	cc_error_t e;

	cc_error_clear(&e);
	if (!tmp)
		return setfail(f, CC_AIA_NOT_CERT, "out of memory");
	if (cc_pool_load_mem(tmp, buf, len, url, 0, NULL, &e)) {
		cc_pool_free(tmp);
		return setfail(f, CC_AIA_NOT_CERT, "unreadable answer%s%.60s%s: %s",
			       ctype && *ctype ? " (Content-Type " : "",
			       ctype ? ctype : "", ctype && *ctype ? ")" : "", e.msg);
	}
	*out = tmp;
	return 0;
}

/* URLs and server-chosen text end up on terminals: no control bytes. */
static void clean(char *s)
{
	for (unsigned char *q = (unsigned char *)s; *q; q++)
		if (*q < 0x20 || *q == 0x7f)
			*q = '?';
}

static cc_aia_fetch_t *new_entry(chase_t *x, const char *url, cc_cert_t *c)
{
	cc_aia_result_t *r = x->res;
	cc_aia_fetch_t *f;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		cc_aia_fetch_t *v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	f = &r->v[r->n];
	memset(f, 0, sizeof(*f));
	/* never NULL: every report prints them */
	f->msg = strdup("");
	f->url = strdup(url);
	f->for_cn = cc_cert_name_dup(c, 0);
	if (!f->msg || !f->url || !f->for_cn) {
		free(f->msg);
		free(f->url);
		free(f->for_cn);
		return NULL;
	}
	r->n++;
	clean(f->url);
	return f;
}

/* A cache entry for url as a pool, or NULL when there is none usable. */
static cc_pool_t *from_cache(const char *url, const char *path,
			     time_t *at, size_t *len)
{
	cc_pool_t *certs = cc_pool_new();
	cc_error_t e;

	cc_error_clear(&e);
	if (!certs || cache_header(path, url, at, len) ||
	    cc_pool_load(certs, path, 0, NULL, &e)) {
		cc_pool_free(certs);
		return NULL;
	}
	return certs;
}

/* The certificates of one URL, from the cache or the network, or NULL. */
static cc_pool_t *get_url(chase_t *x, const char *url, cc_aia_fetch_t *f)
{
	char path[4096] = "", ctype[128] = "", t[32];
	time_t cached_at = 0, now = time(NULL);
	size_t clen = 0;
	body_t b = { 0 };
	cc_pool_t *cached = NULL, *certs = NULL;
	cc_error_t e;

	cc_error_clear(&e);
	if (!http_url(url)) {
		setfail(f, CC_AIA_BAD_SCHEME, "%.200s refused: only http and https URLs "
			"are followed", url);
		return NULL;
	}
	if (x->o->cache_dir && !cache_path(x->o->cache_dir, url, path, sizeof(path)))
		cached = from_cache(url, path, &cached_at, &clen);
	if (cached && (x->o->offline || now - cached_at < x->max_age)) {
		f->from_cache = 1;
		f->fetched_at = cached_at;
		f->bytes = clen;
		set_msg(f, "from the cache (fetched %s)", cc_time_str(cached_at, t));
		return cached;
	}
	if (x->o->offline) {
		setfail(f, CC_AIA_NOT_CACHED, "offline and not in the cache%s",
			x->o->cache_dir ? "" : " (no cache directory)");
	} else if (x->res->fetches >= x->max_fetches) {
		setfail(f, CC_AIA_BUDGET, "not fetched: the limit of %u fetches is used up",
			x->max_fetches);
	} else if (now_s() - x->t0 >= x->total_ms / 1000.0) {
		setfail(f, CC_AIA_BUDGET, "not fetched: the %.1f s AIA time budget is "
			"used up", x->total_ms / 1000.0);
	} else {
		x->res->fetches++;
		b.max = x->max_bytes;
		if (!fetch(x, url, f, &b, ctype, sizeof(ctype)) &&
		    !parse_answer(b.p, b.n, url, ctype, f, &certs)) {
			f->fetched_at = now;
			set_msg(f, "fetched, HTTP %ld, %zu bytes, %.2f s", f->http_code,
				f->bytes, f->seconds);
			if (path[0] &&
			    cache_write(x->o->cache_dir, path, url, now, ctype, certs, &e))
				set_msg(f, "%s (not cached: %s)", f->msg, e.msg);
		}
		free(b.p);
	}
	if (!certs && cached) {
		/* A stale entry beats nothing: issuers rarely change. */
		set_msg(f, "%s; used the cache from %s", f->msg, cc_time_str(cached_at, t));
		f->status = CC_AIA_OK;
		f->from_cache = 1;
		f->fetched_at = cached_at;
		return cached;
	}
	cc_pool_free(cached);
	return certs;
}

/* Adds the certificates of one answer to the untrusted pool; queues those
 * that issue child. */
static int adopt(chase_t *x, cc_pool_t *certs, const char *url, cc_cert_t *child,
		 cc_aia_fetch_t *f, cc_certlist_t *queue, int *issuer_found,
		 cc_error_t *err)
{
	for (size_t i = 0; i < cc_pool_count(certs); i++) {
		size_t len;
		const unsigned char *der = cc_cert_der(cc_pool_get(certs, i), &len);
		cc_cert_t *c;
		const char *why;
		int added = 0, r;

		if ((r = cc_pool_add_der(x->untrusted, der, len, url, &c, &added, err)))
			return r;
		f->ncerts++;
		f->added += (unsigned)added;
		x->res->added += (unsigned)added;
		if (cc_cert_issuer_name_match(c, child) && cc_edge_ok(child, c, &why)) {
			*issuer_found = 1;
			if (cc_certlist_push(queue, c))
				return cc_err(err, CC_ENOMEM, url, "out of memory");
		}
	}
	return 0;
}

static int in_list(const cc_certlist_t *l, const cc_cert_t *c)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == c)
			return 1;
	return 0;
}

/*
 * Queues the verifying issuers of c found in the untrusted pool; returns 1
 * if c has a verifying issuer among the anchors or one in the untrusted pool
 * that is valid at the chase's time. An expired intermediate does not count:
 * its URL may give the renewed one (the usual stale cross-sign).
 */
static int known_issuers(chase_t *x, cc_cert_t *c, cc_certlist_t *queue)
{
	cc_certlist_t iss = { 0 };
	int found = 0;
	const char *why;

	if (cc_pool_issuers_of(x->untrusted, c, &iss) < 0)
		return -1;
	for (size_t i = 0; i < iss.n; i++) {
		cc_cert_t *u = iss.v[i];
		if (!cc_edge_ok(c, u, &why))
			continue;
		if (cc_certlist_push(queue, u)) {
			cc_certlist_clear(&iss);
			return -1;
		}
		if (cc_cert_not_before(u) <= x->at && x->at <= cc_cert_not_after(u))
			found = 1;
	}
	cc_certlist_clear(&iss);
	if (!found && x->anchors && cc_pool_issuers_of(x->anchors, c, &iss) > 0)
		for (size_t i = 0; i < iss.n; i++)
			if (cc_edge_ok(c, iss.v[i], &why))
				found = 1;
	cc_certlist_clear(&iss);
	return found;
}

static int chase_one(chase_t *x, cc_cert_t *c, cc_certlist_t *queue,
		     cc_error_t *err)
{
	char *urls[MAX_URLS];
	int n = cc_aia_ca_issuers(c, urls, MAX_URLS), r = 0, found = 0;

	if (n == CC_ENOMEM)
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	for (int i = 0; i < n; i++) {
		cc_aia_fetch_t *f;
		cc_pool_t *certs;

		if (found || r) /* one answer with the issuer is enough */
			continue;
		if (!(f = new_entry(x, urls[i], c))) {
			r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
			continue;
		}
		if ((certs = get_url(x, urls[i], f))) {
			r = adopt(x, certs, urls[i], c, f, queue, &found, err);
			if (!r && !found)
				set_msg(f, "%s; but none of its %u certificate%s issued %s",
					f->msg, f->ncerts, f->ncerts == 1 ? "" : "s", f->for_cn);
			cc_pool_free(certs);
		}
		clean(f->msg);
		clean(f->final_url);
	}
	for (int i = 0; i < n; i++)
		free(urls[i]);
	return r;
}

int cc_aia_complete(const cc_aia_opts_t *opts, cc_cert_t *leaf,
		    cc_pool_t *untrusted, cc_pool_t *anchors,
		    cc_aia_result_t *res, cc_error_t *err)
{
	static const cc_aia_opts_t none = { 0 };
	chase_t x = { 0 };
	cc_certlist_t queue = { 0 }, done = { 0 };
	int r = 0;

	if (!leaf || !untrusted || !res)
		return cc_err(err, CC_EINVAL, NULL, "cc_aia_complete: missing argument");
	x.o = opts ? opts : &none;
	x.untrusted = untrusted;
	x.anchors = anchors;
	x.res = res;
	x.t0 = now_s();
	x.max_bytes = x.o->max_bytes ? x.o->max_bytes : CC_AIA_DEFAULT_MAX_BYTES;
	x.max_fetches = x.o->max_fetches ? x.o->max_fetches : CC_AIA_DEFAULT_MAX_FETCHES;
	x.max_redirects = x.o->max_redirects < 0 ? 0
			  : x.o->max_redirects ? x.o->max_redirects
					       : CC_AIA_DEFAULT_MAX_REDIRECTS;
	if (x.max_redirects > REDIRECT_CAP)
		x.max_redirects = REDIRECT_CAP;
	x.timeout_ms = x.o->timeout_ms > 0 ? x.o->timeout_ms : CC_AIA_DEFAULT_TIMEOUT_MS;
	x.total_ms = x.o->total_ms > 0 ? x.o->total_ms : CC_AIA_DEFAULT_TOTAL_MS;
	x.max_age = x.o->max_age > 0 ? x.o->max_age : CC_AIA_DEFAULT_MAX_AGE;
	x.at = x.o->at ? x.o->at : time(NULL);

	if (cc_certlist_push(&queue, leaf))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	/* Breadth-first up the issuer graph; each certificate once. */
	for (size_t i = 0; !r && i < queue.n; i++) {
		cc_cert_t *c = queue.v[i];
		int k;

		if (in_list(&done, c))
			continue;
		if (cc_certlist_push(&done, c)) {
			r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
			break;
		}
		if (cc_cert_self_issued(c))
			continue;
		if ((k = known_issuers(&x, c, &queue)) < 0)
			r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
		else if (k == 0)
			r = chase_one(&x, c, &queue, err);
	}
	if (x.h)
		curl_easy_cleanup(x.h);
	cc_certlist_clear(&queue);
	cc_certlist_clear(&done);
	return r;
}
