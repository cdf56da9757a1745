/* fleet.h - what the fleet files share inside the library. */
#ifndef CC_FLEET_H
#define CC_FLEET_H

#include "internal.h"

/* The finding ids counted (borrowed from s), in first-seen order; at most max. */
size_t cc_fleet_summary_ids(const cc_fleet_summary_t *s, const char **out, size_t max);

#endif
