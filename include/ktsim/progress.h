/* progress — the one-line progress bar long runs draw on stderr when it is a
 * terminal (the callers decide that): a 30-column bar, the percentage, what
 * is done in the caller's words, and the time left at the pace so far.
 * Ownership: nothing is kept between calls. */
#ifndef KTSIM_PROGRESS_H
#define KTSIM_PROGRESS_H

/* Redraw the bar in place: "  LABEL [####    ]  40%  DETAIL  ETA 12 s", for
 * fraction frac (0..1) done after elapsed_s seconds (label may be NULL). */
void progress_draw(const char *label, double frac, const char *detail, double elapsed_s);
/* Blank the bar's line, leaving the cursor at its start. */
void progress_clear(void);

#endif
