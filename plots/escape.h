/*
 * escape.h - making text from data safe inside gnuplot scripts and HTML reports.
 *
 * City names, labels and comments come from users. gnuplot can run shell commands
 * (system(), backticks, `!`), so data text is only ever placed inside a single-quoted
 * gnuplot string, where nothing is interpreted but '' for a quote. HTML text is escaped
 * for element content and attribute values alike.
 */
#ifndef LCM_PLOTS_ESCAPE_H
#define LCM_PLOTS_ESCAPE_H

#include <stddef.h>

/* Write s as a single-quoted gnuplot string literal into out (size cap), including the
 * quotes. Quotes are doubled; newlines and other control characters become spaces, since
 * a newline would end the command. Returns the length needed (excluding the NUL), as
 * snprintf does, so a result >= cap means truncation. */
size_t lcm_gp_quote(const char *s, char *out, size_t cap);

/* Escape &, <, >, " and ' for HTML. Same return convention as lcm_gp_quote. */
size_t lcm_html_escape(const char *s, char *out, size_t cap);

#endif
