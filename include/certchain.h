/*
 * certchain.h - build, rank and check TLS certificate chains, above all chains
 * that must run through a cross-signed certificate.
 *
 * This header is the manual. Every function states who owns each pointer it
 * takes or returns. Conventions:
 *   - Functions that can fail return int: 0 on success or a negative CC_E* code,
 *     and fill the optional cc_error_t (may be NULL) with the code, a one-line
 *     message and what it is about (a file, a host, a depth).
 *   - Every *_new has a *_free that accepts NULL.
 *   - The library never prints and never exits.
 *   - OpenSSL types appear only where a caller needs them (cc_cert_x509()).
 */
#ifndef CERTCHAIN_H
#define CERTCHAIN_H

/* The modules, lowest first; each header includes the ones it builds on. */
#include "certchain/base.h"
#include "certchain/x509.h"
#include "certchain/path.h"
#include "certchain/analyze.h"
#include "certchain/output.h"
#include "certchain/trust.h"
#include "certchain/store.h"
#include "certchain/pkcs12.h"
#include "certchain/probe.h"
#include "certchain/judge.h"
#include "certchain/aia.h"
#include "certchain/deploy.h"
#include "certchain/fleet.h"

#endif /* CERTCHAIN_H */
