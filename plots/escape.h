/*
 * escape.h - making text from data safe inside gnuplot scripts, HTML and XML (Word) reports.
 *
 * City names, labels and comments come from users. gnuplot can run shell commands
 * (system(), backticks, `!`), so data text is only ever placed inside a single-quoted
 * gnuplot string, where nothing is interpreted but '' for a quote. HTML text is escaped
 * for element content and attribute values alike. Both quoters also repair text that is
 * not valid UTF-8, because cairo and browsers garble (or reject) the whole string otherwise.
 */
#ifndef LCM_PLOTS_ESCAPE_H
#define LCM_PLOTS_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Write s as a single-quoted gnuplot string literal into out (size cap), including the
 * quotes. Quotes are doubled; newlines and other control characters become spaces, since
 * a newline would end the command; bytes that are not valid UTF-8 become '?'. Returns the
 * length needed (excluding the NUL), as snprintf does, so a result >= cap means truncation. */
size_t lcm_gp_quote(const char *s, char *out, size_t cap);

/* The same literal as lcm_gp_quote, written to fp. Returns 0, or -1 on a write error. */
int lcm_gp_quote_fp(FILE *fp, const char *s);

/* Escape &, <, >, " and ' for HTML; control characters other than tab and newline become
 * spaces and invalid UTF-8 becomes U+FFFD. Same return convention as lcm_gp_quote. */
size_t lcm_html_escape(const char *s, char *out, size_t cap);

/* The same escaping as lcm_html_escape, written to fp. Returns 0, or -1 on a write error. */
int lcm_html_escape_fp(FILE *fp, const char *s);

/* Escape &, <, >, " and ' for XML 1.0 text and attributes (the .docx parts): tab and
 * newline become spaces, other control characters and U+FFFE/U+FFFF are dropped, invalid
 * UTF-8 becomes U+FFFD. Same return conventions as the HTML escapers. */
size_t lcm_xml_escape(const char *s, char *out, size_t cap);
int lcm_xml_escape_fp(FILE *fp, const char *s);

#endif
