/*
 * certchain/deploy.h - deploying a chain to nginx, HAProxy and Apache, reload and proof.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_DEPLOY_H
#define CERTCHAIN_DEPLOY_H

#include "certchain/aia.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ deploy */
/*
 * Section: deploying to web servers (deploy_*.c).
 * (Declarations of this module go below this comment.)
 */

/** The web servers certchain deploys to. */
enum cc_server { CC_SERVER_NGINX = 1, CC_SERVER_HAPROXY = 2, CC_SERVER_APACHE = 3 };

/** "nginx" / "haproxy" / "apache" to a CC_SERVER_* value; 0 when unknown. */
int cc_server_parse(const char *name);

/** The server's name ("nginx"); "?" when unknown. Static string. */
const char *cc_server_name(int server);

/* SNI names per binding: a SAN list of a real certificate rarely exceeds 20. */
#define CC_BIND_MAX_HOSTS 32
/* Served certificates per binding: real chains have 2-4; 10 leaves room. */
#define CC_BIND_MAX_CHAIN 10
/* Files deployed per binding: fullchain + key (nginx) or one combined PEM. */
#define CC_BIND_MAX_FILES 4
/* Bindings per state directory: far above one machine's sites, bounds memory. */
#define CC_BIND_MAX_SITES 2000
/* Path lengths in deployment settings and records. */
#define CC_DEPLOY_PATH 1024
/* The --profile specs of one binding, one per line: a few NAME=PATH specs
 * fit; bounds every binding kept in memory (CC_BIND_MAX_SITES of them). */
#define CC_BIND_PROFILES_LEN 4096

/**
 * Where one server's files go and how it is validated and reloaded. Plain
 * data; every string is "" when unset. Settings are stored as "key = value"
 * lines (keys: conf_dir, deploy_dir, bin, prefix, conf, pidfile,
 * validate_cmd, reload_cmd, listen) by cc_deploy_cfg_save().
 */
typedef struct cc_deploy_cfg {
	int server;                           /**< CC_SERVER_* */
	char conf_dir[CC_DEPLOY_PATH];        /**< where the generated include goes */
	char deploy_dir[CC_DEPLOY_PATH];      /**< where certificates and keys go */
	char bin[CC_DEPLOY_PATH];             /**< the nginx / haproxy / apache2ctl executable */
	char prefix[CC_DEPLOY_PATH];          /**< nginx -p PREFIX ("" = built in) */
	char conf[CC_DEPLOY_PATH];            /**< nginx -c / haproxy's main -f / apache -f file */
	char pidfile[CC_DEPLOY_PATH];         /**< haproxy -p (reload with -sf) */
	char validate_cmd[CC_DEPLOY_PATH];    /**< replaces the built-in check; /bin/sh -c */
	char reload_cmd[CC_DEPLOY_PATH];      /**< replaces the built-in reload; /bin/sh -c */
	char listen[8];                       /**< apache: "no" = the main config has the Listen lines */
} cc_deploy_cfg_t;

/**
 * The system defaults for server: Debian's paths (/etc/nginx/conf.d,
 * /etc/haproxy/conf.d with /etc/haproxy/haproxy.cfg and /run/haproxy.pid,
 * /etc/apache2/sites-enabled with apache2ctl), certificates in
 * /etc/ssl/certchain.
 */
void cc_deploy_cfg_defaults(cc_deploy_cfg_t *cfg, int server);

/** Sets one setting by its key (see cc_deploy_cfg_t). CC_EINVAL on an unknown key or a value with control characters or too long. */
int cc_deploy_cfg_set(cc_deploy_cfg_t *cfg, const char *key, const char *value,
		      cc_error_t *err);

/**
 * Reads "key = value" lines from path over cfg ('#' starts a comment). A
 * missing file is CC_ENOTFOUND (cfg unchanged); an unknown key is CC_EINVAL
 * naming the file and line.
 */
int cc_deploy_cfg_load(cc_deploy_cfg_t *cfg, const char *path, cc_error_t *err);

/** Writes cfg to path atomically. */
int cc_deploy_cfg_save(const cc_deploy_cfg_t *cfg, const char *path,
		       cc_error_t *err);

/**
 * One site bound on a server: where it listens, for which names, which
 * certificate and what was deployed. Plain data.
 */
typedef struct cc_binding {
	char site[65];                        /**< [A-Za-z0-9._-], not starting with '.' */
	int server;                           /**< CC_SERVER_* */
	char ip[64];                          /**< an address, or "*" for every address */
	unsigned port;                        /**< 1..65535 */
	char hosts[CC_BIND_MAX_HOSTS][256];   /**< SNI names (server_name / crt-list filters) */
	size_t nhosts;
	char cert[256];                       /**< the certificate's friendly name or CN */
	char chain[CC_BIND_MAX_CHAIN][65];    /**< SHA-256 of each deployed certificate, leaf first */
	size_t nchain;
	char files[CC_BIND_MAX_FILES][CC_DEPLOY_PATH]; /**< deployed files */
	size_t nfiles;
	time_t deployed;                      /**< when it was deployed */
	char profiles[CC_BIND_PROFILES_LEN];  /**< the trust profile specs bind ranked the chain
						   with, '\n'-separated; "" = the default set */
	int policy;                           /**< enum cc_policy bind validated with */
} cc_binding_t;

/** 1 if name is a valid site name (1-64 of [A-Za-z0-9._-], no leading '.'). */
int cc_site_name_ok(const char *name);

/**
 * Every binding recorded in the store (its "bindings" directory, one
 * "key = value" file per site), sorted by site name. *v is the caller's:
 * free() it. No bindings yet gives *n = 0.
 */
int cc_bindings_load(cc_store_t *st, cc_binding_t **v, size_t *n,
		     cc_error_t *err);

/**
 * An open deployment for one server: its settings, the bindings state and
 * the journal of changes not yet confirmed by a reload. Opening takes the
 * store's writer lock (cc_store_lock), held until cc_deploy_free(), so bind,
 * unbind and reload never interleave with each other or with store writes.
 * State lives in the store directory: bindings/SITE.binding,
 * deploy/SERVER.journal, and FILE.prev beside every file replaced.
 */
typedef struct cc_deploy cc_deploy_t;

/**
 * Opens the deployment of cfg->server in st (borrowed: must outlive the
 * deployment). cfg is copied. *out is the caller's: free with cc_deploy_free().
 */
int cc_deploy_open(cc_store_t *st, const cc_deploy_cfg_t *cfg,
		   cc_deploy_t **out, cc_error_t *err);

/** Releases the lock and frees d. Pending changes stay pending. Accepts NULL. */
void cc_deploy_free(cc_deploy_t *d);

/**
 * Deploys chain (leaf first, anchor left out; certificates borrowed) and key
 * for binding b: the certificate files into the deploy directory (key files
 * 0600), the binding record, and the server's regenerated include holding
 * every binding of this server. b->server must be the deployment's server;
 * b->chain, b->files and b->deployed are filled. The key must match the leaf
 * (CC_EINVAL otherwise). Every file replaced is kept as FILE.prev and every
 * change journaled until cc_deploy_commit() or cc_deploy_rollback(); a
 * binding with the same site is replaced. Binding a site that belongs to
 * another server is CC_EINVAL.
 */
int cc_deploy_bind(cc_deploy_t *d, cc_binding_t *b, const cc_certlist_t *chain,
		   EVP_PKEY *key, cc_error_t *err);

/** Removes the site's binding, files and include entry (journaled). CC_ENOTFOUND if unknown. */
int cc_deploy_unbind(cc_deploy_t *d, const char *site, cc_error_t *err);

/** 1 when changes await a reload (a journal exists), else 0. */
int cc_deploy_pending(const cc_deploy_t *d);

/**
 * Runs the server's configuration check (nginx -t, haproxy -c, apache -t, or
 * validate_cmd). The command's output is appended to out (may be NULL).
 * Returns 0 when it passes; CC_EINVAL with err naming the command and the
 * first error line when it fails; CC_EIO when it could not run.
 */
int cc_deploy_validate(cc_deploy_t *d, cc_buf_t *out, cc_error_t *err);

/**
 * Reloads gracefully (nginx -s reload; haproxy -sf with the pid file;
 * apache -k graceful; or
 * reload_cmd). Output appended to out. Returns 0 or a negative code as
 * cc_deploy_validate(). Reloads are asynchronous: check what is served.
 */
int cc_deploy_reload(cc_deploy_t *d, cc_buf_t *out, cc_error_t *err);

/** Confirms the journaled changes: deletes the .prev copies and the journal. */
int cc_deploy_commit(cc_deploy_t *d, cc_error_t *err);

/**
 * Undoes the journaled changes: every replaced or removed file gets its
 * .prev content back, every new file is removed. The server is not reloaded.
 */
int cc_deploy_rollback(cc_deploy_t *d, cc_error_t *err);

/**
 * The bindings of this server that a pending change removed: records that
 * existed at the last proven reload (kept as .prev) and are gone now. *v is
 * the caller's, free() it; none gives *n = 0.
 */
int cc_deploy_removed(const cc_deploy_t *d, cc_binding_t **v, size_t *n,
		      cc_error_t *err);

/** The bindings of this deployment's server, as last written. Borrowed from d, valid until the next call on d. */
const cc_binding_t *cc_deploy_bindings(const cc_deploy_t *d, size_t *n);

/**
 * Whether d's server runs, from its pid file (nginx: the "pid" directive
 * of the main configuration or a file it includes at main level, relative
 * to the prefix; Apache: the last PidFile at top level, included files
 * followed, relative to ServerRoot; haproxy: the configured pid file).
 * Returns 1 running, 0 not running (why says which pid file and what it
 * holds), -1 cannot tell (a custom reload command, an unreadable
 * configuration or included file, an include loop).
 */
int cc_deploy_running(const cc_deploy_t *d, char *why, size_t n);

/*
 * Processes of one server followed across a reload: nginx and Apache run a
 * parent and a few workers, HAProxy one process per pid-file line; 256 is
 * far above that and bounds the proof's memory.
 */
#define CC_DEPLOY_MAX_PROCS 256

/**
 * What a reload did to the server, established from the server itself and
 * not from the reload command's exit status (nginx -s reload and apache -k
 * graceful only send a signal; the server may then refuse the configuration
 * and keep the old one, or exit). Plain data, filled by
 * cc_deploy_reload_proved(); pass it on to cc_deploy_owners().
 */
typedef struct cc_reload_proof {
	int running;                     /**< before the reload: 1 running, 0 not (why says), -1 cannot tell */
	char pidfile[CC_DEPLOY_PATH];    /**< the pid file the configuration names, "" unknown */
	char errlog[CC_DEPLOY_PATH];     /**< the error log followed, "" unknown (HAProxy: its output) */
	char why[CC_DEPLOY_PATH + 128];  /**< not running: which pid file and what it holds; cannot tell: why */
	int taken;                       /**< 1 the server took the configuration, 0 it did not, -1 cannot tell */
	int gone;                        /**< 1 no process of the server runs after the reload */
	int failed;                      /**< 1 the reload command itself failed (exit status) */
	char said[512];                  /**< the server's own error line since the reload, "" none */
	char how[256];                   /**< what showed the outcome ("new worker processes 812 813") */
	long roots[CC_DEPLOY_MAX_PROCS]; /**< pids the pid file named before and after the reload */
	size_t nroots;
	long before[CC_DEPLOY_MAX_PROCS]; /**< the server's processes (roots and descendants) before */
	size_t nbefore;
	long long logoff;                /**< the error log's size before the reload, -1 none */
} cc_reload_proof_t;

/**
 * Reloads the server as cc_deploy_reload() does, and then establishes
 * whether it took the new configuration: the pid file is read once before
 * the reload (the server's processes and the end of its error log are
 * noted), then for up to wait_ms (0 = CC_DEPLOY_CHECK_WAIT_MS) it watches
 * for a new generation of processes under the server (nginx and Apache
 * workers, HAProxy's new process: taken), the server's exit (gone) or an
 * [emerg] line in its error log (refused). p is filled in every case. The
 * command's output is appended to out (may be NULL).
 *
 * Returns 0 when the server took it (p->taken 1), or when that cannot be
 * told (p->taken -1: no pid file configured, a process certchain may not
 * inspect; p->why says which); CC_EINVAL when it did not (err quotes the
 * server's own error line, or says what was seen; p->running 0 with a
 * failed command means the server was not running); CC_EIO when the command
 * could not run.
 */
int cc_deploy_reload_proved(cc_deploy_t *d, int wait_ms, cc_reload_proof_t *p,
			    cc_buf_t *out, cc_error_t *err);

/** Who accepts the connections for one binding's address and port. */
typedef struct cc_listen_owner {
	int state;        /**< 1 only the server's processes, 0 another process, -1 cannot tell */
	long pid;         /**< state 0: the other process */
	char comm[32];    /**< state 0: its command name */
	char reason[320]; /**< state 0 or -1: one line saying what was found */
} cc_listen_owner_t;

/**
 * For every binding of v[0..n) (d's, or removed ones), the listening
 * TCP sockets that accept a connection to its address and port (the address
 * itself, else the wildcard one; "*" is probed on 127.0.0.1), from
 * /proc/net/tcp and tcp6, and their owners, matched by socket inode against
 * /proc/PID/fd: state 1 when each such socket is held by the server's
 * process tree (the pids in p->roots and their descendants), 0 when one is
 * held only by a process outside it, -1 when nothing listens there or an
 * owner cannot be read. res has n entries (caller's array). Returns 0 or a
 * negative code (CC_EIO when /proc cannot be read).
 */
int cc_deploy_owners(const cc_deploy_t *d, const cc_reload_proof_t *p,
		     const cc_binding_t *v, size_t n, cc_listen_owner_t *res,
		     cc_error_t *err);

/** What a binding serves for one SNI name, compared with what was deployed. */
typedef struct cc_served {
	char sni[256];        /**< the name sent ("*." becomes "certchain-check.") */
	int fail;             /**< enum cc_probe_fail of the last attempt */
	char reason[256];     /**< connection failure or the difference; "" when equal */
	int match;            /**< 1: the served chain equals the deployed one */
	size_t nserved;       /**< certificates served */
	char leaf[65];        /**< SHA-256 of the served leaf, "" if none */
} cc_served_t;

/*
 * How long cc_deploy_check() waits for a reload to show: nginx and HAProxy
 * start new workers within a second or two; 15 s covers a loaded machine
 * without hanging a deployment on a server that ignored the reload.
 */
#define CC_DEPLOY_CHECK_WAIT_MS 15000

/**
 * Connects to b's address and port (loopback for "*") once per host name,
 * with that name as SNI, and compares the certificates served, in order,
 * with b->chain. Reloads are asynchronous and old workers keep accepting
 * for a moment, so it retries every 250 ms until every name has served the
 * deployed chain on every attempt for one second, or wait_ms (0 = the
 * default above) has passed (then the last attempt decides). res receives b->nhosts entries. Returns 1 when every name
 * serves exactly the deployed chain, 0 when one does not, or a negative code.
 */
int cc_deploy_check(const cc_binding_t *b, int wait_ms,
		    cc_served_t res[CC_BIND_MAX_HOSTS], cc_error_t *err);

/**
 * The opposite proof for a removed binding b: connects as cc_deploy_check()
 * and returns 1 once no name has served b's leaf (b->chain[0]) for one
 * second (a refused connection or another certificate both count as gone),
 * 0 when a name still serves it at the deadline, or a negative code. In res,
 * match is 1 for a name that still serves the removed leaf.
 */
int cc_deploy_check_gone(const cc_binding_t *b, int wait_ms,
			 cc_served_t res[CC_BIND_MAX_HOSTS], cc_error_t *err);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_DEPLOY_H */
