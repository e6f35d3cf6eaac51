/*
 * interview_term.h - reading the answers of the terminal interview (cmd_interview.c): with
 * line editing (libedit: arrow keys move in the line and recall earlier answers) when
 * standard input is a terminal, plain lines when it is not (answers piped in, tests).
 *
 * Ctrl-C does no work in the signal handler: it sets a flag, the read in progress returns
 * CLI_TERM_INTERRUPT, and the interview asks what to do (save and leave, discard, go on).
 */
#ifndef LCM_INTERVIEW_TERM_H
#define LCM_INTERVIEW_TERM_H

typedef struct cli_term cli_term;

typedef enum cli_term_read_result {
    CLI_TERM_LINE,      /* *line holds the answer, without its line end */
    CLI_TERM_EOF,       /* input ended */
    CLI_TERM_INTERRUPT, /* Ctrl-C (SIGINT) */
} cli_term_read_result;

/* Start reading standard input; SIGINT is caught until cli_term_close (which puts the
 * previous handler back). NULL when out of memory. */
cli_term *cli_term_open(void);
void cli_term_close(cli_term *t);
/* 1 when the answers are typed on a terminal (with line editing). */
int cli_term_interactive(const cli_term *t);
/* Show prompt (the last line of the question, kept on screen while the line is edited)
 * and read one answer; *line stays valid until the next read. Piped answers are echoed
 * after the prompt so that a transcript reads as the screen did. */
cli_term_read_result cli_term_read(cli_term *t, const char *prompt, const char **line);

#endif
