/*
 * probe.c - one TLS handshake with a live server, driven by a poll loop, to
 * capture the certificates exactly as the server sends them. Non-blocking
 * from connect to the end of the handshake so a caller can run many probes in
 * one process, each with its own deadline. Failures are classified (refused,
 * timeout, closed, alert, not TLS) because "could not connect" is useless to
 * the person who has to fix it.
 */
#include "internal.h"
#include "platform/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

enum state { ST_RESOLVE, ST_CONNECT, ST_STARTTLS, ST_HANDSHAKE, ST_DONE };

struct cc_probe {
	cc_probe_opts_t o;
	cc_resolver_t *res;
	const cc_addrs_t *addrs; /* borrowed from res */
	size_t cur;             /* the address being dialled */
	int fd;
	int state;
	long long start, deadline; /* CLOCK_MONOTONIC milliseconds */
	short want;
	SSL_CTX *ctx;
	SSL *ssl;
	int fail;
	char reason[256];
	int alert;
	char alert_name[64];
	int got_handshake; /* a TLS handshake message arrived: the peer speaks TLS */
	char peer[80];
	cc_starttls_t st; /* the plain-text dialogue, with --starttls */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *cc_probe_fail_name(int fail)
{
	switch (fail) {
	case CC_PROBE_OK: return "ok";
	case CC_PROBE_RESOLVE: return "resolve";
	case CC_PROBE_REFUSED: return "refused";
	case CC_PROBE_UNREACH: return "unreachable";
	case CC_PROBE_TIMEOUT: return "timeout";
	case CC_PROBE_CLOSED: return "closed";
	case CC_PROBE_ALERT: return "tls-alert";
	case CC_PROBE_NOT_TLS: return "not-tls";
	case CC_PROBE_STARTTLS: return "starttls-refused";
	case CC_PROBE_DENIED: return "denied";
	default: return "tls-error";
	}
}

static void finish(cc_probe_t *p, int fail, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finish(cc_probe_t *p, int fail, const char *fmt, ...)
{
	va_list ap;

	p->fail = fail;
	p->reason[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
		va_end(ap);
	}
	p->state = ST_DONE;
	if (p->fd >= 0 && fail != CC_PROBE_OK) {
		close(p->fd);
		p->fd = -1;
	}
}

/* Starts a non-blocking connect to address p->cur or, when it fails at once, the next one. */
static void connect_next(cc_probe_t *p, int last_errno)
{
	int denied = 0;

	for (; p->cur < p->addrs->n; p->cur++) {
		const struct sockaddr *a = (const struct sockaddr *)&p->addrs->a[p->cur];
		socklen_t alen = p->addrs->len[p->cur];
		char h[INET6_ADDRSTRLEN], s[16];

		if (p->o.allow && p->o.allow(a, alen, p->o.allow_arg)) {
			if (getnameinfo(a, alen, h, sizeof(h), NULL, 0, NI_NUMERICHOST) == 0)
				snprintf(p->peer, sizeof(p->peer), "%s", h);
			denied++;
			continue;
		}
		if (p->fd >= 0)
			close(p->fd);
		p->fd = socket(a->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (p->fd < 0) {
			last_errno = errno;
			continue;
		}
		if (getnameinfo(a, alen, h, sizeof(h), s, sizeof(s),
				NI_NUMERICHOST | NI_NUMERICSERV) == 0)
			snprintf(p->peer, sizeof(p->peer),
				 a->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h, s);
		if (connect(p->fd, a, alen) == 0 || errno == EINPROGRESS) {
			p->want = POLLOUT;
			return;
		}
		last_errno = errno;
	}
	if (denied && !last_errno)
		finish(p, CC_PROBE_DENIED, "%s resolves to %s, which the address policy "
		       "does not allow (no connection made)", p->o.connect ? p->o.connect : p->o.host,
		       p->peer);
	else if (last_errno == ECONNREFUSED)
		finish(p, CC_PROBE_REFUSED, "connection refused by %s", p->peer);
	else
		finish(p, CC_PROBE_UNREACH, "cannot connect to %s: %s", p->peer,
		       strerror(last_errno));
}

/*
 * The alert class is for an alert the server SENT: it is taken from an alert
 * record read off the wire, never from the info callback, where OpenSSL also
 * reports alerts it generates itself (decode_error after an unexpected EOF).
 */
static void msg_cb(int write_p, int version, int content_type, const void *buf,
		   size_t len, SSL *ssl, void *arg)
{
	cc_probe_t *p = arg;
	const unsigned char *b = buf;

	if (write_p)
		return;
	if (content_type == SSL3_RT_HANDSHAKE || content_type == SSL3_RT_ALERT)
		p->got_handshake = 1;
	if (content_type == SSL3_RT_ALERT && len >= 2 && p->alert < 0) {
		p->alert = b[1];
		snprintf(p->alert_name, sizeof(p->alert_name), "%s",
			 SSL_alert_desc_string_long(b[0] << 8 | b[1]));
	}
}

/*
 * Writes with MSG_NOSIGNAL: a server that closes before reading the
 * ClientHello answers it with a reset, and OpenSSL's own socket BIO write()s
 * its alert into that socket - SIGPIPE would kill a caller that did not
 * ignore it. A library must not depend on the caller's signal disposition.
 */
static int nosig_write(BIO *b, const char *buf, int len)
{
	int fd = -1;
	ssize_t n;

	BIO_get_fd(b, &fd);
	BIO_clear_retry_flags(b);
	n = send(fd, buf, (size_t)len, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_write(b);
	return (int)n;
}

static BIO_METHOD *nosig_method;

static void nosig_init(void)
{
	const BIO_METHOD *s = BIO_s_socket();
	BIO_METHOD *m = BIO_meth_new(BIO_TYPE_SOCKET, "socket, no SIGPIPE");

	if (!m)
		return;
	BIO_meth_set_write(m, nosig_write);
	BIO_meth_set_read(m, BIO_meth_get_read(s));
	BIO_meth_set_puts(m, BIO_meth_get_puts(s));
	BIO_meth_set_ctrl(m, BIO_meth_get_ctrl(s));
	BIO_meth_set_create(m, BIO_meth_get_create(s));
	BIO_meth_set_destroy(m, BIO_meth_get_destroy(s));
	nosig_method = m;
}

/* A socket BIO on fd (not closing it) whose writes never raise SIGPIPE. */
static BIO *nosig_bio(int fd)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	BIO *b;

	pthread_once(&once, nosig_init);
	if (!nosig_method || !(b = BIO_new(nosig_method)))
		return NULL;
	BIO_set_fd(b, fd, BIO_NOCLOSE);
	return b;
}

static int tls_setup(cc_probe_t *p, cc_error_t *err)
{
	const char *sni = p->o.sni ? p->o.sni : cc_is_ip_literal(p->o.host) ? NULL : p->o.host;

	p->ctx = SSL_CTX_new(TLS_client_method());
	if (!p->ctx)
		return cc_err_ssl(err, CC_ECRYPTO, p->o.host, "SSL_CTX_new");
	/* A checker must see weak chains (SHA-1, small keys, old versions) to report them. */
	SSL_CTX_set_security_level(p->ctx, 0);
	SSL_CTX_set_min_proto_version(p->ctx, TLS1_VERSION);
	SSL_CTX_set_verify(p->ctx, SSL_VERIFY_NONE, NULL);
	p->ssl = SSL_new(p->ctx);
	if (!p->ssl)
		return cc_err_ssl(err, CC_ECRYPTO, p->o.host, "SSL_new");
	SSL_set_app_data(p->ssl, p);
	SSL_set_msg_callback(p->ssl, msg_cb);
	SSL_set_msg_callback_arg(p->ssl, p);
	if (sni && *sni && !SSL_set_tlsext_host_name(p->ssl, sni))
		return cc_err_ssl(err, CC_EINVAL, sni, "server name not usable for SNI");
	return 0;
}

/* The resolver has answered: dial the first address, or fail as "resolve". */
static void resolved(cc_probe_t *p)
{
	const char *why;

	if (!(p->addrs = cc_resolver_addrs(p->res, &why))) {
		finish(p, CC_PROBE_RESOLVE, "cannot resolve %s port %s: %s", p->peer,
		       p->o.port, why);
		return;
	}
	p->cur = 0;
	p->state = ST_CONNECT;
	connect_next(p, 0);
}

int cc_probe_new(const cc_probe_opts_t *opts, cc_probe_t **out, cc_error_t *err)
{
	cc_probe_t *p;
	const char *dial;
	int r;

	*out = NULL;
	if (!opts || !opts->host || !*opts->host)
		return cc_err(err, CC_EINVAL, NULL, "no host to probe");
	if (!(p = calloc(1, sizeof(*p))))
		return cc_err(err, CC_ENOMEM, opts->host, "out of memory");
	p->o = *opts;
	if (!p->o.port)
		p->o.port = "443";
	if (p->o.timeout_ms <= 0)
		p->o.timeout_ms = CC_PROBE_TIMEOUT_MS;
	p->fd = -1;
	p->alert = -1;
	p->start = now_ms();
	p->deadline = p->start + p->o.timeout_ms;
	dial = p->o.connect ? p->o.connect : p->o.host;
	snprintf(p->peer, sizeof(p->peer), "%s", dial);
	if ((r = tls_setup(p, err)) ||
	    (r = cc_resolver_new(dial, p->o.port, p->o.dns_servers, &p->res, err))) {
		cc_probe_free(p);
		return r;
	}
	*out = p;
	p->state = ST_RESOLVE;
	if (cc_resolver_done(p->res))
		resolved(p);
	return 0;
}

/* While resolving: the resolver's socket, woken for its retries too. */
static int resolve_fd(cc_probe_t *p, short *events, int *timeout_ms)
{
	int fd, t;

	fd = cc_resolver_fd(p->res, events, &t);
	if (fd < 0) { /* nothing to wait on: let c-ares settle what it has */
		cc_resolver_step(p->res, 0);
		if (cc_resolver_done(p->res))
			resolved(p);
		else
			finish(p, CC_PROBE_RESOLVE, "resolving %s: the resolver has "
			       "no query in flight", p->peer);
		return p->state == ST_DONE ? -1 : cc_probe_fd(p, events, timeout_ms);
	}
	if (t >= 0 && t < *timeout_ms)
		*timeout_ms = t;
	return fd;
}

void cc_probe_pause(cc_probe_t *p, long long ms)
{
	if (!p || p->state == ST_DONE || ms <= 0)
		return;
	p->start += ms;
	p->deadline += ms;
}

int cc_probe_fd(cc_probe_t *p, short *events, int *timeout_ms)
{
	long long left;

	if (p->state == ST_DONE)
		return -1;
	left = p->deadline - now_ms();
	*timeout_ms = left > 0 ? (int)left : 0;
	if (p->state == ST_RESOLVE)
		return resolve_fd(p, events, timeout_ms);
	*events = p->want;
	return p->fd;
}

static void handshake_failed(cc_probe_t *p, int e)
{
	unsigned long ec = ERR_peek_error();
	int reason = ERR_GET_REASON(ec);
	char buf[160];

	if (p->alert >= 0) {
		finish(p, CC_PROBE_ALERT, "the server sent TLS alert %d (%s)", p->alert,
		       p->alert_name);
	} else if ((e == SSL_ERROR_SYSCALL && (ec == 0 || errno == ECONNRESET ||
					       errno == EPIPE)) ||
		   (e == SSL_ERROR_SSL && reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
		   e == SSL_ERROR_ZERO_RETURN) {
		finish(p, CC_PROBE_CLOSED, "%s closed the connection %s",
		       p->peer, p->got_handshake ? "during the TLS handshake"
						 : "without answering the TLS hello");
	} else if (!p->got_handshake) {
		ERR_error_string_n(ec, buf, sizeof(buf));
		finish(p, CC_PROBE_NOT_TLS, "%s does not speak TLS on this port "
		       "(its answer is not a TLS record: %s)", p->peer,
		       ERR_reason_error_string(ec) ? ERR_reason_error_string(ec) : buf);
	} else {
		ERR_error_string_n(ec, buf, sizeof(buf));
		finish(p, CC_PROBE_TLS, "TLS handshake with %s failed: %s", p->peer,
		       ERR_reason_error_string(ec) ? ERR_reason_error_string(ec) : buf);
	}
	ERR_clear_error();
}

static void handshake(cc_probe_t *p)
{
	int r, e;

	ERR_clear_error();
	errno = 0;
	r = SSL_connect(p->ssl);
	if (r == 1) {
		p->state = ST_DONE;
		p->fail = CC_PROBE_OK;
		return;
	}
	e = SSL_get_error(p->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		p->want = POLLIN;
	else if (e == SSL_ERROR_WANT_WRITE)
		p->want = POLLOUT;
	else
		handshake_failed(p, e);
}

static void start_tls(cc_probe_t *p)
{
	BIO *b = nosig_bio(p->fd);

	p->state = ST_HANDSHAKE;
	if (!b) {
		finish(p, CC_PROBE_TLS, "cannot attach TLS to the socket");
		return;
	}
	SSL_set_bio(p->ssl, b, b);
	handshake(p);
}

/* --- STARTTLS: the dialogue is starttls.c's; the I/O is here. */

static void starttls_io(cc_probe_t *p)
{
	cc_starttls_t *st = &p->st;
	ssize_t n;
	int r;

	if (st->off < st->nout) {
		n = send(p->fd, st->out + st->off, st->nout - st->off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			finish(p, CC_PROBE_CLOSED, "%s closed the connection during "
			       "STARTTLS: %s", p->peer, strerror(errno));
			return;
		}
		st->off += (size_t)n;
		p->want = st->off < st->nout ? POLLOUT : POLLIN;
		return;
	}
	n = recv(p->fd, st->in + st->nin, cc_starttls_room(st), 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		finish(p, CC_PROBE_CLOSED, "%s closed the connection during STARTTLS",
		       p->peer);
		return;
	}
	r = cc_starttls_got(st, (size_t)n);
	if (r > 0)
		start_tls(p);
	else if (r < 0)
		finish(p, CC_PROBE_STARTTLS, "%s: %s", p->peer, st->why);
	else
		p->want = st->off < st->nout ? POLLOUT : POLLIN;
}

static void connected(cc_probe_t *p)
{
	if (p->o.starttls == CC_STARTTLS_NONE) {
		start_tls(p);
		return;
	}
	p->state = ST_STARTTLS;
	cc_starttls_begin(&p->st, p->o.starttls, p->o.sni ? p->o.sni : p->o.host);
	p->want = p->st.nout ? POLLOUT : POLLIN;
}

static void timed_out(cc_probe_t *p)
{
	double s = p->o.timeout_ms / 1000.0;

	if (p->state == ST_RESOLVE)
		finish(p, CC_PROBE_RESOLVE, "%s not resolved within %.1f s (no answer "
		       "from the name server)", p->peer, s);
	else if (p->state == ST_CONNECT)
		finish(p, CC_PROBE_TIMEOUT, "no TCP connection to %s within %.1f s",
		       p->peer, s);
	else if (p->state == ST_STARTTLS)
		finish(p, CC_PROBE_TIMEOUT, "%s did not finish STARTTLS within %.1f s",
		       p->peer, s);
	else if (!p->got_handshake)
		finish(p, CC_PROBE_TIMEOUT, "%s accepted the connection but sent no "
		       "TLS answer within %.1f s", p->peer, s);
	else
		finish(p, CC_PROBE_TIMEOUT, "TLS handshake with %s not finished "
		       "within %.1f s", p->peer, s);
}

void cc_probe_step(cc_probe_t *p, short revents)
{
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (p->state == ST_DONE)
		return;
	if (p->state == ST_RESOLVE) {
		/* revents 0 is the deadline or one of the resolver's retries */
		cc_resolver_step(p->res, revents);
		if (cc_resolver_done(p->res))
			resolved(p);
		else if (now_ms() >= p->deadline)
			timed_out(p);
		return;
	}
	if (!revents) {
		if (now_ms() >= p->deadline)
			timed_out(p);
		return;
	}
	switch (p->state) {
	case ST_CONNECT:
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			soerr = errno;
		if (soerr == EINPROGRESS)
			break;
		if (soerr) {
			p->cur++;
			connect_next(p, soerr);
			break;
		}
		connected(p);
		break;
	case ST_STARTTLS:
		starttls_io(p);
		break;
	case ST_HANDSHAKE:
		handshake(p);
		break;
	}
	if (p->state != ST_DONE && now_ms() >= p->deadline)
		timed_out(p);
}

int cc_probe_result(cc_probe_t *p, cc_pool_t *pool, cc_probe_result_t *res,
		    cc_error_t *err)
{
	STACK_OF(X509) *sk;
	char where[300];
	int r;

	res->fail = p->fail;
	res->alert = p->alert;
	res->ms = (double)(now_ms() - p->start);
	snprintf(res->reason, sizeof(res->reason), "%s", p->reason);
	snprintf(res->peer, sizeof(res->peer), "%s", p->peer);
	if (p->state != ST_DONE) {
		res->fail = CC_PROBE_TLS;
		snprintf(res->reason, sizeof(res->reason), "probe not finished");
		return cc_err(err, CC_EINVAL, p->o.host, "probe not finished");
	}
	if (p->fail != CC_PROBE_OK)
		return 0;
	snprintf(res->version, sizeof(res->version), "%s", SSL_get_version(p->ssl));
	snprintf(res->cipher, sizeof(res->cipher), "%s",
		 SSL_CIPHER_get_name(SSL_get_current_cipher(p->ssl)));
	snprintf(where, sizeof(where), "%s:%s", p->o.host, p->o.port);
	/* On a client this is the chain as received: leaf first, in the sent order. */
	sk = SSL_get_peer_cert_chain(p->ssl);
	for (int i = 0; sk && i < sk_X509_num(sk); i++) {
		unsigned char *der = NULL;
		cc_cert_t *c;
		int n = i2d_X509(sk_X509_value(sk, i), &der);
		if (n <= 0) {
			res->fail = CC_PROBE_TLS;
			snprintf(res->reason, sizeof(res->reason), "cannot encode a served certificate");
			return cc_err_ssl(err, CC_ECRYPTO, where, "i2d_X509");
		}
		r = cc_pool_add_der(pool, der, (size_t)n, where, &c, NULL, err);
		OPENSSL_free(der);
		if (!r) {
			cc_cert_adopt_x509(c, sk_X509_value(sk, i));
			r = cc_certlist_push(&res->served, c);
		}
		if (r) {
			res->fail = CC_PROBE_TLS;
			snprintf(res->reason, sizeof(res->reason),
				 "served certificate %d not stored: %s", i, cc_strerror(r));
			return r;
		}
	}
	if (!res->served.n) {
		res->fail = CC_PROBE_TLS;
		snprintf(res->reason, sizeof(res->reason), "%s sent no certificate", p->peer);
	}
	return 0;
}

void cc_probe_free(cc_probe_t *p)
{
	if (!p)
		return;
	SSL_free(p->ssl);
	SSL_CTX_free(p->ctx);
	if (p->fd >= 0)
		close(p->fd);
	cc_resolver_free(p->res);
	free(p);
}

void cc_probe_result_clear(cc_probe_result_t *res)
{
	cc_certlist_clear(&res->served);
}

int cc_probe_run(const cc_probe_opts_t *opts, cc_pool_t *pool,
		 cc_probe_result_t *res, cc_error_t *err)
{
	cc_probe_t *p;
	struct pollfd pfd;
	int r, fd, tmo;

	if ((r = cc_probe_new(opts, &p, err)) || !p)
		return r ? r : CC_EINVAL;
	while ((fd = cc_probe_fd(p, &pfd.events, &tmo)) >= 0) {
		pfd.fd = fd;
		pfd.revents = 0;
		r = poll(&pfd, 1, tmo);
		if (r < 0 && errno == EINTR)
			continue;
		/* Error/hang-up conditions go to the step as readiness: the I/O call reports them. */
		cc_probe_step(p, r > 0 ? (short)(pfd.revents ? pfd.revents : pfd.events) : 0);
	}
	r = cc_probe_result(p, pool, res, err);
	cc_probe_free(p);
	return r;
}
