/* Tests for the ring: FIFO order through wrap-around and growth, records
 * of any size, nothing allocated until the first push. */
#include <stdint.h>
#include <string.h>

#include "tests.h"
#include "ktsim/ring.h"

struct rec {
	double t;
	uint32_t id;
};

/* Interleaved pushes and pops wrap the head around before the array grows
 * (16 -> 32 -> 64 records), and the order survives every growth. */
static void ring_should_keep_fifo_order_through_wraps_and_growth(void)
{
	struct ring r;
	uint32_t next_in = 0, next_out = 0;

	ring_init(&r, sizeof(struct rec), 0);
	CU_ASSERT_PTR_NULL(r.buf);
	CU_ASSERT_EQUAL(r.cap, 0);
	for (int round = 0; round < 40; round++) {
		/* push 3, pop 2: the length grows by one a round */
		for (int k = 0; k < 3; k++)
			*(struct rec *)ring_push(&r) = (struct rec){ next_in * 0.5, next_in }, next_in++;
		for (int k = 0; k < 2; k++) {
			const struct rec *x = ring_at(&r, 0);

			CU_ASSERT_EQUAL_FATAL(x->id, next_out);
			CU_ASSERT_DOUBLE_EQUAL(x->t, next_out * 0.5, 0);
			ring_pop(&r);
			next_out++;
		}
		CU_ASSERT_EQUAL(r.len, (size_t)round + 1);
		/* ring_at(k) is the k-th from the front */
		CU_ASSERT_EQUAL(((const struct rec *)ring_at(&r, r.len - 1))->id, next_in - 1);
	}
	CU_ASSERT_EQUAL(r.cap, 64);
	while (r.len > 0) {
		CU_ASSERT_EQUAL(((const struct rec *)ring_at(&r, 0))->id, next_out++);
		ring_pop(&r);
	}
	CU_ASSERT_EQUAL(next_out, next_in);
	ring_fini(&r);
	CU_ASSERT_PTR_NULL(r.buf);
}

/* A presized ring holds at least what it was asked for without growing,
 * zeroed, in a power of two. */
static void ring_should_presize_to_a_power_of_two(void)
{
	struct ring r;
	const char *before;

	ring_init(&r, 3, 1000);
	CU_ASSERT_EQUAL(r.cap, 1024);
	CU_ASSERT_EQUAL(r.buf[0], 0);
	CU_ASSERT_EQUAL(r.buf[3 * 1024 - 1], 0);
	before = r.buf;
	for (int k = 0; k < 1024; k++)
		memset(ring_push(&r), k & 0x7f, 3);
	CU_ASSERT_PTR_EQUAL(r.buf, before);
	CU_ASSERT_EQUAL(*(const char *)ring_at(&r, 1000), 1000 & 0x7f);
	memset(ring_push(&r), 1, 3); /* the 1025th grows it */
	CU_ASSERT_EQUAL(r.cap, 2048);
	CU_ASSERT_EQUAL(*(const char *)ring_at(&r, 1000), 1000 & 0x7f);
	ring_fini(&r);
}

CU_ErrorCode suite_ring(void)
{
	static const struct test_case cases[] = {
		{ "ring_should_keep_fifo_order_through_wraps_and_growth",
		  ring_should_keep_fifo_order_through_wraps_and_growth },
		{ "ring_should_presize_to_a_power_of_two", ring_should_presize_to_a_power_of_two },
		{ NULL, NULL },
	};
	return tests_add("ring", cases);
}
