/*
 * interview.h - running a questionnaire one question at a time (the terminal interview).
 *
 * The runner walks the form in order: groups and questions whose relevant is false are
 * skipped, calculations run after every answer, a repeat with repeat_count gets that many
 * rows and one without asks whether to add another row. It never prints: the caller shows
 * each prompt and hands back the answer text (engine/cli/cmd_interview.c does it on a
 * terminal; tests do it from a script).
 */
#ifndef LCM_INTERVIEW_H
#define LCM_INTERVIEW_H

#include "form.h"

typedef struct lcm_interview lcm_interview;

typedef enum lcm_prompt_kind {
    LCM_PROMPT_QUESTION, /* answer with text; "" keeps the shown default */
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
} lcm_prompt;

/* Start interviewing into in (whose form must outlive the interview); lang NULL = the
 * form's default language. Metadata (start, today, username = interviewer) is filled. */
lcm_status lcm_interview_new(lcm_instance *in, const char *lang, const char *interviewer,
                             lcm_interview **out, lcm_err *err);
void lcm_interview_free(lcm_interview *iv);

/* The next thing to show. After a NOTE, the next call moves on. */
lcm_status lcm_interview_next(lcm_interview *iv, lcm_prompt *p, lcm_err *err);
/* Answer the current prompt. A refused answer (type, required, constraint) returns
 * LCM_CONSTRAINT with a message to show, in the interview's language where the form
 * has one, and the same prompt comes again. */
lcm_status lcm_interview_answer(lcm_interview *iv, const char *text, lcm_err *err);
/* The language index used for labels. */
size_t lcm_interview_lang(const lcm_interview *iv);

#endif
