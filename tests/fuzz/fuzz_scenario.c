/* libFuzzer target for the scenario loader (`make fuzz`): any bytes must
 * give either a cluster or a clean input error, never a crash, a leak or
 * undefined behaviour. Loading includes placement and endpoints; the
 * simulation is built (streams, pools, expected shares) but not run, so an
 * input asking for a long run costs nothing. Oversized layouts are skipped
 * to keep each input fast. */
#include <stddef.h>
#include <stdint.h>

#include "ktsim/scenario.h"
#include "ktsim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cluster *c;
	struct err e;

	err_init(&e);
	if (scenario_parse(&c, "fuzz.json", (const char *)data, size, &e) == 0) {
		if (c->nnodes <= 2000 && c->npods <= 20000 && c->nservices <= 200) {
			struct sim *s = sim_create(c, c->seed, 0);

			sim_destroy(s);
		}
		cluster_destroy(c);
	}
	return 0;
}
