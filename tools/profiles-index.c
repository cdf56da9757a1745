/* profiles-index.c - `make` runs this to precompute DATADIR/trust-stores/
 * profiles.idx from the built-in stores (see cc_profiles_index_write). */
#include <certchain.h>

#include <stdio.h>

int main(int argc, char **argv)
{
	cc_error_t err;

	if (argc != 2) {
		fprintf(stderr, "usage: profiles-index DATADIR\n");
		return 2;
	}
	cc_error_clear(&err);
	if (cc_profiles_index_write(argv[1], &err)) {
		fprintf(stderr, "profiles-index: %s: %s\n", err.where, err.msg);
		return 1;
	}
	return 0;
}
