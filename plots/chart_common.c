/*
 * chart_common.c - the plumbing every chart kind shares: option checks, data files of
 * numbers, quoted script fragments, small statistics for reference lines, and the wrapper
 * that draws one chart body as PNG and SVG.
 */
#include "chart_internal.h"
#include "escape.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void lcm__msg(char *msg, size_t cap, const char *fmt, ...) {
    if (!msg || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
}

/* File stems become file names and parts of quoted paths: keep them to a portable set. */
static int valid_name(const char *s) {
    if (!s || !*s || *s == '.' || strlen(s) > 100)
        return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *s))
            return 0;
    return 1;
}

lcm_status lcm__check_opts(const lcm_chart_opts *o, const FILE *script, char *msg, size_t cap) {
    if (!o || !script) {
        lcm__msg(msg, cap, "chart: options and script stream are required");
        return LCM_INVAL;
    }
    if (!o->dir || !*o->dir) {
        lcm__msg(msg, cap, "chart: no output directory");
        return LCM_INVAL;
    }
    if (!valid_name(o->name)) {
        lcm__msg(msg, cap, "chart: bad file name '%s' (letters, digits, _ . - only)",
                 o->name ? o->name : "(null)");
        return LCM_INVAL;
    }
    if (o->formats & ~(unsigned)(LCM_CHART_PNG | LCM_CHART_SVG) || o->width_mm < 0 ||
        o->height_mm < 0 || o->width_mm > 2000 || o->height_mm > 2000) {
        lcm__msg(msg, cap, "chart '%s': bad formats or size", o->name);
        return LCM_INVAL;
    }
    return LCM_OK;
}

lcm_status lcm__check_labels(const char *const *label, size_t n, const char *field, char *msg,
                             size_t cap) {
    if (!label) {
        lcm__msg(msg, cap, "chart: %s is required", field);
        return LCM_INVAL;
    }
    for (size_t i = 0; i < n; i++)
        if (!label[i]) {
            lcm__msg(msg, cap, "chart: %s[%zu] is NULL", field, i);
            return LCM_INVAL;
        }
    return LCM_OK;
}

void lcm__num(FILE *f, double v) {
    if (isfinite(v))
        fprintf(f, "%.10g", v);
    else
        fputs("NaN", f);
}

void lcm__set_text(FILE *f, const char *what, const char *text) {
    if (!text)
        return;
    fprintf(f, "set %s ", what);
    lcm_gp_quote_fp(f, text);
    fputc('\n', f);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double lcm__median(const double *x, size_t n) {
    double *v = malloc((n ? n : 1) * sizeof *v);
    size_t m = 0;
    if (!v)
        return NAN;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    qsort(v, m, sizeof *v, cmp_double);
    double med = m == 0 ? NAN : m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
    free(v);
    return med;
}

/* Does a come after b? NaN sorts last whatever the direction. */
static int after(double a, double b, int desc) {
    if (isnan(a) || isnan(b))
        return isnan(a) && !isnan(b);
    return desc ? a < b : a > b;
}

size_t *lcm__order(const double *v, size_t n, int desc) {
    size_t *ix = malloc((n ? n : 1) * sizeof *ix);
    if (!ix)
        return NULL;
    /* Insertion sort: stable, and n is at most LCM_CHART_MAX_N. */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && after(v[ix[j - 1]], v[i], desc); j--)
            ix[j] = ix[j - 1];
        ix[j] = i;
    }
    return ix;
}

/* Display width of the character starting with byte c: CJK and other characters of three
 * or more bytes take a full em, Latin ones about half. */
static size_t width_of(unsigned char c) {
    return c >= 0xE0 ? 2 : 1;
}

const char *lcm__clip(const char *s, size_t max, char *out, size_t cap) {
    size_t w = 0, cut = 0;
    for (size_t i = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue; /* continuation byte: not a new character */
        if (w + width_of((unsigned char)s[i]) + 2 <= max)
            cut = i + 1; /* up to this character there is room for the ellipsis */
        w += width_of((unsigned char)s[i]);
    }
    if (w <= max || cap < 4)
        return s;
    while (cut < strlen(s) && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut++; /* keep the whole of the last character */
    if (cut + 4 > cap)
        return s;
    memcpy(out, s, cut);
    memcpy(out + cut, "\xE2\x80\xA6", 4); /* U+2026 and the NUL */
    return out;
}

size_t lcm__width(const char *s) {
    size_t w = 0;
    for (size_t i = 0; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            w += width_of((unsigned char)s[i]);
    return w;
}

/* Closing punctuation a line must not start with (UTF-8 of 、，。：；）」》！？). */
static int closing(const char *p) {
    static const char *const close[] = {"、", "，", "。", "：", "；", "）", "」", "》", "！", "？"};
    for (size_t i = 0; i < sizeof close / sizeof close[0]; i++)
        if (strncmp(p, close[i], strlen(close[i])) == 0)
            return 1;
    return 0;
}

/* Length in bytes of the token at p: a run of narrow non-space characters (a word), or one
 * wide character with the closing punctuation after it. */
static size_t token(const char *p) {
    size_t i = 0;
    if ((unsigned char)p[0] >= 0xE0) {
        do {
            i++;
            while (((unsigned char)p[i] & 0xC0) == 0x80)
                i++;
        } while (p[i] && closing(p + i));
        return i;
    }
    while (p[i] && p[i] != ' ' && (unsigned char)p[i] < 0xE0)
        i++;
    return i;
}

const char *lcm__wrap(const char *s, size_t max, char *out, size_t cap) {
    size_t total = lcm__width(s);
    if (total <= max || max == 0)
        return s;
    size_t lines = (total + max - 1) / max, target = (total + lines - 1) / lines;
    size_t len = 0, lw = 0;
    int space = 0; /* a space came before this token */
    for (const char *p = s; *p;) {
        if (*p == ' ') {
            space = 1, p++;
            continue;
        }
        size_t n = token(p), tw = 0;
        for (size_t i = 0; i < n; i++)
            if (((unsigned char)p[i] & 0xC0) != 0x80)
                tw += width_of((unsigned char)p[i]);
        size_t gap = space && lw ? 1 : 0;
        if (len + n + 2 >= cap)
            return s;
        if (lw && (lw + gap + tw > max || 2 * (lw + gap) + tw > 2 * target)) {
            out[len++] = '\n';
            lw = gap = 0;
        } else if (gap) {
            out[len++] = ' ';
        }
        memcpy(out + len, p, n);
        len += n, lw += gap + tw, p += n, space = 0;
    }
    out[len] = '\0';
    return out;
}

void lcm__gp_lines(FILE *f, const char *text) {
    char line[1024];
    for (const char *p = text;;) {
        size_t n = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
        lcm_gp_quote_fp(f, line);
        if (!p[n])
            break;
        fputs(".\"\\n\".", f);
        p += n + 1;
    }
}

double lcm__rows_mm(size_t n) {
    double h = 32 + (LCM_CHART_FONT_PT + 3) * 25.4 / 72 * (double)n;
    return h < 70 ? 70 : h;
}

void lcm__city_rows(FILE *f, size_t n, const size_t *order, const double *v, const double *lo,
                    const double *hi, long highlight) {
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        fprintf(f, "%zu ", n - 1 - k);
        lcm__num(f, v[i]);
        fputc(' ', f);
        lcm__num(f, lo ? lo[i] : NAN);
        fputc(' ', f);
        lcm__num(f, hi ? hi[i] : NAN);
        fprintf(f, " %d\n", (long)i == highlight);
    }
}

void lcm__city_axis(FILE *f, const char *const *label, const size_t *order, size_t n,
                    long highlight, const char *font) {
    char clip[128];
    fputs("set ytics scale 0 (", f);
    for (size_t k = 0, first = 1; k < n; k++) {
        if ((long)order[k] == highlight)
            continue;
        fputs(first ? "" : ", ", f);
        lcm_gp_quote_fp(f, lcm__clip(label[order[k]], LCM__LABEL_MAX, clip, sizeof clip));
        fprintf(f, " %zu", n - 1 - k);
        first = 0;
    }
    fputs(")\n", f);
    for (size_t k = 0; k < n; k++)
        if ((long)order[k] == highlight) {
            fputs("set label 1 ", f);
            lcm_gp_quote_fp(f, lcm__clip(label[order[k]], LCM__LABEL_MAX, clip, sizeof clip));
            fprintf(f, " at graph 0, first %zu right offset -1,0 textcolor rgb '%s' font ",
                    n - 1 - k, LCM__C_HIGHLIGHT);
            char bold[200];
            snprintf(bold, sizeof bold, "%s:Bold,%d", font, LCM_CHART_FONT_PT);
            lcm_gp_quote_fp(f, bold);
            fputc('\n', f);
        }
    fprintf(f, "set yrange [-0.7:%zu.7]\n", n ? n - 1 : 0);
}

lcm_status lcm__job_abort(lcm__job *j, lcm_status st, const char *why) {
    if (j->data)
        fclose(j->data);
    if (j->body)
        fclose(j->body);
    free(j->buf);
    j->data = j->body = NULL;
    j->buf = NULL;
    if (why)
        lcm__msg(j->msg, j->cap, "chart '%s': %s", j->o ? j->o->name : "?", why);
    return st;
}

lcm_status lcm__job_start(lcm__job *j, const lcm_chart_opts *o, FILE *script, lcm_status spec,
                          const char *header, char *msg, size_t cap) {
    memset(j, 0, sizeof *j);
    j->script = script, j->msg = msg, j->cap = cap;
    if (spec != LCM_OK)
        return spec;
    lcm_status st = lcm__check_opts(o, script, msg, cap);
    if (st != LCM_OK)
        return st;
    j->o = o;
    int n = snprintf(j->path, sizeof j->path, "%s/%s.dat", o->dir, o->name);
    if (n < 0 || (size_t)n >= sizeof j->path)
        return lcm__job_abort(j, LCM_INVAL, "output directory path too long");
    if (!(j->data = fopen(j->path, "w"))) {
        lcm__msg(msg, cap, "cannot write '%s': %s", j->path, strerror(errno));
        return LCM_IO;
    }
    fprintf(j->data, "# %s\n", header);
    return LCM_OK;
}

lcm_status lcm__job_body(lcm__job *j, const char *title) {
    int bad = ferror(j->data);
    if (fclose(j->data) != 0 || bad) {
        j->data = NULL;
        lcm__msg(j->msg, j->cap, "cannot write '%s': %s", j->path, strerror(errno));
        return lcm__job_abort(j, LCM_IO, NULL);
    }
    j->data = NULL;
    if (!(j->body = open_memstream(&j->buf, &j->len)))
        return lcm__job_abort(j, LCM_NOMEM, "out of memory");
    lcm__set_text(j->body, "title", title);
    return LCM_OK;
}

void lcm__frame(FILE *b, char grid) {
    fprintf(b, "set border 3 lc rgb '%s'\nset %ctics nomirror out\nset grid %ctics lc rgb '%s'\n",
            LCM__C_INK, grid, grid, LCM__C_GRID);
}

double lcm_chart_png_mm(int px) {
    return px * 25.4 / LCM_CHART_DPI;
}

/* The terminal for one format at print size w x h mm. Fonts are given in print points and
 * scaled to the format: cairo draws a point as 1/72 inch of pixels at 96 per inch, so a PNG
 * at LCM_CHART_DPI scales by DPI/96; SVG sizes text in CSS pixels (1/96 inch) as if they
 * were points, so it scales by 96/72. Lines scale alike, so they print as thick as drawn. */
static void terminal(FILE *s, const lcm_chart_opts *o, unsigned fmt, double w, double h) {
    const char *ext = fmt == LCM_CHART_PNG ? "png" : "svg";
    double ppi = fmt == LCM_CHART_PNG ? LCM_CHART_DPI : 96;
    double scale = fmt == LCM_CHART_PNG ? LCM_CHART_DPI / 96.0 : 96 / 72.0;
    int wp = (int)lround(w / 25.4 * ppi), hp = (int)lround(h / 25.4 * ppi);
    fputs("reset\nset encoding utf8\n", s);
    /* Labels on a white box (`with labels @lcm_box`): gnuplot's SVG draws the box as a filter,
     * which a PDF can only hold as pixels, so the SVG labels go without it (all vector). */
    fprintf(s, "lcm_box = '%s'\n", fmt == LCM_CHART_PNG ? "boxed" : "");
    /* ... and an image plot (`with image @lcm_pixels`) as rectangles, not an embedded PNG */
    fprintf(s, "lcm_pixels = '%s'\n", fmt == LCM_CHART_PNG ? "" : "pixels");
    fprintf(s,
            "set terminal %s size %d,%d noenhanced background '#ffffff' fontscale %.4g "
            "linewidth %.4g font ",
            fmt == LCM_CHART_PNG ? "pngcairo" : "svg", wp, hp, scale,
            fmt == LCM_CHART_PNG ? scale : 1.0);
    char font[200];
    snprintf(font, sizeof font, "%s,%d", lcm__font(o), LCM_CHART_FONT_PT);
    lcm_gp_quote_fp(s, font);
    fputs("\nset output ", s);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.%s", o->dir, o->name, ext);
    lcm_gp_quote_fp(s, path);
    fputc('\n', s);
}

lcm_status lcm__job_finish(lcm__job *j, double w, double h) {
    int bad = fclose(j->body) != 0;
    j->body = NULL;
    if (bad || !j->buf)
        return lcm__job_abort(j, LCM_NOMEM, "out of memory");
    const lcm_chart_opts *o = j->o;
    unsigned formats = o->formats ? o->formats : LCM_CHART_PNG | LCM_CHART_SVG;
    for (unsigned fmt = LCM_CHART_PNG; fmt <= LCM_CHART_SVG; fmt <<= 1) {
        if (!(formats & fmt))
            continue;
        terminal(j->script, o, fmt, o->width_mm ? o->width_mm : w, o->height_mm ? o->height_mm : h);
        fwrite(j->buf, 1, j->len, j->script);
        fputs("unset output\n", j->script);
    }
    if (ferror(j->script))
        return lcm__job_abort(j, LCM_IO, "cannot write the script");
    return lcm__job_abort(j, LCM_OK, NULL);
}
