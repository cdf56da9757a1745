/* win.h - what the Windows-only CLI files share (Windows build only). */
#ifndef CC_WIN_H
#define CC_WIN_H

#include "cli.h"
#include "winstore.h"

/* One certificate of the Windows stores with its parsed form. */
typedef struct win_cert {
	ws_entry_t *e;      /* borrowed from the ws_list_t */
	cc_cert_t *c;       /* owned by the pool */
	char sha1[41];      /* the Windows thumbprint, upper case */
	char sha256[65];
	char cn[256];
} win_cert_t;

/* The certificates of the chosen folders (mask of 1 << WS_*). */
typedef struct win_certs {
	ws_list_t raw;
	win_cert_t *v;
	size_t n;
	cc_pool_t *pool;
	int machine; /* read from the local machine's stores (else the user's) */
} win_certs_t;

/* "LocalMachine\CA", "CurrentUser\Root", ...: where a certificate is, as
 * PowerShell's Cert: drive names it. */
const char *win_location(int machine, int folder, char *buf, size_t n);

/* Reads the folders of mask of one location (a thumbprint once per
 * folder); EXIT_USAGE printed on failure. */
int win_certs_read(int machine, unsigned mask, win_certs_t *w);
void win_certs_free(win_certs_t *w);
/* The entries sel picks: a thumbprint prefix (SHA-1 as Windows shows it,
 * or SHA-256; >= 8 hex digits, colons/blanks ignored), CN=NAME, the
 * subject DN, or a friendly name. Exactly one -> 0 and *out; none ->
 * EXIT_PROBLEM; several -> EXIT_USAGE listing them (both printed). */
int win_select(const char *cmd, win_certs_t *w, const char *sel, win_cert_t **out);

/* A private snapshot of the machine's stores as a certchain file store in
 * a new temporary directory: Root -> root (store_roots 0: the enabled ones
 * only in WIN_MACHINE_PEM, so the store adds no profile "store"), CA ->
 * intermediate (disabled ones disabled), and, when key_of is given, that
 * My certificate with its private key (exported from Windows) -> personal. */
int win_snapshot(int machine, const win_cert_t *key_of, int store_roots, char *dir, size_t n);
/* The snapshot's file of the enabled Root certificates. */
#define WIN_MACHINE_PEM "machine-roots.pem"
/* Deletes the snapshot directory and everything in it. */
void win_snapshot_remove(const char *dir);

/* Parses [--system] [--machine|--user] out of argv (removing them);
 * returns 1 when --system was there. */
int win_take_system(int *argc, char **argv, int *machine);

int win_cmd_store(int argc, char **argv, int machine);
int win_cmd_import_pfx(int argc, char **argv, int machine);
/* build/explain/verify/check/fix/export --system: runs the portable
 * command on a snapshot of the machine's stores (--store SNAPSHOT). */
int win_with_snapshot(int argc, char **argv, int machine);
int win_cmd_doctor(int argc, char **argv, int machine);
int win_cmd_bind(int argc, char **argv, int machine);

#endif
