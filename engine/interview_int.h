/*
 * interview_int.h - the interview structure shared by interview.c (the walk) and
 * interview_answer.c (answers, going back), engine only.
 */
#ifndef LCM_INTERVIEW_INT_H
#define LCM_INTERVIEW_INT_H

#include "form_inst.h"
#include "interview.h"

/* A prompt that was answered, so that going back can return to it. */
typedef struct lcm__asked {
    int at;
    long row;
    lcm_prompt_kind kind;
} lcm__asked;

struct lcm_interview {
    lcm_instance *in;
    const lcm_form *f;
    size_t lang;
    int at;   /* field of the current prompt (the repeat for ADD_ROW) */
    long row; /* its row (for ADD_ROW: the row it offers) */
    lcm_prompt_kind kind;
    int waiting; /* the current prompt needs an answer */
    int done;
    int fast; /* resuming: pass over what is already answered */
    char *label, *value;
    const lcm_choice **choices;
    size_t nchoices; /* visible choices of the current select */
    int numbered;    /* they may be answered by number */
    lcm__asked *asked;
    size_t nasked, capasked;
    lcm__asked *seen; /* after lcm_interview_goto: the prompts asked after the one gone to,
                         passed over on the way forward even when left empty */
    size_t nseen;
    lcm_interview_hook hook;
    void *hook_ud;
};

/* Remember the current prompt as answered. */
lcm_status lcm__interview_push(lcm_interview *iv, lcm_err *err);
/* Messages of the runner itself, in Chinese unless the interview is in English. */
const char *lcm__interview_say(const lcm_interview *iv, const char *zh, const char *en);

#endif
