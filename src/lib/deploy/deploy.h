/* deploy.h - what deploy.c shares with the per-server files (deploy_nginx.c,
 * deploy_haproxy.c, deploy_apache.c) and deploy_stage.c. Not public. */
#ifndef CC_DEPLOY_H
#define CC_DEPLOY_H

#include "certchain.h"

/* Arguments of a built-in validate/reload command line (haproxy -sf takes a
 * pid per old process; a handful is normal). */
#define CC_DEPLOY_MAX_ARGS 24

/* What one web server adds to the shared deployment logic. */
typedef struct cc_deploy_ops {
	const char *include; /* the file certchain owns in conf_dir */
	/* Writes b's certificate files (via cc_deploy_stage_write) and lists
	 * them in b->files. chain_pem is leaf first; key_pem the key. */
	int (*write_files)(cc_deploy_t *d, cc_binding_t *b, const cc_buf_t *chain_pem,
			   const cc_buf_t *key_pem, cc_error_t *err);
	/* Appends the include's configuration binding every one of v[0..n). */
	void (*render)(const cc_deploy_cfg_t *cfg, const cc_binding_t *v, size_t n,
		       cc_buf_t *o);
	/* Command lines: BIN [PREFIX_OPT prefix] [CONF_OPT conf] [DIR_OPT
	 * conf_dir] (each when set), then the check or reload arguments. */
	const char *prefix_opt, *conf_opt, *dir_opt;
	const char *check_args[3];  /* then these for the check (NULL-ended) */
	const char *reload_args[3]; /* or these for the graceful reload */
	/* Optional: appends more reload arguments at argv[*n] (haproxy's old
	 * pids, pids[0..npids) as read from the pid file before the reload);
	 * store gives room for built strings. */
	int (*reload_more)(const cc_deploy_cfg_t *cfg, const long *pids, size_t npids,
			   const char **argv, size_t *n, char store[][CC_DEPLOY_PATH],
			   cc_error_t *err);
} cc_deploy_ops_t;

extern const cc_deploy_ops_t cc_deploy_nginx_ops;
extern const cc_deploy_ops_t cc_deploy_haproxy_ops;
extern const cc_deploy_ops_t cc_deploy_apache_ops;

/* An open deployment (deploy.c opens it; deploy_stage.c journals through it). */
struct cc_deploy {
	cc_deploy_cfg_t cfg;
	const cc_deploy_ops_t *ops;
	char state[CC_DEPLOY_PATH];
	char journal[CC_DEPLOY_PATH + 64];
	cc_store_t *st; /* borrowed; its writer lock is held while d is open */
	int locked;
	cc_binding_t *all; /* every binding, all servers */
	size_t nall;
	cc_binding_t *mine; /* this server's, rebuilt by refresh() */
	size_t nmine;
	char (*jpath)[CC_DEPLOY_PATH + 64]; /* journaled paths */
	char *jprev;                         /* 1: a .prev copy exists, 0: new file */
	size_t nj;
};

/* deploy_stage.c */
const cc_deploy_cfg_t *cc_deploy_cfg_of(const cc_deploy_t *d);
/* Appends path to d's journal in memory (prev: a .prev copy exists). */
int cc_deploy_journal_add(cc_deploy_t *d, const char *path, int prev, cc_error_t *err);
/* Atomic write / removal of a file, journaled so a rollback restores it. */
int cc_deploy_stage_write(cc_deploy_t *d, const char *path, const void *data,
			  size_t len, unsigned mode, cc_error_t *err);
int cc_deploy_stage_unlink(cc_deploy_t *d, const char *path, cc_error_t *err);
/* write_files for servers that take a fullchain PEM (leaf first) and a
 * separate key file (0600): DEPLOY_DIR/SITE.fullchain.pem and SITE.key. */
int cc_deploy_write_pair(cc_deploy_t *d, cc_binding_t *b, const cc_buf_t *chain,
			 const cc_buf_t *key, cc_error_t *err);
/* Appends b's address: "*" as ANY then the port, IPv6 as V6OPEN ADDR V6CLOSE
 * ":" PORT, IPv4 as ADDR ":" PORT. */
void cc_deploy_addr(cc_buf_t *o, const cc_binding_t *b, const char *any,
		    const char *v6open, const char *v6close);
/* 1 if no binding before v[i] has its address and port. */
int cc_deploy_first_at(const cc_binding_t *v, size_t i);
/* 1 if s may appear in a server config as a host name / listen address. */
int cc_deploy_host_ok(const char *s);
int cc_deploy_ip_ok(const char *s);

/* Runs the configuration check (reload 0) or the reload (reload 1);
 * pids[0..npids) are the server's pids read from its pid file before (for
 * haproxy -sf). */
int cc_deploy_run_step(cc_deploy_t *d, int reload, const long *pids, size_t npids,
		       cc_buf_t *out, cc_error_t *err);

/* alive.c (deploy/posix/; deploy/win/ refuses): reads the server's pid file once. pids gets up to max
 * pids it names; path the pid file ("" when it cannot be told: Apache
 * without a readable PidFile, haproxy without --haproxy-pidfile). Returns
 * 1 a named process runs, 0 none does (why says what the file holds), -1
 * cannot tell (why says why). */
int cc_deploy_pidfile_read(const cc_deploy_cfg_t *cfg, char *path, size_t pathlen,
			   long *pids, size_t max, size_t *npids, char *why, size_t whylen);

/*
 * conf_read.c (deploy/posix/): what a server's main configuration says at
 * its main level, the files it includes there followed as the server
 * follows them (nginx "include", Apache Include/IncludeOptional). Values
 * as written: Apache's ${VAR} not expanded, relative paths not resolved.
 */
typedef struct cc_conf_main {
	char pid[CC_DEPLOY_PATH];    /* nginx's pid, Apache's last PidFile; "" none */
	char pid_in[CC_DEPLOY_PATH]; /* the file that says it */
	char errlog[CC_DEPLOY_PATH]; /* nginx's first error_log, Apache's last ErrorLog */
	char root[CC_DEPLOY_PATH];   /* Apache: the ServerRoot in effect at the end */
} cc_conf_main_t;

/* Reads conf (absolute) and what it includes into m. apache: Apache's
 * syntax, root its ServerRoot until the configuration sets one (-d, or
 * the built-in); else nginx's. 0, or -1 with why naming the file and the
 * cause (unreadable, an include without a match where the server needs
 * one, an include loop, nesting past the reader's limits). */
int cc_deploy_conf_read(const char *conf, int apache, const char *root, cc_conf_main_t *m,
			char *why, size_t whylen);
/* Expands Apache's ${VAR} from the environment into out; -1 when a
 * variable is unset (its name in out). */
int cc_deploy_conf_env(const char *in, char *out, size_t n);
/* path made absolute against root, into out. */
void cc_deploy_conf_abs(const char *path, const char *root, char *out, size_t n);

#endif
