/*
 * compare_svg.h: draw weft-compare's results as a grouped bar chart in SVG.
 *
 * Course idea: none of its own; it turns the measured table into a picture a
 * learner can put next to the course's. SVG is plain text, so it is written
 * directly: no plotting library needed.
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
	int ngroups, nbars;
	const char *group[CHART_MAX_GROUPS]; /* e.g. "IO-bound", "CPU-bound" */
	const char *bar[CHART_MAX_BARS];     /* e.g. "serial", "threads", ... */
	double value[CHART_MAX_GROUPS][CHART_MAX_BARS]; /* < 0: not measured */
};

/* Write the chart; returns 0, or -1 if writing failed. */
int chart_write_svg(const struct chart *c, FILE *out);

#endif
