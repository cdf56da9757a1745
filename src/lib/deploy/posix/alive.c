/* alive.c (POSIX; deploy/win/alive.c in the Windows build) - is the server running, did a reload take, and who answers
 * on a binding's port. A reload command returning 0 only means a signal was
 * sent: the server may refuse the configuration and keep the old one (nginx
 * on a taken port), or exit (Apache on a taken port), while another process
 * answers on the port with the same certificate. So the proof comes from the
 * server itself: its pid file (read once, before the reload), its processes
 * (/proc/PID/stat: a new generation of workers means it took the
 * configuration), its error log since the reload (its own words when it did
 * not), and the owners of the listening sockets (/proc/net/tcp{,6} matched
 * by inode against /proc/PID/fd). Linux only: the Windows build has
 * src/win/deploy_run_win.c instead. */
#include "internal.h"
#include "deploy/deploy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Debian's nginx is built with these (nginx -V: --pid-path, --prefix). */
#define NGINX_DEFAULT_PID "/run/nginx.pid"
#define NGINX_DEFAULT_PREFIX "/usr/share/nginx"
#define NGINX_DEFAULT_CONF "/etc/nginx/nginx.conf"
/* Debian's apache2 (apache2 -V: HTTPD_ROOT, DEFAULT_PIDLOG, SERVER_CONFIG_FILE). */
#define APACHE_DEFAULT_ROOT "/etc/apache2"
#define APACHE_DEFAULT_PID "/run/apache2.pid"
#define APACHE_DEFAULT_CONF "/etc/apache2/apache2.conf"
/* How often a reload's outcome is looked at: nginx starts its new workers
 * within milliseconds; 50 ms keeps the wait short without busy-looping. */
#define POLL_MS 50
/*
 * After a server has written an [emerg] line, how long its error log must
 * stay quiet before the refusal counts as final: nginx retries a taken port
 * every 500 ms (five times) before it gives up and keeps the old
 * configuration, and Apache exits within milliseconds of its line; until
 * then a second reload would read the first one's lines as its own.
 */
#define QUIET_MS 1000
/* Processes read from /proc: a busy host runs a few thousand; the tree of a
 * server beyond this many is not followed (the proof says it cannot tell). */
#define PROC_MAX 65536
/* Listening TCP sockets read from /proc/net/tcp{,6}: far above a host's. */
#define SOCK_MAX 65536
/* Error-log bytes read after the reload: the refusal is among the first lines. */
#define LOG_READ_MAX (64 * 1024)

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* 1 if pid runs: exists and is not a zombie (a daemon's parent, init in a
 * container, may never reap it). */
static int alive(long pid)
{
	char path[64], buf[256], *rp;
	size_t got;
	FILE *f;

	if (pid <= 1 || (kill((pid_t)pid, 0) && errno != EPERM))
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "re")))
		return 1;
	got = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[got] = 0;
	rp = strrchr(buf, ')');
	return !(rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'));
}

/* ------------------------------------------------- configuration files */

/* ------------------------------------------------- configuration files */

/* What cfg's main configuration (and what it includes) says; its
 * ServerRoot defaults to -d (prefix), else the built-in. 0 or -1 with why. */
static int read_conf(const cc_deploy_cfg_t *cfg, cc_conf_main_t *m, char *why, size_t whylen)
{
	int apache = cfg->server == CC_SERVER_APACHE;
	const char *conf = cfg->conf[0] ? cfg->conf : apache ? APACHE_DEFAULT_CONF :
			   NGINX_DEFAULT_CONF;

	return cc_deploy_conf_read(conf, apache, cfg->prefix[0] ? cfg->prefix :
				   APACHE_DEFAULT_ROOT, m, why, whylen);
}

/* The pid file the configuration names. 0, or -1 with why. */
static int pidfile_path(const cc_deploy_cfg_t *cfg, char *out, size_t n, char *why,
			size_t whylen)
{
	cc_conf_main_t m;
	char x[CC_DEPLOY_PATH];

	out[0] = 0;
	if (cfg->server == CC_SERVER_HAPROXY) {
		if (!cfg->pidfile[0]) {
			snprintf(why, whylen, "no pid file configured (--haproxy-pidfile)");
			return -1;
		}
		snprintf(out, n, "%s", cfg->pidfile);
		return 0;
	}
	if (read_conf(cfg, &m, why, whylen))
		return -1;
	if (cfg->server == CC_SERVER_NGINX) {
		/* relative paths are relative to the prefix (-p) */
		cc_deploy_conf_abs(m.pid[0] ? m.pid : NGINX_DEFAULT_PID, cfg->prefix[0] ?
				   cfg->prefix : NGINX_DEFAULT_PREFIX, out, n);
		return 0;
	}
	if (m.pid[0] && cc_deploy_conf_env(m.pid, x, sizeof(x))) {
		snprintf(why, whylen, "the PidFile of %s uses ${%s}, which is not set", m.pid_in,
			 x);
		return -1;
	}
	/* relative to the ServerRoot the configuration ends with */
	cc_deploy_conf_abs(m.pid[0] ? x : APACHE_DEFAULT_PID, m.root, out, n);
	return 0;
}

/* nginx -e FILE on the master's command line, into out ("" none). */
static void nginx_e(long master, char *out, size_t n)
{
	char cmd[4096], path[64];
	FILE *f;
	size_t got;

	out[0] = 0;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", master);
	if (master <= 1 || !(f = fopen(path, "re")))
		return;
	got = fread(cmd, 1, sizeof(cmd) - 1, f);
	fclose(f);
	cmd[got] = 0;
	for (size_t i = 0; i < got; i += strlen(cmd + i) + 1)
		if (!strcmp(cmd + i, "-e") && i + 3 < got)
			snprintf(out, n, "%s", cmd + i + 3);
}

/* The error log the server writes to, "" when unknown (haproxy logs to
 * syslog; nginx "stderr", syslog: or pipes). master: nginx's -e comes from
 * its command line when the configuration names none. */
static void errlog_path(const cc_deploy_cfg_t *cfg, long master, char *out, size_t n)
{
	cc_conf_main_t m;
	char x[CC_DEPLOY_PATH], why[CC_DEPLOY_PATH + 128];

	out[0] = 0;
	if (cfg->server == CC_SERVER_HAPROXY || read_conf(cfg, &m, why, sizeof(why)))
		return;
	if (cfg->server == CC_SERVER_NGINX) {
		if (!m.errlog[0])
			nginx_e(master, m.errlog, sizeof(m.errlog));
		if (!m.errlog[0] || !strcmp(m.errlog, "stderr") || strchr(m.errlog, ':'))
			return;
		cc_deploy_conf_abs(m.errlog, cfg->prefix[0] ? cfg->prefix : NGINX_DEFAULT_PREFIX,
				   out, n);
	} else if (m.errlog[0] && !cc_deploy_conf_env(m.errlog, x, sizeof(x)) && x[0] != '|' &&
		   strncmp(x, "syslog", 6)) {
		cc_deploy_conf_abs(x, m.root, out, n);
	}
}

int cc_deploy_pidfile_read(const cc_deploy_cfg_t *cfg, char *path, size_t pathlen,
			   long *pids, size_t max, size_t *npids, char *why, size_t whylen)
{
	char line[64];
	int any = 0, r;
	FILE *f;

	*npids = 0;
	if (pidfile_path(cfg, path, pathlen, why, whylen))
		return -1;
	if (!(f = fopen(path, "re"))) {
		r = errno;
		snprintf(why, whylen, r == ENOENT ? "its pid file %s does not exist" :
			 "cannot read its pid file %s: %s", path, strerror(r));
		return r == ENOENT ? 0 : -1;
	}
	/* one pid per line; haproxy -D writes one per process */
	while (fgets(line, sizeof(line), f) && *npids < max) {
		char *end;
		long pid = strtol(line, &end, 10);
		if (pid <= 1 || (*end && !isspace((unsigned char)*end)))
			continue;
		pids[(*npids)++] = pid;
		any |= alive(pid);
	}
	fclose(f);
	if (!*npids)
		snprintf(why, whylen, "its pid file %s is empty or holds no process id", path);
	else if (!any)
		snprintf(why, whylen, "its pid file %s names process %ld, which is not running",
			 path, pids[0]);
	return any;
}

int cc_deploy_running(const cc_deploy_t *d, char *why, size_t n)
{
	char path[CC_DEPLOY_PATH];
	long pids[CC_DEPLOY_MAX_PROCS];
	size_t np;

	return cc_deploy_pidfile_read(cc_deploy_cfg_of(d), path, sizeof(path), pids,
				      CC_DEPLOY_MAX_PROCS, &np, why, n);
}

/* ------------------------------------------------------------ processes */

typedef struct proc {
	long pid, ppid;
} proc_t;

/* Every process's pid and parent from /proc/PID/stat; *n of them. */
static proc_t *proc_table(size_t *n)
{
	proc_t *v = malloc(PROC_MAX * sizeof(*v));
	DIR *dir = opendir("/proc");
	struct dirent *de;

	*n = 0;
	if (!v || !dir) {
		free(v);
		if (dir)
			closedir(dir);
		return NULL;
	}
	while ((de = readdir(dir)) && *n < PROC_MAX) {
		char path[64], buf[512], *rp;
		FILE *f;
		size_t got;
		long ppid;
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		got = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[got] = 0;
		/* "PID (COMM) STATE PPID ...": COMM may hold blanks and parens */
		if (!(rp = strrchr(buf, ')')) || sscanf(rp + 1, " %*c %ld", &ppid) != 1)
			continue;
		v[*n].pid = atol(de->d_name);
		v[(*n)++].ppid = ppid;
	}
	closedir(dir);
	return v;
}

static int has(const long *v, size_t n, long x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/* The live roots and all their descendants into out (at most max). */
static size_t tree(const proc_t *t, size_t nt, const long *roots, size_t nroots,
		   long *out, size_t max)
{
	size_t n = 0, before;

	for (size_t i = 0; i < nroots && n < max; i++)
		if (alive(roots[i]) && !has(out, n, roots[i]))
			out[n++] = roots[i];
	do { /* a server's tree is two or three levels deep */
		before = n;
		for (size_t i = 0; i < nt && n < max; i++)
			if (has(out, n, t[i].ppid) && !has(out, n, t[i].pid))
				out[n++] = t[i].pid;
	} while (n != before && n < max);
	return n;
}

/* Adds the pids the pid file names now to p->roots (a reload may replace
 * the process: haproxy -sf, or Apache started again). */
static void add_roots(const cc_deploy_cfg_t *cfg, cc_reload_proof_t *p)
{
	char path[CC_DEPLOY_PATH], why[CC_DEPLOY_PATH + 128];
	long pids[CC_DEPLOY_MAX_PROCS];
	size_t n = 0;

	cc_deploy_pidfile_read(cfg, path, sizeof(path), pids, CC_DEPLOY_MAX_PROCS, &n, why,
			       sizeof(why));
	for (size_t i = 0; i < n && p->nroots < CC_DEPLOY_MAX_PROCS; i++)
		if (!has(p->roots, p->nroots, pids[i]))
			p->roots[p->nroots++] = pids[i];
}

/* ------------------------------------------------------------ error log */

static long long file_size(const char *path)
{
	struct stat st;
	return path[0] && !stat(path, &st) ? (long long)st.st_size : -1;
}

/* 1 if the line is a notice or a warning, not an error (nginx "[warn]",
 * Apache "[ssl:warn]"). */
static int minor(const char *s, size_t len)
{
	static const char *const lv[] = { "warn]", "notice]", "info]", "debug]", "trace" };
	for (size_t i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
		const char *m = memmem(s, len, lv[i], strlen(lv[i]));
		if (m && m > s && (m[-1] == '[' || m[-1] == ':'))
			return 1;
	}
	return 0;
}

/* The first error line the log got since off, without nginx's timestamp;
 * "" when none. *emerg is set when some line is an [emerg] one. */
static void log_error(const char *path, long long off, char *out, size_t n, int *emerg)
{
	char buf[LOG_READ_MAX + 1];
	long long size = file_size(path);
	size_t got;
	FILE *f;

	out[0] = 0;
	*emerg = 0;
	if (off < 0 || size < 0 || !(f = fopen(path, "re")))
		return;
	if (size < off)
		off = 0; /* rotated or truncated since: all of it is new */
	if (fseeko(f, off, SEEK_SET)) {
		fclose(f);
		return;
	}
	got = fread(buf, 1, LOG_READ_MAX, f);
	fclose(f);
	buf[got] = 0;
	for (char *s = buf; *s;) {
		size_t len = strcspn(s, "\n");
		if (!s[len] && got == LOG_READ_MAX)
			break; /* a line cut by the read limit */
		if (memmem(s, len, "emerg]", 6))
			*emerg = 1;
		if (len && !out[0] && !minor(s, len)) {
			const char *t = s;
			/* nginx: "2026/12/07 16:05:25 [emerg] 806#806: ..." */
			if (len > 20 && isdigit((unsigned char)s[0]) && s[4] == '/' && s[19] == ' ')
				t = s + 20;
			snprintf(out, n, "%.*s", (int)(len - (size_t)(t - s)), t);
		}
		s += len + (s[len] != 0);
	}
}

/* ------------------------------------------------------------- reload */

/* Watches the server after the reload until it shows a new generation of
 * processes (taken), no process (gone), an [emerg] line (refused), or the
 * deadline; fills p->taken, gone, said, how. */
static void settle(const cc_deploy_cfg_t *cfg, cc_reload_proof_t *p, int wait_ms)
{
	const char *name = cc_server_name(cfg->server);
	long deadline = now_ms() + (wait_ms > 0 ? wait_ms : CC_DEPLOY_CHECK_WAIT_MS);
	long refused_at = 0, now[CC_DEPLOY_MAX_PROCS];
	long long logsize = -1;
	int emerg;

	for (;;) {
		size_t nt = 0, nn, k = 0;
		proc_t *t;
		int procs_read;
		add_roots(cfg, p);
		t = proc_table(&nt);
		procs_read = t != NULL;
		nn = t ? tree(t, nt, p->roots, p->nroots, now, CC_DEPLOY_MAX_PROCS) : 0;
		free(t);
		log_error(p->errlog, p->logoff, p->said, sizeof(p->said), &emerg);
		for (size_t i = 0; i < nn; i++) {
			if (has(p->before, p->nbefore, now[i]) || k + 12 >= sizeof(p->how))
				continue;
			if (!k)
				k = (size_t)snprintf(p->how, sizeof(p->how), "new processes of %s "
						     "since the reload:", name);
			k += (size_t)snprintf(p->how + k, sizeof(p->how) - k, " %ld", now[i]);
		}
		if (k && !refused_at) {
			/* a generation started after the reload: it took the configuration */
			p->taken = 1;
			return;
		}
		p->how[0] = 0;
		if (!procs_read) {
			snprintf(p->how, sizeof(p->how), "cannot read /proc");
			p->taken = -1;
			return;
		}
		if (!nn) {
			p->taken = 0;
			p->gone = 1;
			if (p->nbefore)
				snprintf(p->how, sizeof(p->how), "%s is no longer running after the "
					 "reload (pid file %s)", name, p->pidfile);
			else
				snprintf(p->how, sizeof(p->how), "%s is not running after the reload "
					 "(%s)", name, p->why);
			return;
		}
		if (emerg && (!refused_at || file_size(p->errlog) != logsize)) {
			refused_at = now_ms(); /* (again): the log still grows */
			logsize = file_size(p->errlog);
		}
		if (refused_at && now_ms() - refused_at >= QUIET_MS) {
			p->taken = 0;
			snprintf(p->how, sizeof(p->how), "%s refused the new configuration and "
				 "runs the previous one (pid %ld)", name, now[0]);
			return;
		}
		if (now_ms() >= deadline) {
			p->taken = 0;
			snprintf(p->how, sizeof(p->how), "%s started no new processes within %.1f s "
				 "of the reload: it still runs the previous configuration (pid %ld)",
				 name, (wait_ms > 0 ? wait_ms : CC_DEPLOY_CHECK_WAIT_MS) / 1000.0,
				 now[0]);
			return;
		}
		usleep(POLL_MS * 1000);
	}
}

int cc_deploy_reload_proved(cc_deploy_t *d, int wait_ms, cc_reload_proof_t *p,
			    cc_buf_t *out, cc_error_t *err)
{
	const cc_deploy_cfg_t *cfg = cc_deploy_cfg_of(d);
	const char *name = cc_server_name(cfg->server);
	int r, emerg;
	proc_t *t;
	size_t nt = 0;

	memset(p, 0, sizeof(*p));
	p->taken = -1;
	p->logoff = -1;
	/* the one read of the pid file before the reload */
	p->running = cc_deploy_pidfile_read(cfg, p->pidfile, sizeof(p->pidfile), p->roots,
					    CC_DEPLOY_MAX_PROCS, &p->nroots, p->why,
					    sizeof(p->why));
	if ((t = proc_table(&nt)))
		p->nbefore = tree(t, nt, p->roots, p->nroots, p->before, CC_DEPLOY_MAX_PROCS);
	free(t);
	errlog_path(cfg, p->nroots ? p->roots[0] : 0, p->errlog, sizeof(p->errlog));
	p->logoff = file_size(p->errlog);
	r = cc_deploy_run_step(d, 1, p->roots, p->nroots, out, err);
	if (r) {
		/* the server's own line: the command said it (haproxy's [ALERT],
		 * nginx -s reload's open() of the pid file) or its log did */
		p->taken = 0;
		p->failed = 1;
		log_error(p->errlog, p->logoff, p->said, sizeof(p->said), &emerg);
		if (!p->said[0] && err)
			snprintf(p->said, sizeof(p->said), "%s", err->msg);
		snprintf(p->how, sizeof(p->how), "the reload command failed");
		return r;
	}
	if (p->running < 0 && !p->pidfile[0]) {
		snprintf(p->how, sizeof(p->how), "cannot tell whether %s took the "
			 "configuration: %s", name, p->why);
		return 0;
	}
	settle(cfg, p, wait_ms);
	if (p->taken)
		return 0;
	return cc_err(err, CC_EINVAL, name, "%s", p->said[0] ? p->said : p->how);
}

/* -------------------------------------------------------------- sockets */

typedef struct sock {
	int v6;
	unsigned char addr[16];
	unsigned port;
	unsigned long inode;
} sock_t;

/* Listening sockets of /proc/net/tcp (v6 0) or tcp6 appended to v. */
static void read_listen(int v6, sock_t *v, size_t *n)
{
	char line[512], addr[40];
	FILE *f = fopen(v6 ? "/proc/net/tcp6" : "/proc/net/tcp", "re");
	unsigned port, st;
	unsigned long inode;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && *n < SOCK_MAX) {
		/* "sl local:port rem:port st tx:rx tr:when retr uid timeout inode" */
		if (sscanf(line, " %*d: %32[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*s %*s %lu",
			   addr, &port, &st, &inode) != 4 || st != 0x0A)
			continue;
		memset(&v[*n], 0, sizeof(v[*n]));
		v[*n].v6 = v6;
		v[*n].port = port;
		v[*n].inode = inode;
		/* each 32-bit word is printed as the host-order integer */
		if (strlen(addr) != (v6 ? 32u : 8u))
			continue;
		for (size_t w = 0; w < (v6 ? 4u : 1u); w++) {
			char hex[9];
			unsigned int word;
			memcpy(hex, addr + 8 * w, 8);
			hex[8] = 0;
			word = (unsigned int)strtoul(hex, NULL, 16);
			memcpy(v[*n].addr + 4 * w, &word, 4);
		}
		(*n)++;
	}
	fclose(f);
}

/* 1 if s would take a connection to (v6, a, port) when no socket has that
 * exact address: the wildcard of its family, or IPv6's for both. */
static int wildcard_for(const sock_t *s, int v6)
{
	static const unsigned char zero[16];
	return (!s->v6 && !v6 && !memcmp(s->addr, zero, 4)) ||
	       (s->v6 && !memcmp(s->addr, zero, 16));
}

static int exact(const sock_t *s, int v6, const unsigned char *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (s->v6 == v6)
		return !memcmp(s->addr, a, v6 ? 16 : 4);
	/* an IPv4 address on an IPv6 socket bound to ::ffff:a.b.c.d */
	return !v6 && s->v6 && !memcmp(s->addr, mapped, 12) && !memcmp(s->addr + 12, a, 4);
}

/* What is known of one socket inode: held by the server, by another process. */
typedef struct held {
	unsigned long inode;
	int inside;
	long other;
	char comm[32];
} held_t;

static void comm_of(long pid, char *out, size_t n)
{
	char path[64];
	FILE *f;

	snprintf(out, n, "?");
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((f = fopen(path, "re"))) {
		if (fgets(out, (int)n, f))
			out[strcspn(out, "\n")] = 0;
		fclose(f);
	}
}

/* Fills h[0..nh) from every process's fd table. */
static void find_holders(held_t *h, size_t nh, const long *tree_pids, size_t ntree)
{
	DIR *dir = opendir("/proc"), *fdd;
	struct dirent *de, *fe;

	while (dir && (de = readdir(dir))) {
		char path[300], link[64];
		long pid;
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = atol(de->d_name);
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		if (!(fdd = opendir(path)))
			continue;
		while ((fe = readdir(fdd))) {
			unsigned long ino;
			ssize_t len;
			char fpath[600];
			snprintf(fpath, sizeof(fpath), "%s/%s", path, fe->d_name);
			if ((len = readlink(fpath, link, sizeof(link) - 1)) <= 0)
				continue;
			link[len] = 0;
			if (sscanf(link, "socket:[%lu]", &ino) != 1)
				continue;
			for (size_t i = 0; i < nh; i++) {
				if (h[i].inode != ino)
					continue;
				if (has(tree_pids, ntree, pid))
					h[i].inside = 1;
				else if (!h[i].other) {
					h[i].other = pid;
					comm_of(pid, h[i].comm, sizeof(h[i].comm));
				}
			}
		}
		closedir(fdd);
	}
	if (dir)
		closedir(dir);
}

/* For binding b: its candidate sockets in s (exact address first, else the
 * wildcard ones); their indexes into idx, count returned. */
static size_t candidates(const cc_binding_t *b, const sock_t *s, size_t ns, size_t *idx,
			 size_t max, char *addr, size_t alen)
{
	unsigned char a[16];
	int v6 = !!strchr(b->ip, ':');
	size_t n = 0;

	snprintf(addr, alen, "%s", strcmp(b->ip, "*") ? b->ip : "127.0.0.1");
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, a) != 1)
		return 0;
	for (size_t i = 0; i < ns && n < max; i++)
		if (s[i].port == b->port && exact(&s[i], v6, a))
			idx[n++] = i;
	for (size_t i = 0; !n && i < ns && n < max; i++)
		if (s[i].port == b->port && wildcard_for(&s[i], v6))
			idx[n++] = i;
	return n;
}

/* Sockets sharing one address and port (SO_REUSEPORT): a few at most. */
#define CAND_MAX 16

int cc_deploy_owners(const cc_deploy_t *d, const cc_reload_proof_t *p,
		     const cc_binding_t *v, size_t nb, cc_listen_owner_t *res,
		     cc_error_t *err)
{
	const char *name = cc_server_name(cc_deploy_cfg_of(d)->server);
	size_t ns = 0, nt = 0, ntree = 0, nh = 0, idx[CAND_MAX];
	sock_t *s = malloc(SOCK_MAX * sizeof(*s));
	held_t *h = NULL;
	long tp[CC_DEPLOY_MAX_PROCS];
	char addr[64];
	proc_t *t;

	if (!s)
		return cc_err(err, CC_ENOMEM, name, "out of memory");
	read_listen(0, s, &ns);
	read_listen(1, s, &ns);
	if ((t = proc_table(&nt)))
		ntree = tree(t, nt, p->roots, p->nroots, tp, CC_DEPLOY_MAX_PROCS);
	free(t);
	if (!t || !(h = calloc(nb * CAND_MAX + 1, sizeof(*h)))) {
		free(s);
		return t ? cc_err(err, CC_ENOMEM, name, "out of memory")
			 : cc_err(err, CC_EIO, "/proc", "cannot read the process table");
	}
	for (size_t i = 0; i < nb; i++)
		for (size_t c = 0, k = candidates(&v[i], s, ns, idx, CAND_MAX, addr, sizeof(addr));
		     c < k; c++)
			h[nh++].inode = s[idx[c]].inode;
	find_holders(h, nh, tp, ntree);
	for (size_t i = 0, base = 0; i < nb; i++) {
		size_t k = candidates(&v[i], s, ns, idx, CAND_MAX, addr, sizeof(addr));
		cc_listen_owner_t *o = &res[i];
		memset(o, 0, sizeof(*o));
		o->state = k ? 1 : -1;
		if (!k)
			snprintf(o->reason, sizeof(o->reason), "nothing listens on %s:%u", addr,
				 v[i].port);
		for (size_t c = 0; c < k; c++) {
			const held_t *x = &h[base + c];
			if (x->inside)
				continue;
			if (x->other) {
				o->state = 0;
				o->pid = x->other;
				snprintf(o->comm, sizeof(o->comm), "%s", x->comm);
				snprintf(o->reason, sizeof(o->reason), "%s:%u is answered by process "
					 "%ld (%s), not by this %s (pid file %s)", addr, v[i].port,
					 x->other, x->comm, name, p->pidfile[0] ? p->pidfile : "unknown");
				break;
			}
			o->state = -1;
			snprintf(o->reason, sizeof(o->reason), "cannot tell which process holds "
				 "the socket on %s:%u", addr, v[i].port);
		}
		base += k;
	}
	free(h);
	free(s);
	return 0;
}
