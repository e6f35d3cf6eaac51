/*
 * interview_term.c - answers of the terminal interview read with libedit or plain lines
 * (interview_term.h).
 */
#include "interview_term.h"

#include <errno.h>
#include <histedit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cli_term {
    EditLine *el; /* NULL when standard input is not a terminal */
    History *hist;
    HistEvent ev;
    const char *prompt;
    char *buf; /* the plain line read, or a copy of libedit's without its line end */
    size_t cap;
    struct sigaction old_int;
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
}

static const char *el_prompt(EditLine *el) {
    cli_term *t = NULL;
    el_get(el, EL_CLIENTDATA, &t);
    return t && t->prompt ? t->prompt : "> ";
}

cli_term *cli_term_open(void) {
    cli_term *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    /* No SA_RESTART: the read in progress returns EINTR and the flag is looked at. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &t->old_int);
    interrupted = 0;
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
        t->el = el_init("lcmon", stdin, stdout, stderr);
        t->hist = history_init();
    }
    if (t->el) {
        el_set(t->el, EL_CLIENTDATA, t);
        el_set(t->el, EL_PROMPT, el_prompt);
        el_set(t->el, EL_EDITOR, "emacs");
        el_source(t->el, NULL); /* the user's ~/.editrc, as other libedit programs do */
        if (t->hist) {
            history(t->hist, &t->ev, H_SETSIZE, 200);
            el_set(t->el, EL_HIST, history, t->hist);
        }
    }
    return t;
}

void cli_term_close(cli_term *t) {
    if (!t)
        return;
    if (t->el)
        el_end(t->el);
    if (t->hist)
        history_end(t->hist);
    sigaction(SIGINT, &t->old_int, NULL);
    free(t->buf);
    free(t);
}

int cli_term_interactive(const cli_term *t) {
    return t->el != NULL;
}

static int keep(cli_term *t, const char *s, size_t n) {
    if (n + 1 > t->cap) {
        char *grown = realloc(t->buf, n + 1);
        if (!grown)
            return 0;
        t->buf = grown;
        t->cap = n + 1;
    }
    memcpy(t->buf, s, n);
    t->buf[n] = '\0';
    return 1;
}

static void chop(char *s) {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

cli_term_read_result cli_term_read(cli_term *t, const char *prompt, const char **line) {
    *line = "";
    if (interrupted) { /* Ctrl-C while the answer before was being saved */
        interrupted = 0;
        fputc('\n', stdout);
        return CLI_TERM_INTERRUPT;
    }
    if (t->el) {
        int n = 0;
        t->prompt = prompt;
        fflush(stdout);
        const char *s = el_gets(t->el, &n);
        if (!s || n <= 0) {
            if (interrupted || (n < 0 && errno == EINTR)) {
                interrupted = 0;
                fputc('\n', stdout);
                return CLI_TERM_INTERRUPT;
            }
            fputc('\n', stdout); /* Ctrl-D leaves the cursor after the prompt */
            return CLI_TERM_EOF;
        }
        if (!keep(t, s, (size_t)n))
            return CLI_TERM_EOF;
        chop(t->buf);
        if (t->hist && *t->buf)
            history(t->hist, &t->ev, H_ENTER, t->buf);
        *line = t->buf;
        return CLI_TERM_LINE;
    }
    fputs(prompt, stdout);
    fflush(stdout);
    errno = 0;
    ssize_t n = getline(&t->buf, &t->cap, stdin);
    if (n < 0) {
        if (interrupted || errno == EINTR) {
            interrupted = 0;
            clearerr(stdin);
            fputc('\n', stdout);
            return CLI_TERM_INTERRUPT;
        }
        return CLI_TERM_EOF;
    }
    chop(t->buf);
    if (!isatty(STDIN_FILENO))
        printf("%s\n", t->buf); /* echo scripted answers so the transcript reads well */
    *line = t->buf;
    return CLI_TERM_LINE;
}
