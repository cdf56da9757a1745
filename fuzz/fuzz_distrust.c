/*
 * fuzz_distrust.c - libFuzzer target: a profile's distrust-after file
 * (cc_profile_add_distrust), read as both kinds, then every entry listed.
 * The input is handed over as a file, the way the library reads it (an
 * anonymous memory file: no disk). Any crash, leak or sanitizer report is
 * a finding.
 */
#include "certchain.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *none = cc_pool_new();
	int fd = memfd_create("distrust", 0);
	char path[64], t[32];
	cc_error_t err;

	if (ps && none && fd >= 0 && write(fd, data, size) == (ssize_t)size &&
	    !cc_profiles_add_pool(ps, "f", none, CC_BEHAVIOUR_PATHBUILD, 1.0, "fuzz", &err)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		cc_profile_add_distrust(ps, 0, path, CC_DISTRUST_ISSUED, &err);
		cc_profile_add_distrust(ps, 0, path, CC_DISTRUST_SCT, &err);
		for (size_t k = 0; k < cc_profile_distrust_count(ps, 0); k++)
			cc_time_str(cc_profile_distrust_get(ps, 0, k)->after, t);
	}
	if (fd >= 0)
		close(fd);
	cc_pool_free(none);
	cc_profiles_free(ps);
	return 0;
}
