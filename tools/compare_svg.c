/*
 * compare_svg.c: a grouped bar chart, written as SVG text.
 *
 * Course idea: see compare_svg.h. Layout: one group of bars per workload, one
 * bar per way of running it, a value label on every bar, a dashed line at
 * 1.0 (as fast as serial), and a legend. Bars not measured (value < 0) are
 * drawn as a grey "n/a" stub, so a missing mode is visible, not silently absent.
 *
 * Read next: weft_compare.c.
 */
#include "compare_svg.h"

#include <math.h>

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

int chart_write_svg(const struct chart *c, FILE *out)
{
	const double W = 820, H = 480, left = 70, right = 170, top = 70, bottom = 60;
	const double plot_w = W - left - right, plot_h = H - top - bottom;
	double max = 1.0;
	for (int g = 0; g < c->ngroups; g++)
		for (int b = 0; b < c->nbars; b++)
			if (c->value[g][b] > max)
				max = c->value[g][b];
	/* Head room for the labels, and five grid steps of a round size. */
	double step = ceil(max * 1.15 / 5 * 2) / 2;
	max = step * 5;
	char buf[64];

	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		     "font-family=\"sans-serif\">\n", W, H);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	text(out, W / 2, 28, "middle", 18, c->title);
	text(out, W / 2, 48, "middle", 12, c->subtitle);

	for (int i = 0; i <= 5; i++) { /* y axis grid and ticks */
		double v = max * i / 5, y = top + plot_h - plot_h * i / 5;
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n",
			left, y, left + plot_w, y);
		snprintf(buf, sizeof buf, "%.1f", v);
		text(out, left - 6, y + 4, "end", 11, buf);
	}
	double one = top + plot_h - plot_h / max;
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" "
		     "stroke-dasharray=\"4 3\"/>\n", left, one, left + plot_w, one);
	fprintf(out, "<text x=\"18\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
		     "transform=\"rotate(-90 18 %.1f)\">%s</text>\n",
		top + plot_h / 2, top + plot_h / 2, c->value_label);

	double group_w = plot_w / c->ngroups, bar_w = group_w * 0.8 / c->nbars;
	for (int g = 0; g < c->ngroups; g++) {
		double gx = left + g * group_w + group_w * 0.1;
		for (int b = 0; b < c->nbars; b++) {
			double v = c->value[g][b], x = gx + b * bar_w;
			double h = v < 0 ? 4 : plot_h * v / max, y = top + plot_h - h;
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				     "fill=\"%s\"/>\n", x + 1, y, bar_w - 2, h,
				v < 0 ? "#dddddd" : colour[b]);
			if (v < 0)
				snprintf(buf, sizeof buf, "n/a");
			else
				snprintf(buf, sizeof buf, "%.2f", v);
			text(out, x + bar_w / 2, y - 4, "middle", 10, buf);
		}
		text(out, gx + group_w * 0.4, top + plot_h + 20, "middle", 13, c->group[g]);
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		left, top + plot_h, left + plot_w, top + plot_h);

	for (int b = 0; b < c->nbars; b++) { /* legend */
		double y = top + 10 + b * 22;
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\"/>\n",
			W - right + 20, y - 11, colour[b]);
		text(out, W - right + 40, y, "start", 12, c->bar[b]);
	}
	fputs("</svg>\n", out);
	return ferror(out) ? -1 : 0;
}
