/*
 * interview.h - running a questionnaire one question at a time (the terminal interview).
 *
 * The runner walks the form in order: groups and questions whose relevant is false are
 * skipped, calculations run after every answer, a repeat with repeat_count gets that many
 * rows and one without asks whether to add another row. It never prints: the caller shows
 * each prompt and hands back the answer text (engine/cli/cmd_interview.c does it on a
 * terminal or from piped input; tests do it from a script).
 *
 * Going back (lcm_interview_back) returns to the previous question asked, with its answer
 * as the value shown; the walk then goes forward again from there. An answer whose
 * question stops being relevant is put aside, not lost, until the instance is completed.
 * A hook (lcm_interview_set_hook) sees the instance after every accepted answer: the
 * terminal interview saves the draft there, and a refusal from it undoes the answer.
 */
#ifndef LCM_INTERVIEW_H
#define LCM_INTERVIEW_H

#include "form.h"

typedef struct lcm_interview lcm_interview;

typedef enum lcm_prompt_kind {
    LCM_PROMPT_QUESTION, /* answer with text; "" keeps the shown value */
    LCM_PROMPT_NOTE,     /* show it; no answer is read */
    LCM_PROMPT_ADD_ROW,  /* answer y or n: add a row to the repeat `field`? */
    LCM_PROMPT_DONE,     /* every question is answered */
} lcm_prompt_kind;

/* What to show. Strings are owned by the interview and valid until the next call. */
typedef struct lcm_prompt {
    lcm_prompt_kind kind;
    int field;         /* the question (or the repeat for ADD_ROW) */
    long row;          /* 1-based row inside its repeat, 0 outside */
    const char *label; /* label in the interview's language, ${name} filled in */
    const char *hint;  /* "" when none */
    const char *value; /* current answer or default, "" when none */
    size_t nchoices;   /* visible choices of a select (choice_filter applied) */
    const lcm_choice *const *choices;
    int numbered; /* the choices may be answered by number (1..nchoices) as well as by code:
                     set when no visible code is itself a number */
} lcm_prompt;

/* Start interviewing into in (whose form must outlive the interview); lang NULL = the
 * form's default language. Metadata (start, today, deviceid, username) is filled where it
 * has no value yet, and a question that fills a standard column already set on in (city,
 * interviewer) starts with that value. */
lcm_status lcm_interview_new(lcm_instance *in, const char *lang, const char *interviewer,
                             lcm_interview **out, lcm_err *err);
void lcm_interview_free(lcm_interview *iv);

/* Resuming a stored draft: the walk passes over questions that already have an answer
 * (and rows that already exist) until the first one without, where it stops. */
void lcm_interview_resume(lcm_interview *iv);

/* Called after every accepted answer (field and row answered, or the repeat for a row
 * answer) with the instance brought up to date. A status other than LCM_OK undoes a
 * question's answer and is returned by lcm_interview_answer; with LCM_CONSTRAINT the
 * message is shown and the question comes again. */
typedef lcm_status (*lcm_interview_hook)(void *ud, lcm_instance *in, int field, long row,
                                         lcm_err *err);
void lcm_interview_set_hook(lcm_interview *iv, lcm_interview_hook fn, void *ud);

/* The next thing to show. After a NOTE, the next call moves on. */
lcm_status lcm_interview_next(lcm_interview *iv, lcm_prompt *p, lcm_err *err);
/* Answer the current prompt. Several choices of a select_multiple are separated by spaces,
 * commas (also the full-width ，) or 、; numbers stand for numbered choices; "?" and "!"
 * for don't-know and refusal (lcm_interview_special). A refused answer (type, required, constraint)
 * returns LCM_CONSTRAINT with a message to show, in the interview's language where the form has
 * one, and the same prompt comes again. */
lcm_status lcm_interview_answer(lcm_interview *iv, const char *text, lcm_err *err);
/* Go back to the previous question asked (or row prompt); the next call to
 * lcm_interview_next shows it. LCM_NOTFOUND, with a message to show, at the first one. */
lcm_status lcm_interview_back(lcm_interview *iv, lcm_err *err);
/* The language index used for labels. */
size_t lcm_interview_lang(const lcm_interview *iv);

/* A question the walk asks as the instance stands now (relevance, rows). */
typedef struct lcm_interview_item {
    int field;
    long row; /* 1-based inside a repeat, 0 outside */
} lcm_interview_item;

/* Every question the walk asks now, in the order it asks them (a repeat's rows one after
 * the other); *out is the caller's (free), *n its length. This is what "question N of M"
 * counts and what the review before finishing lists. */
lcm_status lcm_interview_questions(lcm_interview *iv, lcm_interview_item **out, size_t *n,
                                   lcm_err *err);
/* Go to question field in row (from the review screen): the next call to
 * lcm_interview_next shows it; after its answer the walk passes over what is answered, as
 * when resuming, and stops at the first question without an answer or at the end. */
lcm_status lcm_interview_goto(lcm_interview *iv, int field, long row, lcm_err *err);

/* Typed for a select, "?" answers with the list's don't-know choice and "!" with its
 * refusal choice, where the list has one: a choice named dk, dont_know (refusal: rf,
 * refused, refusal) or labelled 不知道, 不清楚, 说不好 (拒答, 拒绝回答, 不愿回答) or "Don't
 * know" ("Refused"). The choice among the visible ones, NULL when the list has none. */
const lcm_choice *lcm_interview_special(const lcm_interview *iv, int refusal);

/* For a runner that shows a page of questions at a time (lcmon serve), the same checks
 * lcm_interview_answer makes, on any question and row, in the same words:
 * lcm_interview_check_value before an answer is set (type, choice list, a constraint on
 * '.' only), lcm_interview_check_answer after it is set and the instance updated (required,
 * the full constraint). LCM_CONSTRAINT (or LCM_INVAL) with the message to show. */
lcm_status lcm_interview_check_value(lcm_interview *iv, int field, long row, const char *text,
                                     lcm_err *err);
lcm_status lcm_interview_check_answer(lcm_interview *iv, int field, long row, lcm_err *err);
/* A text of the form with each ${name} replaced by its answer, as labels are shown for
 * field in row; malloc'd, the caller's (NULL when out of memory). */
char *lcm_interview_fill(lcm_interview *iv, int field, long row, const char *text);
/* Give the repeat r (with repeat_count) as many rows as its count says now; *n gets it. */
lcm_status lcm_interview_size_repeat(lcm_interview *iv, int r, long *n, lcm_err *err);

#endif
