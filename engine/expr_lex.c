/*
 * expr_lex.c - tokens of the XLSForm expression language.
 *
 * XPath lets '-' and '.' appear inside names, so in ODK `${a}-1` becomes the path
 * `/data/a-1`, a different field. A form that relied on lcmon reading it as a
 * subtraction would break in every other XLSForm tool, so the lexer refuses it and says
 * how to write it.
 */
#include "expr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lcm__expr_column(const char *src, size_t at) {
    int col = 1;
    for (size_t i = 0; i < at && src[i]; i++)
        if (((unsigned char)src[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static int is_name_start(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(int c) {
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':';
}

static int is_digit(int c) {
    return c >= '0' && c <= '9';
}

static lcm_status lex_error(const lcm__lexer *lx, size_t at, const char *what, lcm_err *err) {
    return lcm_err_set(err, LCM_PARSE, "column %d: %s", lcm__expr_column(lx->src, at), what);
}

static lcm_status lex_number(lcm__lexer *lx, lcm__token *tok) {
    const char *s = lx->src + lx->pos;
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    if (s[n] == '.')
        for (n++; is_digit(s[n]);)
            n++;
    char buf[64];
    size_t k = n < sizeof buf - 1 ? n : sizeof buf - 1;
    memcpy(buf, s, k);
    buf[k] = '\0';
    tok->kind = TOK_NUM;
    tok->num = strtod(buf, NULL);
    tok->len = n;
    lx->pos += n;
    return LCM_OK;
}

static lcm_status lex_string(lcm__lexer *lx, lcm__token *tok, lcm_err *err) {
    char quote = lx->src[lx->pos];
    const char *end = strchr(lx->src + lx->pos + 1, quote);
    if (!end)
        return lex_error(lx, lx->pos, "string not closed", err);
    tok->kind = TOK_STR;
    tok->at = lx->pos + 1;
    tok->len = (size_t)(end - (lx->src + tok->at));
    lx->pos = (size_t)(end - lx->src) + 1;
    return LCM_OK;
}

static lcm_status lex_var(lcm__lexer *lx, lcm__token *tok, lcm_err *err) {
    size_t at = lx->pos + 2, n = 0;
    if (strncmp(lx->src + at, "last-saved#", 11) == 0) {
        at += 11; /* the value in the last form saved: tok->num 1 */
        tok->num = 1;
    }
    const char *s = lx->src + at;
    if (!is_name_start((unsigned char)s[0]))
        return lex_error(lx, lx->pos, "'${' must be followed by a field name", err);
    while (is_name_char((unsigned char)s[n]))
        n++;
    if (s[n] != '}')
        return lex_error(lx, lx->pos, "field reference not closed with '}'", err);
    tok->kind = TOK_VAR;
    tok->at = at;
    tok->len = n;
    lx->pos = at + n + 1;
    if (lx->src[lx->pos] == '-')
        return lex_error(lx, lx->pos,
                         "'-' right after a field reference is read as part of a name in "
                         "XLSForm: put spaces around the minus ('${a} - 1')",
                         err);
    return LCM_OK;
}

static int lex_operator(lcm__lexer *lx, lcm__token *tok) {
    static const struct {
        const char *text;
        lcm__tok_kind kind;
    } ops[] = {{"!=", TOK_NE},   {"<=", TOK_LE},  {">=", TOK_GE},    {"..", TOK_DOTDOT},
               {"=", TOK_EQ},    {"<", TOK_LT},   {">", TOK_GT},     {"+", TOK_PLUS},
               {"-", TOK_MINUS}, {"*", TOK_STAR}, {"(", TOK_LPAREN}, {")", TOK_RPAREN},
               {",", TOK_COMMA}, {".", TOK_DOT},  {"/", TOK_SLASH},  {"[", TOK_LBRACK},
               {"]", TOK_RBRACK}};
    const char *s = lx->src + lx->pos;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].text);
        if (strncmp(s, ops[i].text, n) == 0) {
            tok->kind = ops[i].kind;
            tok->len = n;
            lx->pos += n;
            return 1;
        }
    }
    return 0;
}

lcm_status lcm__lex_next(lcm__lexer *lx, lcm__token *tok, lcm_err *err) {
    while (strchr(" \t\r\n", lx->src[lx->pos]) && lx->src[lx->pos])
        lx->pos++;
    const char *s = lx->src + lx->pos;
    lcm_status st = LCM_OK;
    memset(tok, 0, sizeof *tok);
    tok->at = tok->start = lx->pos;
    if (!*s)
        tok->kind = TOK_END;
    else if (is_digit((unsigned char)s[0]) || (s[0] == '.' && is_digit((unsigned char)s[1])))
        st = lex_number(lx, tok);
    else if (s[0] == '\'' || s[0] == '"')
        st = lex_string(lx, tok, err);
    else if (s[0] == '$' && s[1] == '{')
        st = lex_var(lx, tok, err);
    else if (is_name_start((unsigned char)s[0])) {
        size_t n = 0;
        while (is_name_char((unsigned char)s[n]))
            n++;
        tok->kind = TOK_NAME;
        tok->len = n;
        lx->pos += n;
    } else if (!lex_operator(lx, tok)) {
        char what[64];
        if ((unsigned char)s[0] < 0x80 && s[0] > ' ')
            snprintf(what, sizeof what, "unexpected character '%c'", s[0]);
        else
            snprintf(what, sizeof what, "unexpected character");
        st = lex_error(lx, lx->pos, what, err);
    }
    return st;
}
