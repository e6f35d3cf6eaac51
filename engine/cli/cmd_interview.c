/*
 * cmd_interview.c - `lcmon interview`: a questionnaire asked on the terminal, one question
 * at a time, saved as a draft after every answer and completed in one transaction.
 *
 * Answers are read line by line from standard input, so a scripted interview (a file of
 * answers, paper forms keyed in) runs the same way as a person typing. When input ends
 * before the questionnaire does, the draft saved so far stays, and `--resume ID` goes on
 * from the first question without an answer.
 */
#include "cli.h"
#include "interview.h"
#include "interview_place.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const cmd_interview_usage[] = {
    "lcmon interview DB [--form ID] [--version V] [--resume ID] [--lang L] [--interviewer NAME] "
    "[--wave YEAR] [--city CODE] [--source S]",
    "",
    "Ask the questions of a loaded form (default: household) one at a time and store the",
    "answers as one instance in its response table. Type the answer and press Enter: for a",
    "choice its code, or its number when the choices are numbered (several separated by",
    "spaces); an empty line keeps the value shown in [brackets]; '<' goes back to the",
    "previous question. A refused answer says why and the question comes again.",
    "Places are chosen by name: the city, then a numbered list of its districts and",
    "counties, their townships and streets, and their communities (residents' and village",
    "committees), from the reference data; type a number, a name or part of one (a",
    "division code is taken too).",
    "Every answer is saved at once as a draft; after the last question the instance becomes",
    "complete in one transaction, answers to questions that no longer apply dropped. If",
    "input ends early the draft stays (exit status 1): --resume ID continues it. Answers can",
    "be piped in, one per line.",
    "",
    "    --form ID          form_id of the questionnaire (default household)",
    "    --version V        form version (default: the latest loaded)",
    "    --resume ID        continue the draft interview ID (its form version is found)",
    "    --lang L           language of the questions: zh (default) or en",
    "    --interviewer N    stored in the interviewer column; the interviewer question",
    "                       starts with it",
    "    --wave YEAR        survey wave (default: the current year)",
    "    --city CODE        city code; the city question starts with it",
    "    --source S         stored in the source column (default: interview)",
    NULL,
};

static void show(const lcm_prompt *p, size_t lang, const lcm_form *f, FILE *out) {
    int en = strcmp(lcm_form_lang(f, lang), "en") == 0;
    if (p->kind == LCM_PROMPT_ADD_ROW) {
        fprintf(out, "\n%s %s%ld? (y/n) %s%s%s", en ? "Add" : "添加", p->label, p->row,
                *p->value ? "[" : "", p->value, *p->value ? "] " : "");
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
    size_t width = 0;
    for (size_t k = 0; k < p->nchoices; k++)
        if (cli_display_width(p->choices[k]->name) > width)
            width = cli_display_width(p->choices[k]->name);
    for (size_t k = 0; k < p->nchoices; k++) {
        const char *name = p->choices[k]->name;
        if (p->numbered)
            fprintf(out, "\n  %2zu  ", k + 1);
        else
            fprintf(out, "\n  ");
        fprintf(out, "%s%*s  %s", name, (int)(width - cli_display_width(name)), "",
                lcm_form_text(f, p->choices[k]->label, lang));
    }
    fprintf(out, "\n%s%s%s> ", *p->value ? "[" : "", p->value, *p->value ? "] " : "");
}

/* The draft as it stands, saved over the stored one in a transaction of its own. */
static lcm_status save_draft(lcm_db *db, lcm_instance *in, lcm_err *err) {
    lcm_status st = lcm_instance_draft(in, err);
    if (st == LCM_OK && (st = lcm_db_begin(db, err)) == LCM_OK &&
        (st = lcm_instance_save(db, in, err)) == LCM_OK)
        st = lcm_db_commit(db, err);
    if (st != LCM_OK)
        lcm_db_rollback(db);
    return st;
}

/* After every answer: a reference code is checked against the reference data, then the
 * draft is saved. A refusal here undoes the answer. */
static lcm_status after_answer(void *ud, lcm_instance *in, int field, long row, lcm_err *err) {
    lcm_db *db = ud;
    (void)row;
    lcm_status st = lcm_instance_check_reference(db, in, field, err);
    return st == LCM_OK ? save_draft(db, in, err) : st;
}

/* The last question is answered: finish the instance and store it complete over the
 * draft, all in one transaction. */
static lcm_status complete(lcm_db *db, lcm_instance *in, lcm_err *err) {
    lcm_status st = lcm_instance_finish(in, 1, err);
    if (st == LCM_OK && (st = lcm_db_begin(db, err)) == LCM_OK &&
        (st = lcm_instance_save(db, in, err)) == LCM_OK)
        st = lcm_db_commit(db, err);
    if (st != LCM_OK) {
        lcm_db_rollback(db);
        lcm_instance_set_meta(in, "status", "draft", NULL);
    }
    return st;
}

/* A problem to show the interviewer ("  ! …"), after which the interview goes on. */
static int shown(lcm_status st) {
    return st == LCM_CONSTRAINT || st == LCM_INVAL || st == LCM_NOTFOUND || st == LCM_CONFLICT;
}

/* One line of input without its line end; 0 at the end of input. */
static int read_line(char **line, size_t *cap) {
    ssize_t n = getline(line, cap, stdin);
    if (n < 0)
        return 0;
    while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
        (*line)[--n] = '\0';
    if (!isatty(STDIN_FILENO))
        printf("%s\n", *line); /* echo scripted answers so the transcript reads well */
    return 1;
}

/* Ask until the instance is stored complete or input ends; 1 when complete. */
static int ask(lcm_db *db, lcm_interview *iv, lcm_instance *in, const lcm_form *f, int *code) {
    char *line = NULL;
    size_t cap = 0;
    lcm_prompt p;
    lcm_err err = {0};
    int done = 0;
    while (!done && *code == LCM_EXIT_OK) {
        lcm_status st = lcm_interview_next(iv, &p, &err);
        if (st == LCM_OK && p.kind == LCM_PROMPT_DONE) {
            if ((st = complete(db, in, &err)) == LCM_OK) {
                done = 1;
                break;
            }
            if (shown(st)) { /* the interviewer can go back and put it right */
                printf("\n  ! %s\n", err.msg);
                if (lcm_interview_back(iv, &err) != LCM_OK)
                    break; /* nothing to go back to: it stays a draft */
                continue;
            }
        }
        if (st != LCM_OK) {
            *code = cli_fail(&err);
            break;
        }
        size_t lang = lcm_interview_lang(iv);
        int en = strcmp(lcm_form_lang(f, lang), "en") == 0;
        cli_place place;
        int is_place =
            p.kind == LCM_PROMPT_QUESTION && cli_place_for(db, f, in, p.field, p.row, en, &place);
        if (is_place) { /* a list of names instead of a code to type (interview_place.h) */
            printf("\n%s", p.label);
            cli_place_show(&place, p.value, stdout);
        } else {
            show(&p, lang, f, stdout);
        }
        if (p.kind == LCM_PROMPT_NOTE)
            continue;
        fflush(stdout);
        if (!read_line(&line, &cap)) {
            if (is_place)
                cli_place_release(&place);
            break;
        }
        const char *answer = is_place ? cli_place_resolve(&place, line, stdout) : line;
        if (!answer) { /* several places matched: ask again */
            cli_place_release(&place);
            continue;
        }
        st = strcmp(answer, "<") == 0 ? lcm_interview_back(iv, &err)
                                      : lcm_interview_answer(iv, answer, &err);
        if (is_place)
            cli_place_release(&place);
        if (shown(st))
            printf("  ! %s\n", err.msg);
        else if (st != LCM_OK)
            *code = cli_fail(&err);
    }
    free(line);
    return done;
}

typedef struct options {
    const char *form, *version, *lang, *interviewer, *wave, *city, *source, *resume;
} options;

/* The instance to interview into: a new one, or the stored draft to resume. Standard
 * columns given as options are set (a resumed draft keeps its own otherwise). */
static lcm_status open_instance(lcm_db *db, const options *o, lcm_form **f, lcm_instance **in,
                                lcm_err *err) {
    char year[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(year, sizeof year, "%Y", &tm);
    lcm_status st = o->resume ? lcm_form_get_for_instance(db, o->form, o->resume, f, err)
                              : lcm_form_get(db, o->form, o->version, f, err);
    if (st == LCM_OK)
        st = o->resume ? lcm_instance_load(db, *f, o->resume, in, err)
                       : lcm_instance_new(*f, in, err);
    if (st == LCM_OK && o->resume && strcmp(lcm_instance_meta(*in, "status"), "complete") == 0)
        st = lcm_err_set(err, LCM_CONFLICT, "instance '%s' is complete: there is nothing to resume",
                         o->resume);
    const char *wave = o->wave ? o->wave : o->resume ? NULL : year;
    const char *source = o->source ? o->source : o->resume ? NULL : "interview";
    if (st == LCM_OK && wave)
        st = lcm_instance_set_meta(*in, "wave", wave, err);
    if (st == LCM_OK && source)
        st = lcm_instance_set_meta(*in, "source", source, err);
    if (st == LCM_OK && o->city)
        st = lcm_instance_set_meta(*in, "city", o->city, err);
    return st;
}

static int run(const char *dbpath, const options *o) {
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_interview *iv = NULL;
    lcm_err err = {0};
    int code;
    lcm_db *db = cli_open_db(dbpath, 0, &code);
    if (!db)
        return code;
    if (open_instance(db, o, &f, &in, &err) != LCM_OK ||
        lcm_interview_new(in, o->lang, o->interviewer, &iv, &err) != LCM_OK) {
        code = cli_fail(&err);
        goto cleanup;
    }
    if (o->resume)
        lcm_interview_resume(iv);
    lcm_interview_set_hook(iv, after_answer, db);
    printf("%s (%s %s)%s%s\n", lcm_form_title(f), lcm_form_id(f), lcm_form_version(f),
           o->resume ? ": resuming " : "", o->resume ? o->resume : "");
    const char *id = lcm_instance_meta(in, "instance_id");
    if (ask(db, iv, in, f, &code)) {
        printf("\nstored instance %s (complete)\n", id);
    } else if (code == LCM_EXIT_OK) {
        if (save_draft(db, in, &err) != LCM_OK) {
            code = cli_fail(&err);
            goto cleanup;
        }
        cli_error("interview not finished: answers stored as draft %s (continue with "
                  "'lcmon interview %s --resume %s')",
                  id, dbpath, id);
        code = LCM_EXIT_DATA;
    }
cleanup:
    lcm_interview_free(iv);
    lcm_instance_free(in);
    lcm_form_free(f);
    lcm_db_close(db);
    return code;
}

int cmd_interview(int argc, char **argv) {
    static const struct option opts[] = {{"form", required_argument, NULL, 'f'},
                                         {"version", required_argument, NULL, 'v'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {"interviewer", required_argument, NULL, 'i'},
                                         {"wave", required_argument, NULL, 'w'},
                                         {"city", required_argument, NULL, 'c'},
                                         {"source", required_argument, NULL, 's'},
                                         {"resume", required_argument, NULL, 'r'},
                                         {0, 0, 0, 0}};
    options o = {"household", NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char **slot = c == 'f'   ? &o.form
                            : c == 'v' ? &o.version
                            : c == 'l' ? &o.lang
                            : c == 'i' ? &o.interviewer
                            : c == 'w' ? &o.wave
                            : c == 'c' ? &o.city
                            : c == 's' ? &o.source
                            : c == 'r' ? &o.resume
                                       : NULL;
        if (!slot)
            return cli_usage_error(cmd_interview_usage, "bad option");
        *slot = optarg;
    }
    if (optind + 1 != argc)
        return cli_usage_error(cmd_interview_usage,
                               optind == argc ? "missing database" : "unexpected argument: '%s'",
                               argv[optind + 1 < argc ? optind + 1 : optind]);
    if (o.resume && o.version)
        return cli_usage_error(cmd_interview_usage,
                               "--resume finds the form version of the draft: drop --version");
    return run(argv[optind], &o);
}
