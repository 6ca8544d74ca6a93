/*
 * compare_svg.h: draw weft-compare's results as a grouped bar chart in SVG.
 *
 * Course idea: none of its own; it turns the measured table into a picture a
 * learner can put next to the course's. SVG is plain text, so it is written
 * directly: no plotting library needed.
 *
 * What the chart promises: only measured bars are drawn and only they have a
 * legend entry (a way of running that was not measured in any group is left
 * out, and the caller says why in the footnote); the value axis carries its
 * unit; the 1.0 line is labelled; under the plot, every group's task count
 * and every bar's absolute time are printed, so a ratio never stands alone.
 *
 * Read next: weft_compare.c, which fills in struct chart.
 */
#ifndef WEFT_COMPARE_SVG_H
#define WEFT_COMPARE_SVG_H

#include <stdio.h>

#define CHART_MAX_GROUPS 4
#define CHART_MAX_BARS 6

struct chart {
	const char *title;
	const char *subtitle;          /* machine and settings, one line */
	const char *value_label;       /* y axis, e.g. "speed-up over serial" */
	const char *unit;              /* of the values, e.g. "x" */
	const char *baseline_label;    /* what 1.0 means, e.g. "serial" (short) */
	const char *footnote;          /* e.g. why a bar is missing; may be NULL */
	int ngroups, nbars;
	const char *group[CHART_MAX_GROUPS]; /* e.g. "IO-bound", "CPU-bound" */
	long tasks[CHART_MAX_GROUPS];        /* tasks run in each group */
	const char *bar[CHART_MAX_BARS];     /* e.g. "serial", "threads", ... */
	double value[CHART_MAX_GROUPS][CHART_MAX_BARS];   /* < 0: not measured */
	double seconds[CHART_MAX_GROUPS][CHART_MAX_BARS]; /* absolute time */
};

/* Write the chart; returns 0, or -1 if writing failed. */
int chart_write_svg(const struct chart *c, FILE *out);

#endif
