/*
 * compare_svg.c: a grouped bar chart, written as SVG text.
 *
 * Course idea: see compare_svg.h. Layout, top to bottom: title, subtitle,
 * the legend in one row (measured bars only), the plot (one group of bars
 * per workload, a value label on every bar, a dashed line at 1.0 labelled
 * in the right margin, where no bar can cover it),
 * the group names, then one line per group with its task count and the
 * absolute time of every bar, and the footnote. The plot takes the whole
 * width: no column is kept for a legend.
 *
 * Read next: weft_compare.c.
 */
#include "compare_svg.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

static const char *const colour[CHART_MAX_BARS] = {
	"#8c8c8c", "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1",
};

static void text(FILE *out, double x, double y, const char *anchor, int size, const char *s)
{
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">", x, y,
		anchor, size);
	for (; *s; s++) { /* escape the three characters XML cares about */
		if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else
			fputc(*s, out);
	}
	fputs("</text>\n", out);
}

/* A bar is shown if it was measured in at least one group. */
static bool shown(const struct chart *c, int b)
{
	for (int g = 0; g < c->ngroups; g++)
		if (c->value[g][b] >= 0)
			return true;
	return false;
}

enum { W = 820, H = 540, LEFT = 70, RIGHT = 95, TOP = 100, BOTTOM = 130 };

static void legend(const struct chart *c, FILE *out, int nshown)
{
	double slot = (double)(W - LEFT - RIGHT) / (nshown ? nshown : 1), x = LEFT;
	for (int b = 0; b < c->nbars; b++) {
		if (!shown(c, b))
			continue;
		fprintf(out, "<rect class=\"legend\" x=\"%.1f\" y=\"70\" width=\"14\" height=\"14\" "
			     "fill=\"%s\"/>\n", x, colour[b]);
		text(out, x + 20, 82, "start", 12, c->bar[b]);
		x += slot;
	}
}

/* Grid, ticks with the unit, the axis label, and the labelled 1.0 line. */
static void axes(const struct chart *c, FILE *out, double max)
{
	const double plot_w = W - LEFT - RIGHT, plot_h = H - TOP - BOTTOM;
	char buf[64];
	for (int i = 0; i <= 5; i++) {
		double v = max * i / 5, y = TOP + plot_h - plot_h * i / 5;
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n",
			LEFT, y, LEFT + plot_w, y);
		snprintf(buf, sizeof buf, "%.1f%s", v, c->unit);
		text(out, LEFT - 6, y + 4, "end", 11, buf);
	}
	double one = TOP + plot_h - plot_h / max;
	fprintf(out, "<line class=\"baseline\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		     "stroke=\"#333\" stroke-dasharray=\"4 3\"/>\n", LEFT, one, LEFT + plot_w, one);
	snprintf(buf, sizeof buf, "1.0%s = %s", c->unit, c->baseline_label); /* in the margin */
	text(out, LEFT + plot_w + 6, one + 4, "start", 11, buf);
	snprintf(buf, sizeof buf, "%s (%s)", c->value_label, c->unit);
	fprintf(out, "<text x=\"18\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
		     "transform=\"rotate(-90 18 %.1f)\">", TOP + plot_h / 2, TOP + plot_h / 2);
	fprintf(out, "%s</text>\n", buf);
	fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		LEFT, TOP + plot_h, LEFT + plot_w, TOP + plot_h);
}

/* Under the plot: "IO-bound, 100 tasks: serial 1.10 s, threads 0.19 s, ..." */
static void absolute_times(const struct chart *c, FILE *out, double y)
{
	for (int g = 0; g < c->ngroups; g++, y += 17) {
		char line[400];
		int n = snprintf(line, sizeof line, "%s, %ld tasks:", c->group[g], c->tasks[g]);
		for (int b = 0; b < c->nbars && n < (int)sizeof line; b++)
			if (c->value[g][b] >= 0)
				n += snprintf(line + n, sizeof line - (size_t)n, "%s %s %.3f s",
					      n && line[n - 1] == ':' ? "" : ",", c->bar[b],
					      c->seconds[g][b]);
		text(out, LEFT, y, "start", 11, line);
	}
	if (c->footnote)
		text(out, LEFT, y + 6, "start", 11, c->footnote);
}

int chart_write_svg(const struct chart *c, FILE *out)
{
	const double plot_w = W - LEFT - RIGHT, plot_h = H - TOP - BOTTOM;
	double max = 1.0;
	int nshown = 0;
	for (int b = 0; b < c->nbars; b++)
		nshown += shown(c, b);
	for (int g = 0; g < c->ngroups; g++)
		for (int b = 0; b < c->nbars; b++)
			max = fmax(max, c->value[g][b]);
	double step = ceil(max * 1.15 / 5 * 2) / 2; /* head room, round grid steps */
	max = step * 5;

	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		     "font-family=\"sans-serif\">\n", W, H);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	text(out, W / 2.0, 28, "middle", 18, c->title);
	text(out, W / 2.0, 48, "middle", 12, c->subtitle);
	legend(c, out, nshown);
	axes(c, out, max);

	double group_w = plot_w / c->ngroups, bar_w = group_w * 0.8 / (nshown ? nshown : 1);
	char buf[32];
	for (int g = 0; g < c->ngroups; g++) {
		double x = LEFT + g * group_w + group_w * 0.1;
		for (int b = 0; b < c->nbars; b++) {
			if (!shown(c, b))
				continue;
			double v = c->value[g][b], h = v < 0 ? 0 : plot_h * v / max;
			double y = TOP + plot_h - h;
			fprintf(out, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				     "height=\"%.1f\" fill=\"%s\"/>\n", x + 1, y, bar_w - 2, h, colour[b]);
			if (v < 0)
				snprintf(buf, sizeof buf, "not measured");
			else
				snprintf(buf, sizeof buf, "%.2f%s", v, c->unit);
			text(out, x + bar_w / 2, y - 4, "middle", 10, buf);
			x += bar_w;
		}
		text(out, LEFT + g * group_w + group_w / 2, TOP + plot_h + 20, "middle", 13,
		     c->group[g]);
	}
	absolute_times(c, out, TOP + plot_h + 48);
	fputs("</svg>\n", out);
	return ferror(out) ? -1 : 0;
}
