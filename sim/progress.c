/* progress — a progress bar on stderr (see progress.h). */
#include "ktsim/progress.h"

#include <stdio.h>

enum { BAR_COLS = 30, LINE_COLS = 100 };

void progress_draw(const char *label, double frac, const char *detail, double elapsed_s)
{
	int k;

	frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
	k = (int)(frac * BAR_COLS);
	fprintf(stderr, "\r  %s%s[%.*s%*s] %3.0f%%  %s  ETA %.0f s ", label ? label : "",
		label ? " " : "", k, "##############################", BAR_COLS - k, "", 100 * frac,
		detail, frac > 0 ? elapsed_s / frac - elapsed_s : 0);
}

void progress_clear(void)
{
	fprintf(stderr, "\r%*s\r", LINE_COLS, "");
}
