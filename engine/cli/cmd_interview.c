/*
 * cmd_interview.c - `lcmon interview`: a questionnaire asked on the terminal, one question
 * at a time, saved as a draft after every answer and completed in one transaction after a
 * review of every answer.
 *
 * Answers are read line by line from standard input (with line editing on a terminal,
 * interview_term.h), so a scripted interview (a file of answers, paper forms keyed in) runs
 * the same way as a person typing. Ctrl-C asks whether to save and leave, discard or go on.
 * When input ends before the questionnaire does, the draft saved so far stays, and
 * `--resume ID` (the first characters of the id are enough) goes on from the first question
 * without an answer; `--list` shows the drafts. Everything the interviewer reads is in the
 * interview's language (Chinese unless --lang en).
 */
#include "cli.h"
#include "interview.h"
#include "interview_drafts.h"
#include "interview_place.h"
#include "interview_term.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const cmd_interview_usage[] = {
    "lcmon interview DB [--form ID] [--version V] [--resume ID] [--lang L] [--interviewer NAME] "
    "[--wave YEAR] [--city CODE] [--source S]",
    "   or: lcmon interview --list DB [--form ID] [--lang L]",
    "",
    "Ask the questions of a loaded form (default: household) one at a time and store the",
    "answers as one instance in its response table. Each question shows its section and",
    "\"question N of M\". Type the answer and press Enter (on a terminal the line can be",
    "edited with the arrow keys, and earlier answers recalled): for a choice its number",
    "when the choices are numbered (several separated by spaces or commas: 1 3, 1,3 or",
    "1，3), or its code; ? answers don't know and ! refusal where the question's list has",
    "them; an empty line keeps the value shown in [brackets]; '<' goes back to the",
    "previous question. A refused answer says why and the question comes again.",
    "Places are chosen by name: the city, then a numbered list of its districts and",
    "counties, their townships and streets, and their communities (residents' and village",
    "committees), from the reference data; type a number, a name or part of one (a",
    "division code is taken too).",
    "After the last question every answer is listed for review: type a question's number",
    "to change it, Enter to finish. Every answer is saved at once as a draft; on finishing",
    "the instance becomes complete in one transaction, answers to questions that no longer",
    "apply dropped. Ctrl-C asks whether to save the draft and leave, discard it, or go on;",
    "a second Ctrl-C, or the end of input, leaves with the draft saved (exit status 1).",
    "--resume ID continues a draft: the first characters of its id are enough. Answers",
    "can be piped in, one per line; piped answers that end at the review finish it.",
    "Drafts are left out of estimates, exports (unless --include-drafts) and merges.",
    "Messages are in the interview's language.",
    "",
    "    --form ID          form_id of the questionnaire (default household)",
    "    --version V        form version (default: the latest loaded)",
    "    --resume ID        continue the draft interview ID, or the one whose id starts",
    "                       with ID (its form version is found)",
    "    --list             list the drafts (of --form, or of every form): short id, form,",
    "                       started, household and the question each stopped at",
    "    --lang L           language of the questions and messages: zh (default) or en",
    "    --interviewer N    stored in the interviewer column; the interviewer question",
    "                       starts with it",
    "    --wave YEAR        survey wave (default: the current year)",
    "    --city CODE        city code; the city question starts with it",
    "    --source S         stored in the source column (default: interview)",
    NULL,
};

/* A session: what the screen shows is in the interview's language. */
typedef struct session {
    lcm_db *db;
    const char *dbpath;
    const lcm_form *f;
    lcm_instance *in;
    lcm_interview *iv;
    cli_term *term;
    size_t lang;
    int en;
    char section[1024]; /* the section header shown last */
    char *prompt;       /* the last line of what is shown, handed to the line reader */
    size_t promptlen;
} session;

static const char *say(const session *s, const char *zh, const char *en) {
    return s->en ? en : zh;
}

/* The labelled groups around field (outermost first, a repeat with its row), "" when
 * none. */
static void section_of(const session *s, int field, long row, char *buf, size_t cap) {
    int chain[16];
    size_t n = 0;
    for (int j = field - 1; j >= 0 && n < 16; j--) {
        const lcm_field *g = lcm_form_field(s->f, (size_t)j);
        if ((g->type == LCM_FT_BEGIN_GROUP || g->type == LCM_FT_BEGIN_REPEAT) && g->end > field &&
            *lcm_form_text(s->f, g->label, s->lang))
            chain[n++] = j;
    }
    size_t len = 0;
    buf[0] = '\0';
    while (n-- > 0 && len < cap) {
        const lcm_field *g = lcm_form_field(s->f, (size_t)chain[n]);
        int w = snprintf(buf + len, cap - len, "%s%s", len ? " › " : "",
                         lcm_form_text(s->f, g->label, s->lang));
        len += w > 0 ? (size_t)w : 0;
        if (g->type == LCM_FT_BEGIN_REPEAT && row > 0 && len < cap) {
            w = snprintf(buf + len, cap - len, " #%ld", row);
            len += w > 0 ? (size_t)w : 0;
        }
    }
}

/* A section header when the prompt is in another section than the one before. */
static void show_section(session *s, int field, long row) {
    char now[sizeof s->section];
    section_of(s, field, row, now, sizeof now);
    if (strcmp(now, s->section) != 0 && *now)
        printf("\n【%s】\n", now);
    snprintf(s->section, sizeof s->section, "%s", now);
}

/* "第 N 题，共 M 题" over the questions the walk asks as the answers stand now. */
static void show_progress(session *s, const lcm_prompt *p) {
    lcm_interview_item *items = NULL;
    size_t n = 0, k = 0;
    lcm_err err = {0};
    if (lcm_interview_questions(s->iv, &items, &n, &err) != LCM_OK)
        return;
    while (k < n && !(items[k].field == p->field && items[k].row == p->row))
        k++;
    if (k < n)
        printf(s->en ? "\nQuestion %zu of %zu" : "\n第 %zu 题，共 %zu 题", k + 1, n);
    free(items);
}

/* The current value as the screen shows it: numbered choices by their numbers. */
static void shown_value(const lcm_prompt *p, FILE *out) {
    if (!p->numbered || !*p->value) {
        fputs(p->value, out);
        return;
    }
    const char *v = p->value;
    int first = 1;
    while (*v) {
        size_t n = strcspn(v, " ");
        size_t k = 0;
        while (k < p->nchoices &&
               !(strlen(p->choices[k]->name) == n && strncmp(p->choices[k]->name, v, n) == 0))
            k++;
        if (k < p->nchoices)
            fprintf(out, "%s%zu", first ? "" : " ", k + 1);
        else
            fprintf(out, "%s%.*s", first ? "" : " ", (int)n, v);
        first = 0;
        v += n;
        v += strspn(v, " ");
    }
}

/* The prompt's last line, "[value] > ", into s->prompt. */
static void make_prompt_line(session *s, const lcm_prompt *p, const char *value_name) {
    free(s->prompt);
    s->prompt = NULL;
    FILE *m = open_memstream(&s->prompt, &s->promptlen);
    if (!m)
        return;
    if (value_name ? *value_name : *p->value) {
        fputc('[', m);
        if (value_name)
            fputs(value_name, m);
        else
            shown_value(p, m);
        fputs("] ", m);
    }
    fputs("> ", m);
    fclose(m);
}

/* Print the question (all but its last line, which is the prompt). */
static void show(session *s, const lcm_prompt *p) {
    if (p->kind == LCM_PROMPT_ADD_ROW) {
        printf(s->en ? "\nAdd %s %ld? (y/n)\n" : "\n添加%s %ld？（1 是 / 0 否）\n", p->label,
               p->row);
        make_prompt_line(s, p, s->en || !*p->value ? NULL : "1"); /* y: the row is there */
        return;
    }
    if (p->kind == LCM_PROMPT_QUESTION)
        show_progress(s, p);
    printf("\n%s%s", p->label, p->kind == LCM_PROMPT_NOTE ? "\n" : "");
    if (p->row > 0 && p->kind == LCM_PROMPT_QUESTION)
        printf(" (#%ld)", p->row);
    if (p->kind == LCM_PROMPT_NOTE)
        return;
    if (*p->hint)
        printf("\n  %s", p->hint);
    const lcm_field *fd = lcm_form_field(s->f, (size_t)p->field);
    if (fd->type == LCM_FT_RANGE)
        printf("\n  (%g-%g)", fd->range_start, fd->range_end);
    int codes = s->en || !p->numbered; /* a Chinese screen shows no codes to type */
    size_t width = 0;
    for (size_t k = 0; codes && k < p->nchoices; k++)
        if (cli_display_width(p->choices[k]->name) > width)
            width = cli_display_width(p->choices[k]->name);
    for (size_t k = 0; k < p->nchoices; k++) {
        const char *name = p->choices[k]->name;
        if (p->numbered)
            printf("\n  %2zu  ", k + 1);
        else
            printf("\n  ");
        if (codes)
            printf("%s%*s  ", name, (int)(width - cli_display_width(name)), "");
        printf("%s", lcm_form_text(s->f, p->choices[k]->label, s->lang));
    }
    if (fd->type == LCM_FT_SELECT_MULTIPLE && p->nchoices > 0)
        printf("\n  %s", say(s, "（可多选：如 1 3 或 1,3）", "(several: e.g. 1 3 or 1,3)"));
    printf("\n");
    make_prompt_line(s, p, NULL);
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

/* The reference data's refusals (form_insert.c) in Chinese, for a Chinese screen. */
static void refusal_in_chinese(lcm_err *err) {
    static const char *const levels[][2] = {
        {"city", "城市"}, {"county", "区/县"}, {"township", "乡镇/街道"}};
    char lv[2][16], code[2][64];
    const char *zh[2] = {NULL, NULL};
    int n = sscanf(err->msg, "%15s code '%63[^']' is not in the reference data", lv[0], code[0]);
    int m = n == 2 ? 0
                   : sscanf(err->msg, "%15s '%63[^']' does not belong to %15s '%63[^']'", lv[0],
                            code[0], lv[1], code[1]);
    for (size_t k = 0; k < 3; k++)
        for (int j = 0; j < 2; j++)
            if (strcmp(lv[j], levels[k][0]) == 0)
                zh[j] = levels[k][1];
    if (n == 2 && zh[0])
        snprintf(err->msg, sizeof err->msg, "%s代码 %s 不在区划参考数据中", zh[0], code[0]);
    else if (m == 4 && zh[0] && zh[1])
        snprintf(err->msg, sizeof err->msg, "%s %s 不属于%s %s", zh[0], code[0], zh[1], code[1]);
}

/* After every answer: a reference code is checked against the reference data, then the
 * draft is saved. A refusal here undoes the answer. */
static lcm_status after_answer(void *ud, lcm_instance *in, int field, long row, lcm_err *err) {
    session *s = ud;
    (void)row;
    lcm_status st = lcm_instance_check_reference(s->db, in, field, err);
    if (st == LCM_CONSTRAINT && !s->en)
        refusal_in_chinese(err);
    return st == LCM_OK ? save_draft(s->db, in, err) : st;
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

/* An answer as the review shows it: choice labels, place names, "（未答）" for none. */
static void answer_text(session *s, const lcm_interview_item *it, FILE *out) {
    const lcm_field *fd = lcm_form_field(s->f, (size_t)it->field);
    const char *v = lcm_instance_get(s->in, it->field, it->row);
    cli_place place;
    if (!*v) {
        fputs(say(s, "（未答）", "(no answer)"), out);
        return;
    }
    if (cli_place_for(s->db, s->f, s->in, it->field, it->row, s->en, &place)) {
        fputs(cli_place_name(&place, v), out);
        cli_place_release(&place);
        return;
    }
    if (!fd->list) {
        fputs(v, out);
        return;
    }
    for (int first = 1; *v; first = 0) {
        size_t n = strcspn(v, " ");
        char code[128];
        snprintf(code, sizeof code, "%.*s", (int)n, v);
        int k = lcm_form_choice(fd->list, code);
        const char *label = k >= 0 ? lcm_form_text(s->f, fd->list->items[k].label, s->lang) : "";
        fprintf(out, "%s%s", first ? "" : say(s, "、", ", "), *label ? label : code);
        v += n;
        v += strspn(v, " ");
    }
}

typedef enum outcome {
    GO_ON,   /* the interview goes on */
    FINISH,  /* store it complete */
    LEAVE,   /* leave, the draft saved */
    DISCARD, /* leave, the draft deleted */
    FAILED,  /* an error was reported */
} outcome;

/* Ctrl-C: save and leave, discard, or go on. A second Ctrl-C or the end of input leaves
 * with the draft saved. */
static outcome interrupted(session *s) {
    for (;;) {
        const char *line;
        printf("\n%s\n",
               say(s, "已暂停。s 保存草稿并退出（默认）/ d 放弃本次访问，删除草稿 / c 继续访问",
                   "Paused. s save the draft and leave (default) / d discard this interview, "
                   "deleting its draft / c continue"));
        cli_term_read_result r = cli_term_read(s->term, "[s] > ", &line);
        if (r != CLI_TERM_LINE || !*line || strcmp(line, "s") == 0 || strcmp(line, "S") == 0)
            return LEAVE;
        if (strcmp(line, "d") == 0 || strcmp(line, "D") == 0)
            return DISCARD;
        if (strcmp(line, "c") == 0 || strcmp(line, "C") == 0)
            return GO_ON;
        printf("  ! %s\n", say(s, "请输入 s、d 或 c", "type s, d or c"));
    }
}

/* Every question is answered: list the answers; a number goes back to that question,
 * Enter finishes. Piped answers that end here finish too (the script answered everything);
 * on a terminal Ctrl-D leaves with the draft saved. */
static outcome review(session *s) {
    lcm_interview_item *items = NULL;
    size_t n = 0;
    lcm_err err = {0};
    if (lcm_interview_questions(s->iv, &items, &n, &err) != LCM_OK) {
        cli_fail(&err);
        return FAILED;
    }
    printf("\n【%s】", say(s, "核对答案", "Review"));
    for (size_t k = 0; k < n; k++) {
        const lcm_field *fd = lcm_form_field(s->f, (size_t)items[k].field);
        char *label = lcm_interview_fill(s->iv, items[k].field, items[k].row,
                                         lcm_form_text(s->f, fd->label, s->lang));
        printf("\n  %3zu  %s", k + 1, label ? label : fd->name);
        if (items[k].row > 0)
            printf(" (#%ld)", items[k].row);
        fputs(say(s, "：", ": "), stdout);
        answer_text(s, &items[k], stdout);
        free(label);
    }
    outcome o = GO_ON;
    for (;;) {
        const char *line;
        printf("\n%s\n", say(s, "输入题号修改该题；直接回车完成访问；< 返回最后一题",
                             "Type a question's number to change it; Enter finishes; < goes "
                             "back to the last question"));
        cli_term_read_result r = cli_term_read(s->term, "> ", &line);
        if (r == CLI_TERM_INTERRUPT) {
            o = interrupted(s);
            if (o == GO_ON)
                continue;
            break;
        }
        if (r == CLI_TERM_EOF) {
            o = cli_term_interactive(s->term) ? LEAVE : FINISH;
            break;
        }
        if (!*line || strcmp(line, "y") == 0 || strcmp(line, "ok") == 0) {
            o = FINISH;
            break;
        }
        if (strcmp(line, "<") == 0) {
            if (lcm_interview_back(s->iv, &err) == LCM_OK)
                break;
            printf("  ! %s\n", err.msg);
            continue;
        }
        char *end;
        long k = strtol(line, &end, 10);
        if (*end || k < 1 || (size_t)k > n) {
            printf("  ! %s %zu\n", say(s, "请输入题号 1 至", "type a question number, 1 to"), n);
            continue;
        }
        if (lcm_interview_goto(s->iv, items[k - 1].field, items[k - 1].row, &err) == LCM_OK)
            break;
        printf("  ! %s\n", err.msg);
    }
    free(items);
    return o;
}

/* Ask until the instance is stored complete, the interviewer leaves or input ends. */
static outcome ask(session *s) {
    lcm_prompt p;
    lcm_err err = {0};
    for (;;) {
        lcm_status st = lcm_interview_next(s->iv, &p, &err);
        if (st == LCM_OK && p.kind == LCM_PROMPT_DONE) {
            outcome o = review(s);
            if (o != FINISH) {
                if (o == GO_ON)
                    continue;
                return o;
            }
            if ((st = complete(s->db, s->in, &err)) == LCM_OK)
                return FINISH;
            if (shown(st)) { /* the interviewer can go back and put it right */
                printf("\n  ! %s\n", err.msg);
                if (lcm_interview_back(s->iv, &err) != LCM_OK)
                    return LEAVE; /* nothing to go back to: it stays a draft */
                continue;
            }
        }
        if (st != LCM_OK) {
            cli_fail(&err);
            return FAILED;
        }
        cli_place place;
        int is_place = p.kind == LCM_PROMPT_QUESTION &&
                       cli_place_for(s->db, s->f, s->in, p.field, p.row, s->en, &place);
        show_section(s, p.field, p.kind == LCM_PROMPT_ADD_ROW ? 0 : p.row);
        if (is_place) { /* a list of names instead of a code to type (interview_place.h) */
            show_progress(s, &p);
            printf("\n%s", p.label);
            cli_place_show(&place, stdout);
            printf("\n");
            make_prompt_line(s, &p, cli_place_name(&place, p.value));
        } else {
            show(s, &p);
        }
        if (p.kind == LCM_PROMPT_NOTE)
            continue;
        const char *line;
        cli_term_read_result r = cli_term_read(s->term, s->prompt ? s->prompt : "> ", &line);
        if (r != CLI_TERM_LINE) {
            if (is_place)
                cli_place_release(&place);
            if (r == CLI_TERM_EOF)
                return LEAVE;
            outcome o = interrupted(s);
            if (o == GO_ON)
                continue;
            return o;
        }
        const char *answer = is_place ? cli_place_resolve(&place, line, stdout) : line;
        if (!answer) { /* several places matched: ask again */
            cli_place_release(&place);
            continue;
        }
        st = strcmp(answer, "<") == 0 ? lcm_interview_back(s->iv, &err)
                                      : lcm_interview_answer(s->iv, answer, &err);
        if (is_place)
            cli_place_release(&place);
        if (shown(st)) {
            printf("  ! %s\n", err.msg);
        } else if (st != LCM_OK) {
            cli_fail(&err);
            return FAILED;
        }
    }
}

typedef struct options {
    const char *form, *version, *lang, *interviewer, *wave, *city, *source, *resume;
    int list;
} options;

/* The instance to interview into: a new one, or the stored draft id to resume. Standard
 * columns given as options are set (a resumed draft keeps its own otherwise). */
static lcm_status open_instance(lcm_db *db, const options *o, const char *id, lcm_form **f,
                                lcm_instance **in, lcm_err *err) {
    char year[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(year, sizeof year, "%Y", &tm);
    lcm_status st = id ? lcm_form_get_for_instance(db, o->form, id, f, err)
                       : lcm_form_get(db, o->form, o->version, f, err);
    if (st == LCM_OK)
        st = lcm_form_askable(*f, err);
    if (st == LCM_OK)
        st = id ? lcm_instance_load(db, *f, id, in, err) : lcm_instance_new(*f, in, err);
    if (st == LCM_OK && id && strcmp(lcm_instance_meta(*in, "status"), "complete") == 0)
        st = lcm_err_set(err, LCM_CONFLICT, "instance '%s' is complete: there is nothing to resume",
                         id);
    const char *wave = o->wave ? o->wave : id ? NULL : year;
    const char *source = o->source ? o->source : id ? NULL : "interview";
    if (st == LCM_OK && wave)
        st = lcm_instance_set_meta(*in, "wave", wave, err);
    if (st == LCM_OK && source)
        st = lcm_instance_set_meta(*in, "source", source, err);
    if (st == LCM_OK && o->city)
        st = lcm_instance_set_meta(*in, "city", o->city, err);
    return st;
}

/* What the interviewer reads when leaving: how to go on, or that nothing was kept. */
static int leave(session *s, outcome o, const char *id) {
    lcm_err err = {0};
    if (o == DISCARD) {
        if (cli_draft_discard(s->db, s->f, id, &err) != LCM_OK)
            return cli_fail(&err);
        cli_error("%s %s",
                  say(s, "已放弃本次访问，草稿已删除：", "interview discarded, its draft deleted:"),
                  id);
        return LCM_EXIT_DATA;
    }
    if (save_draft(s->db, s->in, &err) != LCM_OK)
        return cli_fail(&err);
    if (s->en)
        cli_error("interview not finished: answers stored as draft %s (continue with "
                  "'lcmon interview %s --resume %.*s')",
                  id, s->dbpath, CLI_DRAFT_SHORT, id);
    else
        cli_error("访问未完成，答案已存为草稿 %s（继续访问：lcmon interview %s --resume %.*s）", id,
                  s->dbpath, CLI_DRAFT_SHORT, id);
    return LCM_EXIT_DATA;
}

static int run(const char *dbpath, const options *o) {
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_interview *iv = NULL;
    lcm_err err = {0};
    char id[64] = "";
    session s = {0};
    int code;
    int en = o->lang && strcmp(o->lang, "en") == 0;
    lcm_db *db = cli_open_db(dbpath, 0, &code);
    if (!db)
        return code;
    if (o->list) {
        code =
            cli_draft_list(db, o->form, en, stdout, &err) == LCM_OK ? LCM_EXIT_OK : cli_fail(&err);
        lcm_db_close(db);
        return code;
    }
    if ((o->resume && cli_draft_find(db, o->form, o->resume, id, sizeof id, &err) != LCM_OK) ||
        open_instance(db, o, o->resume ? id : NULL, &f, &in, &err) != LCM_OK ||
        lcm_interview_new(in, o->lang, o->interviewer, &iv, &err) != LCM_OK) {
        code = cli_fail(&err);
        goto cleanup;
    }
    if (o->resume)
        lcm_interview_resume(iv);
    s = (session){.db = db, .dbpath = dbpath, .f = f, .in = in, .iv = iv};
    lcm_interview_set_hook(iv, after_answer, &s);
    s.lang = lcm_interview_lang(iv);
    s.en = strcmp(lcm_form_lang(f, s.lang), "en") == 0;
    if (!(s.term = cli_term_open())) {
        code = cli_fail(&(lcm_err){LCM_NOMEM, "out of memory"});
        goto cleanup;
    }
    snprintf(id, sizeof id, "%s", lcm_instance_meta(in, "instance_id"));
    printf("%s（%s %s）\n", lcm_form_title(f), say(&s, "版本", "version"), lcm_form_version(f));
    if (o->resume)
        printf("%s %s\n", say(&s, "继续访问草稿", "resuming draft"), id);
    printf("%s\n", say(&s,
                       "输入答案后回车；直接回车保留 [ ] 中的答案；< 返回上一题；? 不知道；! "
                       "拒答；Ctrl-C 暂停",
                       "Type the answer and Enter; Enter alone keeps the answer in [ ]; < goes "
                       "back; ? don't know; ! refused; Ctrl-C pauses"));
    outcome out = ask(&s);
    if (out == FINISH) {
        printf("\n%s %s\n", say(&s, "访问完成，已保存：", "interview complete, stored as"), id);
        code = LCM_EXIT_OK;
    } else if (out == FAILED) {
        code = LCM_EXIT_DATA;
    } else {
        code = leave(&s, out, id);
    }
cleanup:
    cli_term_close(s.term);
    free(s.prompt);
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
        {"source", required_argument, NULL, 's'}, {"resume", required_argument, NULL, 'r'},
        {"list", no_argument, NULL, 'L'},         {0, 0, 0, 0}};
    options o = {"household", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0};
    int c, form_given = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'L') {
            o.list = 1;
            continue;
        }
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
        form_given |= c == 'f';
        *slot = optarg;
    }
    if (optind + 1 != argc)
        return cli_usage_error(cmd_interview_usage,
                               optind == argc ? "missing database" : "unexpected argument: '%s'",
                               argv[optind + 1 < argc ? optind + 1 : optind]);
    if (o.resume && o.version)
        return cli_usage_error(cmd_interview_usage,
                               "--resume finds the form version of the draft: drop --version");
    if (o.list && o.resume)
        return cli_usage_error(cmd_interview_usage, "--list and --resume do not go together");
    if (o.lang && strcmp(o.lang, "zh") != 0 && strcmp(o.lang, "en") != 0)
        return cli_usage_error(cmd_interview_usage, "--lang is zh or en: '%s'", o.lang);
    if (o.list && !form_given)
        o.form = NULL; /* every form's drafts */
    return run(argv[optind], &o);
}
