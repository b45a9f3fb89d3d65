/* Tests for the record pool: LIFO reuse, growth, the cap, live count. */
#include <stdint.h>
#include <string.h>

#include "tests.h"
#include "ktsim/pool.h"

struct rec {
	uint32_t link; /* overwritten while free */
	uint32_t id;
	double payload[3];
};

static void pool_should_reuse_freed_records_lifo(void)
{
	struct pool p;
	uint32_t a, b, c;

	pool_init(&p, sizeof(struct rec), 1000);
	a = pool_get(&p);
	b = pool_get(&p);
	c = pool_get(&p);
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(b, 1);
	CU_ASSERT_EQUAL(c, 2);
	CU_ASSERT_EQUAL(p.live, 3);
	pool_put(&p, a);
	pool_put(&p, c);
	CU_ASSERT_EQUAL(p.live, 1);
	CU_ASSERT_EQUAL(pool_get(&p), c);
	CU_ASSERT_EQUAL(pool_get(&p), a);
	CU_ASSERT_EQUAL(pool_get(&p), 3); /* free list empty: a fresh slot */
	CU_ASSERT_EQUAL(p.live, 4);
	pool_fini(&p);
}

static void pool_should_keep_contents_when_growing(void)
{
	const uint32_t n = 10000;
	struct pool p;
	size_t bad = 0;

	pool_init(&p, sizeof(struct rec), n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = pool_get(&p);
		struct rec *r = pool_at(&p, k);

		CU_ASSERT_EQUAL_FATAL(k, i);
		r->id = i;
		r->payload[2] = i * 0.5;
	}
	CU_ASSERT(p.cap >= n);
	CU_ASSERT_EQUAL(p.cap, n); /* doubling from 64 stops at the cap */
	for (uint32_t i = 0; i < n; i++) {
		const struct rec *r = pool_at(&p, i);

		bad += r->id != i || r->payload[2] != i * 0.5;
	}
	CU_ASSERT_EQUAL(bad, 0);
	pool_fini(&p);
}

static void pool_should_grow_by_doubling_from_64(void)
{
	struct pool p;

	pool_init(&p, 4, 1u << 20);
	CU_ASSERT_EQUAL(p.cap, 0);
	pool_get(&p);
	CU_ASSERT_EQUAL(p.cap, 64);
	for (int i = 1; i < 64; i++)
		pool_get(&p);
	CU_ASSERT_EQUAL(p.cap, 64);
	pool_get(&p);
	CU_ASSERT_EQUAL(p.cap, 128);
	pool_fini(&p);
}

static void pool_should_return_none_at_the_cap(void)
{
	struct pool p;
	uint32_t got[5];

	pool_init(&p, sizeof(struct rec), 5);
	for (int i = 0; i < 5; i++) {
		got[i] = pool_get(&p);
		CU_ASSERT_NOT_EQUAL(got[i], POOL_NONE);
	}
	CU_ASSERT_EQUAL(p.live, 5);
	CU_ASSERT_EQUAL(pool_get(&p), POOL_NONE);
	CU_ASSERT_EQUAL(p.live, 5);
	pool_put(&p, got[2]);
	CU_ASSERT_EQUAL(pool_get(&p), got[2]);
	CU_ASSERT_EQUAL(pool_get(&p), POOL_NONE);
	pool_fini(&p);

	pool_init(&p, sizeof(struct rec), 0);
	CU_ASSERT_EQUAL(pool_get(&p), POOL_NONE);
	pool_fini(&p);
}

static void pool_should_bound_memory_by_peak_live(void)
{
	struct pool p;

	pool_init(&p, sizeof(struct rec), 1u << 20);
	for (int round = 0; round < 1000; round++) {
		uint32_t k[10];

		for (int i = 0; i < 10; i++)
			k[i] = pool_get(&p);
		for (int i = 0; i < 10; i++)
			pool_put(&p, k[i]);
	}
	CU_ASSERT_EQUAL(p.live, 0);
	CU_ASSERT_EQUAL(p.used, 10);
	CU_ASSERT_EQUAL(p.cap, 64);
	pool_fini(&p);
}

CU_ErrorCode suite_pool(void)
{
	static const struct test_case cases[] = {
		{ "pool_should_reuse_freed_records_lifo", pool_should_reuse_freed_records_lifo },
		{ "pool_should_keep_contents_when_growing", pool_should_keep_contents_when_growing },
		{ "pool_should_grow_by_doubling_from_64", pool_should_grow_by_doubling_from_64 },
		{ "pool_should_return_none_at_the_cap", pool_should_return_none_at_the_cap },
		{ "pool_should_bound_memory_by_peak_live", pool_should_bound_memory_by_peak_live },
		{ NULL, NULL },
	};

	return tests_add("pool", cases);
}
