/*
 * fleet_floor.c - the handshake-only floor of a fleet scan: the probes
 * `certchain check -f` runs (the library's cc_probe_*, the same poll loop
 * shape and concurrency), each served chain captured into a pool as check
 * captures it, and no judgement. What check -f costs per target above this
 * is the judgement and the record.
 * usage: fleet_floor TARGETS [CONCURRENCY]   (HOST:PORT [CONNECT-ADDR] lines)
 * Prints "N handshakes, F failed"; exit 1 when any failed.
 */
#include <certchain.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SLOTS 512

struct slot {
	cc_probe_t *p;
	char host[256], port[16], addr[256];
};

/* The next target of f into s; 0 at the end. */
static int next(FILE *f, struct slot *s)
{
	char line[1024], hp[600], ad[300];
	cc_probe_opts_t po = { 0 };
	cc_error_t err;
	char *c;
	int n;

	while (fgets(line, sizeof(line), f)) {
		if ((n = sscanf(line, "%599s %299s", hp, ad)) < 1 || !(c = strrchr(hp, ':')))
			continue;
		*c = 0;
		snprintf(s->host, sizeof(s->host), "%s", hp);
		snprintf(s->port, sizeof(s->port), "%s", c + 1);
		snprintf(s->addr, sizeof(s->addr), "%s", n == 2 ? ad : "");
		po.host = s->host;
		po.port = s->port;
		po.connect = n == 2 ? s->addr : NULL;
		po.timeout_ms = 10000;
		if (!cc_probe_new(&po, &s->p, &err))
			return 1;
	}
	return 0;
}

/* Takes the finished probe's certificates as check does; 1 if it failed. */
static int collect(struct slot *s)
{
	cc_probe_result_t pr = { 0 };
	cc_pool_t *pool = cc_pool_new();
	cc_error_t err;
	int failed = !pool || cc_probe_result(s->p, pool, &pr, &err) || pr.fail;

	cc_probe_result_clear(&pr);
	cc_pool_free(pool);
	cc_probe_free(s->p);
	s->p = NULL;
	return failed;
}

int main(int argc, char **argv)
{
	size_t nslots = argc > 2 ? (size_t)atoi(argv[2]) : 32, done = 0, failed = 0;
	static struct slot slots[MAX_SLOTS];
	struct pollfd pfd[MAX_SLOTS];
	size_t who[MAX_SLOTS];
	FILE *f;
	int more = 1;

	if (argc < 2 || !nslots || nslots > MAX_SLOTS || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: fleet_floor TARGETS [CONCURRENCY <= %d]\n", MAX_SLOTS);
		return 2;
	}
	for (;;) {
		size_t np = 0;
		int tmo = -1;
		for (size_t i = 0; i < nslots; i++) {
			short ev;
			int fd, t;
			if (!slots[i].p && !(more = more && next(f, &slots[i])))
				continue;
			if ((fd = cc_probe_fd(slots[i].p, &ev, &t)) < 0) {
				failed += (size_t)collect(&slots[i]);
				done++;
				i--;
				continue;
			}
			pfd[np].fd = fd;
			pfd[np].events = ev;
			pfd[np].revents = 0;
			who[np++] = i;
			if (tmo < 0 || t < tmo)
				tmo = t;
		}
		if (!np)
			break;
		poll(pfd, np, tmo);
		for (size_t n = 0; n < np; n++)
			cc_probe_step(slots[who[n]].p, pfd[n].revents);
	}
	fclose(f);
	printf("%zu handshakes, %zu failed\n", done, failed);
	return failed ? 1 : 0;
}
