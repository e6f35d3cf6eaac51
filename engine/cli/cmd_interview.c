/*
 * cmd_interview.c - `lcmon interview`: a household questionnaire asked on the terminal,
 * one question at a time, and stored as one instance when it is done.
 *
 * Answers are read line by line from standard input, so a scripted interview (a file of
 * answers) runs the same way as a person typing. When input ends before the questionnaire
 * does, what was answered is kept as a draft rather than lost.
 */
#include "cli.h"
#include "interview.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const cmd_interview_usage[] = {
    "lcmon interview DB [--form ID] [--version V] [--lang L] [--interviewer NAME] "
    "[--wave YEAR] [--city CODE] [--source S]",
    "",
    "Ask the questions of a loaded form (default: household) on the terminal and store the",
    "answers as one instance in its response table. Type the answer and press Enter; for",
    "a choice type its code (several codes separated by spaces); an empty line keeps the",
    "value shown in [brackets]. A refused answer says why and the question comes again.",
    "If input ends early, the answers so far are stored as a draft (exit status 1).",
    "",
    "    --form ID          form_id of the questionnaire (default household)",
    "    --version V        form version (default: the latest loaded)",
    "    --lang L           language of the questions: zh (default) or en",
    "    --interviewer N    stored in the interviewer column",
    "    --wave YEAR        survey wave (default: the current year)",
    "    --city CODE        city code, for forms without a city question",
    "    --source S         stored in the source column (default: interview)",
    NULL,
};

static void show(const lcm_prompt *p, size_t lang, const lcm_form *f, FILE *out) {
    int en = strcmp(lcm_form_lang(f, lang), "en") == 0;
    if (p->kind == LCM_PROMPT_ADD_ROW) {
        fprintf(out, "\n%s %s%ld? (y/n) ", en ? "Add" : "添加", p->label, p->row);
        return;
    }
    fprintf(out, "\n%s%s", p->label, p->kind == LCM_PROMPT_NOTE ? "\n" : "");
    if (p->row > 0 && p->kind == LCM_PROMPT_QUESTION)
        fprintf(out, " (#%ld)", p->row);
    if (p->kind == LCM_PROMPT_NOTE)
        return;
    if (*p->hint)
        fprintf(out, "\n  %s", p->hint);
    const lcm_field *fd = lcm_form_field(f, (size_t)p->field);
    if (fd->type == LCM_FT_RANGE)
        fprintf(out, "\n  (%g-%g)", fd->range_start, fd->range_end);
    for (size_t k = 0; k < p->nchoices; k++)
        fprintf(out, "\n  %-5s %s", p->choices[k]->name,
                lcm_form_text(f, p->choices[k]->label, lang));
    fprintf(out, "\n%s%s%s> ", *p->value ? "[" : "", p->value, *p->value ? "] " : "");
}

/* Ask until done or input ends; returns 1 when every question was answered. */
static int ask(lcm_interview *iv, const lcm_form *f, int *code) {
    char *line = NULL;
    size_t cap = 0;
    lcm_prompt p;
    lcm_err err = {0};
    int done = 0;
    while (!done && *code == LCM_EXIT_OK) {
        if (lcm_interview_next(iv, &p, &err) != LCM_OK) {
            *code = cli_fail(&err);
            break;
        }
        if (p.kind == LCM_PROMPT_DONE) {
            done = 1;
            break;
        }
        show(&p, lcm_interview_lang(iv), f, stdout);
        if (p.kind == LCM_PROMPT_NOTE)
            continue;
        fflush(stdout);
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0)
            break;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (!isatty(STDIN_FILENO))
            printf("%s\n", line); /* echo scripted answers so the transcript reads well */
        lcm_status st = lcm_interview_answer(iv, line, &err);
        if (st == LCM_CONSTRAINT || st == LCM_INVAL)
            printf("  ! %s\n", err.msg);
        else if (st != LCM_OK)
            *code = cli_fail(&err);
    }
    free(line);
    return done;
}

static int store(lcm_db *db, lcm_instance *in, int done) {
    lcm_err err = {0};
    int complete = done;
    if (done && lcm_instance_finish(in, 1, &err) != LCM_OK) {
        cli_error("cannot complete the interview: %s", err.msg);
        complete = 0;
    }
    if (!complete && lcm_instance_finish(in, 0, &err) != LCM_OK)
        return cli_fail(&err);
    if (lcm_db_begin(db, &err) != LCM_OK || lcm_instance_insert(db, in, &err) != LCM_OK ||
        lcm_db_commit(db, &err) != LCM_OK) {
        lcm_db_rollback(db);
        return cli_fail(&err);
    }
    if (complete)
        printf("\nstored instance %s (complete)\n", lcm_instance_meta(in, "instance_id"));
    else
        cli_error("interview not finished: answers stored as draft %s",
                  lcm_instance_meta(in, "instance_id"));
    return complete ? LCM_EXIT_OK : LCM_EXIT_DATA;
}

typedef struct options {
    const char *form, *version, *lang, *interviewer, *wave, *city, *source;
} options;

static int run(const char *dbpath, const options *o) {
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_interview *iv = NULL;
    lcm_err err = {0};
    int code;
    char year[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(year, sizeof year, "%Y", &tm);
    lcm_db *db = cli_open_db(dbpath, 0, &code);
    if (!db)
        return code;
    if (lcm_form_get(db, o->form, o->version, &f, &err) != LCM_OK ||
        lcm_instance_new(f, &in, &err) != LCM_OK ||
        lcm_instance_set_meta(in, "wave", o->wave ? o->wave : year, &err) != LCM_OK ||
        lcm_instance_set_meta(in, "source", o->source, &err) != LCM_OK ||
        lcm_instance_set_meta(in, "city", o->city, &err) != LCM_OK ||
        lcm_interview_new(in, o->lang, o->interviewer, &iv, &err) != LCM_OK) {
        code = cli_fail(&err);
        goto cleanup;
    }
    printf("%s (%s %s)\n", lcm_form_title(f), lcm_form_id(f), lcm_form_version(f));
    int done = ask(iv, f, &code);
    if (code == LCM_EXIT_OK)
        code = store(db, in, done);
cleanup:
    lcm_interview_free(iv);
    lcm_instance_free(in);
    lcm_form_free(f);
    lcm_db_close(db);
    return code;
}

int cmd_interview(int argc, char **argv) {
    static const struct option opts[] = {
        {"form", required_argument, NULL, 'f'},   {"version", required_argument, NULL, 'v'},
        {"lang", required_argument, NULL, 'l'},   {"interviewer", required_argument, NULL, 'i'},
        {"wave", required_argument, NULL, 'w'},   {"city", required_argument, NULL, 'c'},
        {"source", required_argument, NULL, 's'}, {0, 0, 0, 0}};
    options o = {"household", NULL, NULL, NULL, NULL, NULL, "interview"};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char **slot = c == 'f'   ? &o.form
                            : c == 'v' ? &o.version
                            : c == 'l' ? &o.lang
                            : c == 'i' ? &o.interviewer
                            : c == 'w' ? &o.wave
                            : c == 'c' ? &o.city
                            : c == 's' ? &o.source
                                       : NULL;
        if (!slot)
            return cli_usage_error(cmd_interview_usage, "bad option");
        *slot = optarg;
    }
    if (optind + 1 != argc)
        return cli_usage_error(cmd_interview_usage,
                               optind == argc ? "missing database" : "unexpected argument: '%s'",
                               argv[optind + 1 < argc ? optind + 1 : optind]);
    return run(argv[optind], &o);
}
