/* maglev — Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4,
 * Alg. 1) as Cilium builds its per-Service lookup table (pkg/maglev).
 *
 * A backend, named by a stable string (ktsim: the pod name), hashes to an
 * offset in [0, M) and a skip in [1, M); its preference list is
 * (offset + j*skip) mod M, a permutation of the slots because M is prime.
 * Backends take turns, in index order, each claiming its next unclaimed
 * preferred slot until all M slots are taken; with one claim per turn every
 * backend ends with floor(M/N) or ceil(M/N) slots. A flow goes to
 * table[hash % M], so removing one backend moves its own slots and only a
 * few others. Hashing is deterministic: murmur3 x64-128 with Cilium's
 * default seed, and Cilium's jhash of the flow tuple.
 * Ownership: the caller owns the table; nothing is kept between calls. */
#ifndef KTSIM_MAGLEV_H
#define KTSIM_MAGLEV_H

#include <stddef.h>
#include <stdint.h>

/* Cilium's default table size (pkg/maglev DefaultTableSize, a prime). */
enum { MAGLEV_M_DEFAULT = 16381 };

/* 1 when m is prime, else 0 (only prime sizes make every skip a generator). */
int maglev_is_prime(uint32_t m);

/* Fill table[0..m) with backend indexes 0..n-1. turns[i] is how many slots
 * backend i claims per round (IPVS mh's weight-derived turns; 0 leaves it
 * out); NULL means one each, as Cilium. Returns 0, or -1 with every entry -1
 * when m is not prime, n == 0 or no backend has a turn. */
int maglev_build(int32_t *table, uint32_t m, const char *const *names, const int *turns, int n);

/* The backend for a flow hash, or -1 from a failed build. */
static inline int32_t maglev_lookup(const int32_t *table, uint32_t m, uint32_t hash)
{
	return table[hash % m];
}

/* Cilium's IPv4 flow hash (bpf/lib/hash.h hash_from_tuple_v4): jhash of the
 * source address, both ports and the protocol; the destination address is
 * left out on purpose, so one client maps alike on every Service VIP. */
uint32_t maglev_flow_hash(uint32_t saddr, uint16_t sport, uint16_t dport, uint8_t proto);

/* MurmurHash3 x64-128 (the reference, little-endian), as Cilium's
 * pkg/murmur3 Hash128: out[0] = h1, out[1] = h2. */
void maglev_murmur3(const void *data, size_t len, uint32_t seed, uint64_t out[2]);

#endif
