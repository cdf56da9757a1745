/* test_probe.c - the TLS probe against real sockets on 127.0.0.1: a TLS
 * server in a child process (chain captured as sent, TLS 1.2 and 1.3), and
 * each failure class: refused, silent, closed, not TLS, TLS alert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cmocka.h>

#include <openssl/ssl.h>

#include "testpki.h"

static EVP_PKEY *kr, *ki, *kl;
static X509 *root, *ica, *leaf;

static int setup(void **state)
{
	tp_opts_t ca = { .ca = 1 }, lo = { .san = "probe.test" };
	signal(SIGPIPE, SIG_IGN);
	kr = tp_key(1);
	ki = tp_key(1);
	kl = tp_key(1);
	root = tp_cert("Probe Root", kr, NULL, NULL, &ca);
	ica = tp_cert("Probe ICA", ki, root, kr, &ca);
	leaf = tp_cert("probe.test", kl, ica, ki, &lo);
	return 0;
}

static int teardown(void **state)
{
	X509_free(root);
	X509_free(ica);
	X509_free(leaf);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kl);
	return 0;
}

/* A listening socket on a free loopback port; *port gets the number. */
static int listener(char port[8])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	snprintf(port, 8, "%u", ntohs(a.sin_port));
	return fd;
}

enum mode { M_TLS12, M_TLS13, M_CLOSE, M_GARBAGE, M_ALERT, M_CLOSE_UNREAD };

static int sync_pipe[2] = { -1, -1 }; /* M_CLOSE: the child says "closed" here */

static int sni_reject(SSL *s, int *al, void *arg)
{
	*al = SSL_AD_UNRECOGNIZED_NAME;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* The child: accept one connection and behave as mode says. Never returns. */
static void serve(int lfd, int mode)
{
	int fd;
	char buf[4096];

	alarm(10); /* bounded whatever the parent does */
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		_exit(1);
	if (mode == M_CLOSE) { /* FIN before the ClientHello is even sent */
		close(fd);
		(void)!write(sync_pipe[1], "c", 1);
		_exit(0);
	}
	if (mode == M_CLOSE_UNREAD) { /* the ClientHello arrived, unread: close() sends RST */
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		(void)poll(&pf, 1, 5000);
		close(fd);
		_exit(0);
	}
	if (mode == M_GARBAGE) {
		static const char r[] = "HTTP/1.0 400 Bad Request\r\n\r\nnot TLS\r\n";
		(void)!read(fd, buf, sizeof(buf));
		(void)!write(fd, r, sizeof(r) - 1);
		shutdown(fd, SHUT_WR);
		(void)!read(fd, buf, sizeof(buf));
		_exit(0);
	}
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(ctx, leaf);
	SSL_CTX_use_PrivateKey(ctx, kl);
	/* served: leaf, root, ica, ica - wrong order and a duplicate, on purpose */
	X509_up_ref(root);
	SSL_CTX_add_extra_chain_cert(ctx, root);
	X509_up_ref(ica);
	SSL_CTX_add_extra_chain_cert(ctx, ica);
	X509_up_ref(ica);
	SSL_CTX_add_extra_chain_cert(ctx, ica);
	SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
	if (mode == M_TLS12)
		SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
	if (mode == M_ALERT)
		SSL_CTX_set_tlsext_servername_callback(ctx, sni_reject);
	SSL *s = SSL_new(ctx);
	SSL_set_fd(s, fd);
	if (SSL_accept(s) == 1)
		SSL_shutdown(s);
	(void)!read(fd, buf, sizeof(buf));
	_exit(0);
}

static pid_t spawn(int lfd, int mode)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		serve(lfd, mode);
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static int probe(const char *port, int timeout_ms, cc_pool_t *pool,
		 cc_probe_result_t *res)
{
	cc_probe_opts_t o = { .host = "probe.test", .connect = "127.0.0.1",
			      .port = port, .timeout_ms = timeout_ms };
	cc_error_t e;
	memset(res, 0, sizeof(*res));
	return cc_probe_run(&o, pool, res, &e);
}

static void served_as_sent(int mode, const char *version)
{
	char port[8];
	int lfd = listener(port);
	pid_t pid = spawn(lfd, mode);
	cc_pool_t *pool = cc_pool_new();
	cc_probe_result_t res;
	char a[256];

	assert_int_equal(probe(port, 5000, pool, &res), 0);
	reap(pid);
	close(lfd);
	assert_int_equal(res.fail, CC_PROBE_OK);
	assert_string_equal(res.version, version);
	assert_int_equal(res.served.n, 4);
	assert_string_equal(cc_cert_name(res.served.v[0], 0, a, sizeof(a)), "probe.test");
	assert_string_equal(cc_cert_name(res.served.v[1], 0, a, sizeof(a)), "Probe Root");
	assert_string_equal(cc_cert_name(res.served.v[2], 0, a, sizeof(a)), "Probe ICA");
	assert_ptr_equal(res.served.v[2], res.served.v[3]); /* duplicate kept, deduped in pool */
	assert_int_equal(cc_pool_count(pool), 3);
	assert_non_null(strstr(res.peer, "127.0.0.1:"));
	cc_probe_result_clear(&res);
	cc_pool_free(pool);
}

static void tls13_chain(void **state) { served_as_sent(M_TLS13, "TLSv1.3"); }
static void tls12_chain(void **state) { served_as_sent(M_TLS12, "TLSv1.2"); }

static void failure(int mode, int want, const char *needle)
{
	char port[8];
	int lfd = listener(port);
	pid_t pid = spawn(lfd, mode);
	cc_pool_t *pool = cc_pool_new();
	cc_probe_result_t res;

	assert_int_equal(probe(port, 3000, pool, &res), 0);
	reap(pid);
	close(lfd);
	assert_int_equal(res.fail, want);
	assert_non_null(strstr(res.reason, needle));
	assert_int_equal(res.served.n, 0);
	cc_pool_free(pool);
}

/*
 * "closed", both ways a server can hang up on a hello, each forced rather than
 * left to scheduling: (1) it closes before the ClientHello is sent - the hello
 * meets a reset, the client reads EOF and OpenSSL writes its own decode_error
 * alert into the dead socket; (2) it closes with the hello unread - a reset.
 * Either way the class is "closed", never "tls-alert" (the alert is ours, not
 * the server's), and with SIGPIPE at its default the process survives.
 */
static void closed_run(int mode)
{
	char port[8], c;
	int lfd = listener(port);
	cc_probe_opts_t o = { .host = "probe.test", .connect = "127.0.0.1",
			      .port = port, .timeout_ms = 5000 };
	cc_pool_t *pool = cc_pool_new();
	cc_probe_result_t res = { 0 };
	struct pollfd pf;
	cc_probe_t *p;
	cc_error_t e;
	pid_t pid;
	int fd, tmo;

	assert_int_equal(pipe(sync_pipe), 0);
	pid = spawn(lfd, mode);
	signal(SIGPIPE, SIG_DFL);
	assert_int_equal(cc_probe_new(&o, &p, &e), 0);
	if (mode == M_CLOSE) {
		pf = (struct pollfd){ .fd = sync_pipe[0], .events = POLLIN };
		assert_int_equal(poll(&pf, 1, 5000), 1);
		assert_int_equal(read(sync_pipe[0], &c, 1), 1);
	}
	while ((fd = cc_probe_fd(p, &pf.events, &tmo)) >= 0) {
		pf.fd = fd;
		pf.revents = 0;
		int r = poll(&pf, 1, tmo);
		cc_probe_step(p, r > 0 ? pf.revents : 0);
	}
	assert_int_equal(cc_probe_result(p, pool, &res, &e), 0);
	cc_probe_free(p);
	signal(SIGPIPE, SIG_IGN);
	reap(pid);
	close(lfd);
	close(sync_pipe[0]);
	close(sync_pipe[1]);
	assert_string_equal(cc_probe_fail_name(res.fail), "closed");
	assert_int_equal(res.alert, -1);
	assert_non_null(strstr(res.reason, "closed the connection"));
	assert_int_equal(res.served.n, 0);
	cc_pool_free(pool);
}

static void closed(void **state)
{
	for (int i = 0; i < 5; i++)
		closed_run(M_CLOSE);
}

static void closed_unread(void **state)
{
	for (int i = 0; i < 5; i++)
		closed_run(M_CLOSE_UNREAD);
}

static void not_tls(void **state) { failure(M_GARBAGE, CC_PROBE_NOT_TLS, "does not speak TLS"); }
static void alert(void **state) { failure(M_ALERT, CC_PROBE_ALERT, "unrecognized name"); }

static void refused(void **state)
{
	char port[8];
	int lfd = listener(port);
	cc_pool_t *pool = cc_pool_new();
	cc_probe_result_t res;

	close(lfd); /* nobody listens there any more */
	assert_int_equal(probe(port, 3000, pool, &res), 0);
	assert_int_equal(res.fail, CC_PROBE_REFUSED);
	assert_non_null(strstr(res.reason, "refused"));
	cc_pool_free(pool);
}

static void silent(void **state)
{
	char port[8];
	int lfd = listener(port); /* the kernel completes the TCP handshake; nobody answers */
	cc_pool_t *pool = cc_pool_new();
	cc_probe_result_t res;

	assert_int_equal(probe(port, 300, pool, &res), 0);
	close(lfd);
	assert_int_equal(res.fail, CC_PROBE_TIMEOUT);
	assert_non_null(strstr(res.reason, "sent no TLS answer"));
	assert_true(res.ms >= 290 && res.ms < 2000);
	cc_pool_free(pool);
}

static void bad_args(void **state)
{
	cc_probe_opts_t o = { 0 };
	cc_probe_t *p;
	cc_error_t e;
	int st;

	assert_int_equal(cc_probe_new(&o, &p, &e), CC_EINVAL);
	assert_int_equal(cc_starttls_parse("smtp", &st), 0);
	assert_int_equal(st, CC_STARTTLS_SMTP);
	assert_int_equal(cc_starttls_parse("gopher", &st), CC_EINVAL);
	assert_string_equal(cc_probe_fail_name(CC_PROBE_NOT_TLS), "not-tls");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tls13_chain),
		cmocka_unit_test(tls12_chain),
		cmocka_unit_test(closed),
		cmocka_unit_test(closed_unread),
		cmocka_unit_test(not_tls),
		cmocka_unit_test(alert),
		cmocka_unit_test(refused),
		cmocka_unit_test(silent),
		cmocka_unit_test(bad_args),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
