/* maglev — Maglev lookup tables and Cilium's hashes (see maglev.h). */
#include "ktsim/maglev.h"

#include <string.h>

#include "ktsim/mem.h"

/* Cilium's DefaultHashSeed "JLfvgnHc2kaSUFaI" decodes to 12 bytes; the first
 * four, big-endian, seed murmur3 and the next four the IPv4 tuple jhash
 * (pkg/maglev Init: seedMurmur, SeedJhash0; pkg/datapath/linux/config passes
 * SeedJhash0 to the datapath as HASH_INIT4_SEED). */
#define SEED_MURMUR 0x24b7ef82u
#define SEED_JHASH0 0x71dcda46u

int maglev_is_prime(uint32_t m)
{
	if (m < 2)
		return 0;
	for (uint32_t d = 2; (uint64_t)d * d <= m; d++)
		if (m % d == 0)
			return 0;
	return 1;
}

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/* The little-endian word at p, whatever the host's byte order. */
static uint64_t load64le(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* smhasher MurmurHash3_x64_128, as pkg/murmur3/murmur3.go Hash128. */
void maglev_murmur3(const void *data, size_t len, uint32_t seed, uint64_t out[2])
{
	const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
	const unsigned char *p = data;
	uint64_t h1 = seed, h2 = seed, k1 = 0, k2 = 0;
	size_t tail = len & 15;

	for (size_t b = 0; b < len / 16; b++, p += 16) {
		h1 ^= rotl64(load64le(p) * c1, 31) * c2;
		h1 = (rotl64(h1, 27) + h2) * 5 + 0x52dce729;
		h2 ^= rotl64(load64le(p + 8) * c2, 33) * c1;
		h2 = (rotl64(h2, 31) + h1) * 5 + 0x38495ab5;
	}
	/* Tail bytes 8..14 go to k2 and 0..7 to k1, little-endian. */
	for (size_t i = tail; i > 8; i--)
		k2 = k2 << 8 | p[i - 1];
	if (tail > 8)
		h2 ^= rotl64(k2 * c2, 33) * c1;
	for (size_t i = tail < 8 ? tail : 8; i > 0; i--)
		k1 = k1 << 8 | p[i - 1];
	if (tail > 0)
		h1 ^= rotl64(k1 * c1, 31) * c2;
	h1 ^= len;
	h2 ^= len;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	h2 += h1;
	out[0] = h1;
	out[1] = h2;
}

static uint32_t rol32(uint32_t w, int s)
{
	return (w << s) | (w >> (32 - s));
}

uint32_t maglev_flow_hash(uint32_t saddr, uint16_t sport, uint16_t dport, uint8_t proto)
{
	/* jhash_3words(saddr, dport << 16 | sport, nexthdr, HASH_INIT4_SEED):
	 * __jhash_nwords adds initval + JHASH_INITVAL + (3 << 2) to each word,
	 * then __jhash_final (bpf/lib/jhash.h, as the kernel's linux/jhash.h). */
	uint32_t iv = SEED_JHASH0 + 0xdeadbeefu + (3u << 2);
	uint32_t a = saddr + iv, b = ((uint32_t)dport << 16 | sport) + iv, c = proto + iv;

	c ^= b;
	c -= rol32(b, 14);
	a ^= c;
	a -= rol32(c, 11);
	b ^= a;
	b -= rol32(a, 25);
	c ^= b;
	c -= rol32(b, 16);
	a ^= c;
	a -= rol32(c, 4);
	b ^= a;
	b -= rol32(a, 14);
	c ^= b;
	c -= rol32(b, 24);
	return c;
}

int maglev_build(int32_t *table, uint32_t m, const char *const *names, const int *turns, int n)
{
	int any = 0;

	for (uint32_t j = 0; j < m; j++)
		table[j] = -1;
	for (int i = 0; i < n; i++)
		any |= turns == NULL || turns[i] > 0;
	if (!maglev_is_prime(m) || !any)
		return -1;
	/* pos[i] is backend i's next preferred slot, starting at its offset;
	 * pkg/maglev getOffsetAndSkip takes the offset from murmur3's h1 and the
	 * skip from h2 of the backend string, the two halves of one 128-bit
	 * hash standing in for the paper's two independent hashes. */
	uint32_t *pos = ks_calloc((size_t)n, sizeof *pos);
	uint32_t *skip = ks_calloc((size_t)n, sizeof *skip);

	for (int i = 0; i < n; i++) {
		uint64_t h[2];

		maglev_murmur3(names[i], strlen(names[i]), SEED_MURMUR, h);
		pos[i] = (uint32_t)(h[0] % m);
		skip[i] = (uint32_t)(h[1] % (m - 1) + 1);
	}
	/* Paper Alg. 1 / GetLookupTable: backends take turns in index order,
	 * each claiming the first still-free slot of its preference list;
	 * ip_vs_mh_populate lets backend i claim turns[i] slots per turn. */
	for (uint32_t filled = 0; filled < m;)
		for (int i = 0; i < n && filled < m; i++)
			for (int t = 0; t < (turns ? turns[i] : 1) && filled < m; t++) {
				uint32_t c = pos[i];

				while (table[c] >= 0)
					c = (uint32_t)(((uint64_t)c + skip[i]) % m);
				table[c] = i;
				pos[i] = (uint32_t)(((uint64_t)c + skip[i]) % m);
				filled++;
			}
	ks_free(pos);
	ks_free(skip);
	return 0;
}
