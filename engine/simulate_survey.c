/*
 * simulate_survey.c - the household sample of one city and wave, answered on the
 * household questionnaire, and the population margins the samples are raked to.
 *
 * Design (as field teams draw it): strata urban (residents' committees) and rural
 * (village committees); PSUs drawn by simple random sampling from the city's real
 * village-level units (counted per township in the reference data; a unit's code is its
 * township code + 001.. for communities, 201.. for villages, as in the NBS scheme); ten
 * households per PSU; one adult respondent per household. Design weight = N_h/m_h ·
 * M_i/10 · adults in the household. Respondents over-represent older people (who are at
 * home), which raking to the age margins corrects.
 */
#include "simulate_int.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HH_PER_PSU 10
#define NSERVICES 8

static const char *const services[NSERVICES] = {"cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"};
/* How well known and how used each service is, on the logit scale. */
static const double aware_eff[NSERVICES] = {0.6, 0.0, 1.0, 0.4, -0.2, 0.0, -1.2, -0.8};
static const double use_eff[NSERVICES] = {-0.2, -1.0, 0.3, -0.3, -0.5, -0.8, -1.5, -1.5};
static const double sat_eff[NSERVICES] = {0.2, 0.4, 0.3, 0.1, -0.2, -0.1, -0.3, 0.0};

/* Respondent age bands as met at the door, and as in the population (margins). */
static const char *const bands[4] = {"16-29", "30-44", "45-59", "60+"};
static const double band_sample[4] = {0.13, 0.23, 0.30, 0.34};
static const double band_pop[4] = {0.21, 0.27, 0.29, 0.23};

typedef struct township {
    char code[16], county[8];
    int rc, vc;
} township;

typedef struct frame {
    township *t;
    size_t n;
    long total[2]; /* units per stratum: 0 urban (rc), 1 rural (vc) */
} frame;

static lcm_status load_frame(lcm_db *db, const char *city, frame *fr, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT code, parent_code, residents_committees, "
                                   "village_committees FROM admin_units WHERE city_code = ?1 AND "
                                   "level = 'township' ORDER BY code",
                                   &st, err);
    size_t cap = 0;
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        if (fr->n == cap) {
            cap = cap ? cap * 2 : 128;
            township *p = realloc(fr->t, cap * sizeof *p);
            if (!p)
                return lcm_err_set(err, LCM_NOMEM, "out of memory");
            fr->t = p;
        }
        township *t = &fr->t[fr->n++];
        snprintf(t->code, sizeof t->code, "%s", sqlite3_column_text(st, 0));
        snprintf(t->county, sizeof t->county, "%s", sqlite3_column_text(st, 1));
        t->rc = sqlite3_column_int(st, 2);
        t->vc = sqlite3_column_int(st, 3);
        fr->total[0] += t->rc, fr->total[1] += t->vc;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Unit k (0-based) of stratum s: its township and 12-digit code. */
static const township *unit_at(const frame *fr, int s, long k, char *code, size_t cap) {
    for (size_t i = 0; i < fr->n; i++) {
        long m = s == 0 ? fr->t[i].rc : fr->t[i].vc;
        if (k < m) {
            snprintf(code, cap, "%s%03ld", fr->t[i].code, (s == 0 ? 1 : 201) + k);
            return &fr->t[i];
        }
        k -= m;
    }
    return NULL;
}

static int pick(gsl_rng *rng, const double *p, int n) {
    double u = gsl_rng_uniform(rng), acc = 0;
    for (int i = 0; i < n - 1; i++)
        if (u < (acc += p[i]))
            return i;
    return n - 1;
}

static double logistic(double x) {
    return 1 / (1 + exp(-x));
}

/* Set field `name` (row 0 = outside repeats); a missing field is an error, so the
 * simulator and the questionnaire cannot drift apart silently. */
static lcm_status put(lcm_instance *in, const lcm_form *f, const char *name, long row,
                      const char *value, lcm_err *err) {
    int i = lcm_form_find(f, name);
    if (i < 0)
        return lcm_err_set(err, LCM_INTERNAL, "household form has no field '%s'", name);
    return lcm_instance_set(in, i, row, value, err);
}

static lcm_status putf(lcm_instance *in, const lcm_form *f, const char *name, long row,
                       lcm_err *err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static lcm_status putf(lcm_instance *in, const lcm_form *f, const char *name, long row,
                       lcm_err *err, const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return put(in, f, name, row, buf, err);
}

typedef struct person {
    int sex, age, edu, work, disability, learned;
} person;

static person draw_person(gsl_rng *rng, int age) {
    person p = {1 + (int)gsl_rng_uniform_int(rng, 2), age, 0, 0, 0, 0};
    static const double edu_young[7] = {0.01, 0.04, 0.22, 0.25, 0.18, 0.25, 0.05};
    static const double edu_old[7] = {0.08, 0.25, 0.35, 0.20, 0.06, 0.05, 0.01};
    p.edu = 1 + pick(rng, age < 45 ? edu_young : edu_old, 7);
    p.work = age < 22 ? 3 : age >= 60 ? 2 : gsl_rng_uniform(rng) < 0.9 ? 1 : 4;
    p.disability = gsl_rng_uniform(rng) < (age >= 60 ? 0.08 : 0.03);
    p.learned = gsl_rng_uniform(rng) < (p.work == 1 ? 0.45 : age >= 60 ? 0.2 : 0.3);
    return p;
}

static int draw_age(gsl_rng *rng, int band) {
    static const int lo[4] = {16, 30, 45, 60}, width[4] = {14, 15, 15, 26};
    return lo[band] + (int)gsl_rng_uniform_int(rng, (unsigned long)width[band]);
}

static lcm_status put_person(lcm_instance *in, const lcm_form *f, const person *p, long row,
                             int rel, lcm_err *err) {
    lcm_status rc;
    if (row == 0) {
        if ((rc = putf(in, f, "sex", 0, err, "%d", p->sex)) != LCM_OK ||
            (rc = putf(in, f, "age", 0, err, "%d", p->age)) != LCM_OK ||
            (rc = putf(in, f, "edu", 0, err, "%d", p->edu)) != LCM_OK ||
            (rc = putf(in, f, "work", 0, err, "%d", p->work)) != LCM_OK)
            return rc;
        return putf(in, f, "disability", 0, err, "%d", p->disability);
    }
    if ((rc = putf(in, f, "m_rel", row, err, "%d", rel)) != LCM_OK ||
        (rc = putf(in, f, "m_sex", row, err, "%d", p->sex)) != LCM_OK ||
        (rc = putf(in, f, "m_age", row, err, "%d", p->age)) != LCM_OK ||
        (rc = putf(in, f, "m_edu", row, err, "%d", p->edu)) != LCM_OK ||
        (rc = putf(in, f, "m_work", row, err, "%d", p->work)) != LCM_OK ||
        (rc = putf(in, f, "m_disability", row, err, "%d", p->disability)) != LCM_OK)
        return rc;
    return putf(in, f, "m_learned", row, err, "%d", p->learned);
}

/* The roster: the respondent first, then a spouse, children or parents. Returns the
 * number of adults (16+) through *adults. */
static lcm_status roster(lcm_instance *in, const lcm_form *f, gsl_rng *rng, const person *resp,
                         int *adults, lcm_err *err) {
    static const double sizes[5] = {0.14, 0.30, 0.30, 0.16, 0.10};
    int n = 1 + pick(rng, sizes, 5), rep = lcm_form_find(f, "members");
    lcm_status rc = putf(in, f, "hh_size", 0, err, "%d", n);
    if (rep < 0)
        return lcm_err_set(err, LCM_INTERNAL, "household form has no repeat 'members'");
    *adults = 0;
    for (int i = 0; i < n && rc == LCM_OK; i++) {
        long pos;
        person p = *resp;
        int rel = 1;
        if (i == 1)
            rel = 2, p = draw_person(rng, resp->age + (int)gsl_rng_uniform_int(rng, 7) - 3),
            p.sex = 3 - resp->sex;
        else if (i > 1 && resp->age < 55)
            rel = 3, p = draw_person(rng, 1 + (int)gsl_rng_uniform_int(
                                                  rng, (unsigned long)(resp->age > 40 ? 25 : 15)));
        else if (i > 1)
            rel = 3, p = draw_person(rng, 20 + (int)gsl_rng_uniform_int(rng, 25));
        if (p.age < 0)
            p.age = 0;
        *adults += p.age >= 16;
        if ((rc = lcm_instance_add_row(in, rep, &pos, err)) == LCM_OK)
            rc = put_person(in, f, &p, pos, rel, err);
    }
    return rc;
}

/* Awareness, use, frequency and satisfaction of each service, overall satisfaction,
 * barriers and learning hours, from the city's latent levels and the respondent. */
static lcm_status answers(lcm_instance *in, const lcm_form *f, const lcm__sim_city *c,
                          double growth, const person *p, gsl_rng *rng, lcm_err *err) {
    static const double cut[4] = {-2.0, -1.1, 0.0, 1.2};
    char aware[64] = "", name[32];
    int used = 0;
    double sat_mood = gsl_ran_gaussian(rng, 0.7);
    lcm_status rc = LCM_OK;
    for (int s = 0; s < NSERVICES; s++) {
        double age_eff =
            (s == 1 ? (p->age >= 60 ? 1.2 : -1.0) : 0) + (s == 4 ? (p->age < 45 ? 0.6 : -0.6) : 0);
        if (gsl_rng_uniform(rng) < logistic(c->aware + growth + aware_eff[s] + age_eff)) {
            snprintf(aware + strlen(aware), sizeof aware - strlen(aware), "%s%s",
                     aware[0] ? " " : "", services[s]);
        }
    }
    if ((rc = put(in, f, "aware", 0, aware, err)) != LCM_OK)
        return rc;
    for (int s = 0; s < NSERVICES && rc == LCM_OK; s++) {
        if (!strstr(aware, services[s]))
            continue;
        double age_eff = s == 1 && p->age >= 60 ? 1.5 : s == 5 && p->work == 1 ? 0.5 : 0;
        int use = gsl_rng_uniform(rng) < logistic(c->part + growth + use_eff[s] + age_eff);
        snprintf(name, sizeof name, "use_%s", services[s]);
        if ((rc = putf(in, f, name, 0, err, "%d", use)) != LCM_OK || !use)
            continue;
        used++;
        static const double freq[4] = {0.2, 0.35, 0.25, 0.2};
        snprintf(name, sizeof name, "freq_%s", services[s]);
        if ((rc = putf(in, f, name, 0, err, "%d", 1 + pick(rng, freq, 4))) != LCM_OK)
            break;
        double z = c->sat + 0.5 * growth + sat_eff[s] + sat_mood + gsl_ran_gaussian(rng, 0.8);
        int score = 1;
        while (score < 5 && z > cut[score - 1])
            score++;
        snprintf(name, sizeof name, "sat_%s", services[s]);
        rc = putf(in, f, name, 0, err, "%d", score);
    }
    if (rc == LCM_OK && used) {
        double z = c->sat + 0.5 * growth + sat_mood + gsl_ran_gaussian(rng, 0.6);
        int score = 1;
        while (score < 5 && z > cut[score - 1])
            score++;
        rc = putf(in, f, "sat_overall", 0, err, "%d", score);
    }
    static const char *const barrier_names[] = {"time",    "cost",   "distance", "info",
                                                "content", "health", "interest"};
    static const double barrier_p[] = {0.35, 0.1, 0.12, 0.2, 0.1, 0.05, 0.08};
    static const double barrier_old[] = {0.1, 0.1, 0.2, 0.2, 0.1, 0.25, 0.05};
    if (rc == LCM_OK)
        rc = put(in, f, "barriers", 0,
                 barrier_names[pick(rng, p->age >= 60 ? barrier_old : barrier_p, 7)], err);
    if (rc == LCM_OK)
        rc = putf(in, f, "learn_hours", 0, err, "%d", /* the form allows 0-2000 */
                  used ? (int)fmin(2000, 10 + gsl_ran_exponential(rng, 40 + 20 * used))
                       : (int)gsl_rng_uniform_int(rng, 12));
    return rc;
}

/* ---- version 2027.1 (surveys/household-2027): a Kish-grid respondent, every service
 * asked of everyone, don't-know and refusal answers, the ACSI items ---- */

typedef struct svc27 {
    const char *code;
    int legacy; /* index into services[], -1 for a service 2026.1 did not ask about */
} svc27;

static const svc27 services27[] = {
    {"cc_college", 0},  {"cc_school", 0}, {"cc_point", 0},   {"elder", 1},      {"pc_lib", 2},
    {"pc_cul", 2},      {"pc_mus", 2},    {"pc_art", 2},     {"pc_sci", 2},     {"reading", 3},
    {"ol_platform", 4}, {"ol_cloud", 4},  {"skills", 5},     {"cb_bank", 6},    {"cb_account", 6},
    {"st_star", 7},     {"st_brand", 7},  {"pe_school", -1}, {"pe_guide", -1},  {"lc_comm", -1},
    {"lc_club", -1},    {"lc_org", -1},   {"week", -1},      {"sp_park", -1},   {"sp_zone", -1},
    {"sp_bldg", -1},    {"sp_mall", -1},  {"sm_smart", -1},  {"sm_exp", -1},    {"un_univ", -1},
    {"un_voc", -1},     {"un_open", -1},  {"rp", -1},        {"en_center", -1}, {"en_rural", -1},
    {"gp_disab", -1},   {"gp_migr", -1},  {"gp_farm", -1}};
#define NSERVICES27 (sizeof services27 / sizeof services27[0])

/* The roster of 2027.1: members 16 and older first, oldest first (the Kish order), then
 * the children; the respondent is the adult the household's key selects. */
static lcm_status roster27(lcm_instance *in, const lcm_form *f, gsl_rng *rng, int key, person *resp,
                           int *adults, lcm_err *err) {
    static const double sizes[5] = {0.14, 0.30, 0.30, 0.16, 0.10};
    int n = 1 + pick(rng, sizes, 5), rep = lcm_form_find(f, "members"), nad = 0;
    person p[5], ad[5], ch[5];
    int nch = 0;
    p[0] = draw_person(rng, draw_age(rng, pick(rng, band_pop, 4)));
    for (int i = 1; i < n; i++) {
        if (i == 1)
            p[i] = draw_person(rng, p[0].age + (int)gsl_rng_uniform_int(rng, 7) - 3),
            p[i].sex = 3 - p[0].sex;
        else if (p[0].age < 55)
            p[i] = draw_person(
                rng, (int)gsl_rng_uniform_int(rng, (unsigned long)(p[0].age > 40 ? 25 : 15)));
        else
            p[i] = draw_person(rng, 20 + (int)gsl_rng_uniform_int(rng, 25));
    }
    for (int i = 0; i < n; i++) {
        if (p[i].age < 16)
            ch[nch++] = p[i];
        else {
            int j = nad++; /* insertion by age, oldest first */
            while (j > 0 && ad[j - 1].age < p[i].age)
                ad[j] = ad[j - 1], j--;
            ad[j] = p[i];
        }
    }
    if (rep < 0)
        return lcm_err_set(err, LCM_INTERNAL, "household form has no repeat 'members'");
    lcm_status rc = putf(in, f, "hh_size", 0, err, "%d", n);
    for (int i = 0; i < n && rc == LCM_OK; i++) {
        const person *m = i < nad ? &ad[i] : &ch[i - nad];
        long pos;
        if ((rc = lcm_instance_add_row(in, rep, &pos, err)) != LCM_OK ||
            (rc = putf(in, f, "m_rel", pos, err, "%d",
                       i == 0        ? 1
                       : m->age < 16 ? 3
                                     : 2)) != LCM_OK ||
            (rc = putf(in, f, "m_sex", pos, err, "%d", m->sex)) != LCM_OK ||
            (rc = putf(in, f, "m_age", pos, err, "%d", m->age)) != LCM_OK ||
            (rc = putf(in, f, "m_learned", pos, err, "%d", m->learned)) != LCM_OK)
            break;
        if (m->age >= 6 && (rc = putf(in, f, "m_edu", pos, err, "%d", m->edu)) != LCM_OK)
            break;
        if (m->age >= 16)
            rc = putf(in, f, "m_work", pos, err, "%d", m->work);
    }
    *adults = nad;
    if (nad > 0)
        *resp = ad[key % nad];
    return rc;
}

/* Items of 2026.1's service g in 2027.1 (its split). */
static int group_size(int g) {
    int m = 0;
    for (size_t s = 0; s < NSERVICES27; s++)
        m += services27[s].legacy == g;
    return m;
}

/* Per-item probability when any of m items happens with probability p: the split items
 * together answer as the one item did (the trend across the versions stays smooth). */
static double split_p(double p, int m) {
    return m > 1 ? 1 - pow(1 - p, 1.0 / m) : p;
}

/* The fields asked per service, found once per form (a name lookup per answer costs as
 * much as the rest of the household). */
typedef struct idx27 {
    const lcm_form *f;
    int use[NSERVICES27], chk[NSERVICES27], freq[NSERVICES27], sat[NSERVICES27];
} idx27;

static const idx27 *indexes27(const lcm_form *f, lcm_err *err) {
    static idx27 x;
    if (x.f == f)
        return &x;
    int *const cols[4] = {x.use, x.chk, x.freq, x.sat};
    static const char *const pre[4] = {"use", "chk", "freq", "sat"};
    for (int k = 0; k < 4; k++)
        for (size_t s = 0; s < NSERVICES27; s++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s", pre[k], services27[s].code);
            if ((cols[k][s] = lcm_form_find(f, name)) < 0) {
                x.f = NULL;
                lcm_err_set(err, LCM_INTERNAL, "household form has no field '%s'", name);
                return NULL;
            }
        }
    x.f = f;
    return &x;
}

/* 1-10 from a latent level, as the ACSI items are answered. */
static int ten(double z, gsl_rng *rng) {
    int v = (int)lround(6.5 + 1.6 * z + gsl_ran_gaussian(rng, 1.0));
    return v < 1 ? 1 : v > 10 ? 10 : v;
}

static lcm_status answers27(lcm_instance *in, const lcm_form *f, const lcm__sim_city *c,
                            double growth, const person *p, gsl_rng *rng, lcm_err *err) {
    static const double cut[4] = {-2.0, -1.1, 0.0, 1.2};
    static const char *const wg[] = {"wg_see", "wg_hear", "wg_walk",
                                     "wg_cog", "wg_care", "wg_comm"};
    char aware[1024] = "", name[64];
    int used = 0, known[NSERVICES27] = {0};
    double sat_mood = gsl_ran_gaussian(rng, 0.7);
    lcm_status rc = LCM_OK;
    int hard = p->disability ? (int)gsl_rng_uniform_int(rng, 6) : -1;
    for (int k = 0; k < 6 && rc == LCM_OK; k++) {
        double u = gsl_rng_uniform(rng);
        const char *v = k == hard                         ? (u < 0.7 ? "3" : "4")
                        : u < 0.01                        ? "dk"
                        : u < (p->age >= 60 ? 0.35 : 0.1) ? "2"
                                                          : "1";
        rc = put(in, f, wg[k], 0, v, err);
    }
    if (gsl_rng_uniform(rng) < 0.01)
        strcpy(aware, "dk");
    else
        for (size_t s = 0; s < NSERVICES27; s++) {
            int g = services27[s].legacy;
            double age_eff = (g == 1 ? (p->age >= 60 ? 1.2 : -1.0) : 0) +
                             (g == 4 ? (p->age < 45 ? 0.6 : -0.6) : 0);
            double eff = g >= 0 ? aware_eff[g] : -1.3;
            double q =
                split_p(logistic(c->aware + growth + eff + age_eff), g >= 0 ? group_size(g) : 1);
            if ((known[s] = gsl_rng_uniform(rng) < q))
                snprintf(aware + strlen(aware), sizeof aware - strlen(aware), "%s%s",
                         aware[0] ? " " : "", services27[s].code);
        }
    if (rc == LCM_OK)
        rc = put(in, f, "aware", 0, aware[0] ? aware : "none", err);
    const idx27 *ix = indexes27(f, err);
    if (!ix)
        return LCM_INTERNAL;
    for (size_t s = 0; s < NSERVICES27 && rc == LCM_OK; s++) {
        int g = services27[s].legacy;
        double age_eff = g == 1 && p->age >= 60 ? 1.5 : g == 5 && p->work == 1 ? 0.5 : 0;
        double u = gsl_rng_uniform(rng);
        int kn = 0; /* the group's items known: together used as 2026.1's one item was */
        for (size_t t = 0; t < NSERVICES27 && g >= 0; t++)
            kn += services27[t].legacy == g && known[t];
        double pu = logistic(c->part + growth + (g >= 0 ? use_eff[g] : -1.2) + age_eff);
        int use = known[s] ? u < split_p(pu, kn > 1 ? kn : 1) : u < 0.02;
        const char *ans = gsl_rng_uniform(rng) < 0.01 ? "dk" : use ? "1" : "0";
        if ((rc = lcm_instance_set(in, ix->use[s], 0, ans, err)) != LCM_OK || strcmp(ans, "1"))
            continue;
        if (!known[s]) { /* the check: half confirm, half correct themselves */
            int confirm = gsl_rng_uniform(rng) < 0.5;
            if ((rc = lcm_instance_set(in, ix->chk[s], 0, confirm ? "1" : "0", err)) != LCM_OK ||
                !confirm)
                continue;
        }
        used++;
        static const double freq[4] = {0.2, 0.35, 0.25, 0.2};
        snprintf(name, sizeof name, "%d", 1 + pick(rng, freq, 4));
        if ((rc = lcm_instance_set(in, ix->freq[s], 0, name, err)) != LCM_OK)
            break;
        double z = c->sat + 0.5 * growth + (g >= 0 ? sat_eff[g] : 0) + sat_mood +
                   gsl_ran_gaussian(rng, 0.8);
        int score = 1;
        while (score < 5 && z > cut[score - 1])
            score++;
        snprintf(name, sizeof name, "%d", score);
        rc = lcm_instance_set(in, ix->sat[s], 0, gsl_rng_uniform(rng) < 0.03 ? "dk" : name, err);
    }
    /* the city's named programmes: those its list shows */
    int pk = lcm_form_find(f, "prog_known");
    const lcm_choice_list *pl = pk >= 0 ? lcm_form_field(f, (size_t)pk)->list : NULL;
    char progs[512] = "", first[32] = "";
    for (size_t i = 0; pl && i < pl->n && rc == LCM_OK; i++) {
        int show = 0;
        if ((rc = lcm_instance_choice_visible(in, pk, 0, &pl->items[i], &show, err)) != LCM_OK ||
            !show || strcmp(pl->items[i].name, "none") == 0 ||
            gsl_rng_uniform(rng) >= logistic(c->aware + growth - 0.8))
            continue;
        snprintf(progs + strlen(progs), sizeof progs - strlen(progs), "%s%s", progs[0] ? " " : "",
                 pl->items[i].name);
        if (!first[0])
            snprintf(first, sizeof first, "%s", pl->items[i].name);
    }
    if (rc == LCM_OK)
        rc = put(in, f, "prog_known", 0, progs[0] ? progs : "none", err);
    if (rc == LCM_OK && progs[0])
        rc = put(in, f, "prog_main", 0,
                 gsl_rng_uniform(rng) < logistic(c->part + growth + 0.5) ? first : "none", err);
    if (rc == LCM_OK && used) {
        static const char *const acsi[] = {"acsi_exp",     "acsi_qual",  "acsi_value", "acsi_sat",
                                           "acsi_confirm", "acsi_ideal", "acsi_rec"};
        double z = c->sat + 0.5 * growth + sat_mood;
        for (int k = 0; k < 7 && rc == LCM_OK; k++)
            rc = putf(in, f, acsi[k], 0, err, "%d", ten(k == 0 ? 0.5 * z : z, rng));
        if (rc == LCM_OK)
            rc = put(in, f, "acsi_complaint", 0, gsl_rng_uniform(rng) < 0.08 ? "1" : "0", err);
    }
    static const char *const barrier_names[] = {"nobarrier", "time",     "family", "employer",
                                                "cost",      "distance", "info",   "content",
                                                "age",       "digital",  "health", "interest"};
    static const double barrier_p[] = {0.25, 0.25, 0.12, 0.05, 0.06, 0.07,
                                       0.1,  0.04, 0.0,  0.02, 0.02, 0.02};
    static const double barrier_old[] = {0.25, 0.03, 0.08, 0.0,  0.05, 0.1,
                                         0.1,  0.04, 0.12, 0.15, 0.06, 0.02};
    if (rc == LCM_OK)
        rc = put(in, f, "barriers", 0,
                 barrier_names[pick(rng, p->age >= 60 ? barrier_old : barrier_p, 12)], err);
    if (rc == LCM_OK)
        rc = putf(in, f, "learn_hours", 0, err, "%d",
                  used ? (int)fmin(2000, 10 + gsl_ran_exponential(rng, 40 + 20 * used))
                       : (int)gsl_rng_uniform_int(rng, 12));
    return rc;
}

/* A UUID (version 4 layout) from the simulation's generator, so runs are repeatable. */
static void sim_uuid(gsl_rng *rng, char *out) {
    unsigned char b[16];
    for (int i = 0; i < 16; i++)
        b[i] = (unsigned char)gsl_rng_uniform_int(rng, 256);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
            b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
            b[15]);
}

typedef struct psu_draw {
    const township *t;
    char code[48];
    int stratum;  /* 0 urban, 1 rural */
    double w_psu; /* N_h / m_h * M_i / HH_PER_PSU */
} psu_draw;

static lcm_status one_household(lcm_db *db, const lcm_form *f, const lcm__sim_city *c, int wave,
                                double growth, const psu_draw *psu, int k, gsl_rng *rng,
                                lcm_sim_summary *sum, lcm_err *err) {
    lcm_instance *in = NULL;
    char uuid[40], when[80];
    int adults = 1;
    person p = draw_person(rng, draw_age(rng, pick(rng, band_sample, 4)));
    lcm_status rc = lcm_instance_new(f, &in, err);
    if (rc != LCM_OK)
        return rc;
    sim_uuid(rng, uuid);
    snprintf(when, sizeof when, "%d-%02d-%02dT%02d:00:00+08:00", wave,
             4 + (int)gsl_rng_uniform_int(rng, 6), 1 + (int)gsl_rng_uniform_int(rng, 28),
             9 + (int)gsl_rng_uniform_int(rng, 9));
    int consent = 1; /* refusals are not kept: they hold no answers to weight */
    if ((rc = lcm_instance_set_meta(in, "instance_id", uuid, err)) != LCM_OK ||
        (rc = putf(in, f, "city", 0, err, "%s", c->code)) != LCM_OK ||
        (rc = put(in, f, "county", 0, psu->t->county, err)) != LCM_OK ||
        (rc = put(in, f, "township", 0, psu->t->code, err)) != LCM_OK ||
        (rc = put(in, f, "community", 0, psu->code, err)) != LCM_OK ||
        (rc = put(in, f, "community_type", 0, psu->stratum ? "vc" : "rc", err)) != LCM_OK ||
        (rc = putf(in, f, "household_no", 0, err, "%s-%02d", psu->code + 9, k + 1)) != LCM_OK ||
        (rc = putf(in, f, "interviewer", 0, err, "访员%s%c", c->code, 'A' + psu->stratum)) !=
            LCM_OK ||
        (rc = putf(in, f, "consent", 0, err, "%d", consent)) != LCM_OK)
        goto cleanup;
    int v2027 = lcm_form_find(f, "kish_key") >= 0;
    if (v2027) { /* the form selects the respondent and works out the design weight */
        int key = (int)gsl_rng_uniform_int(rng, 100);
        if ((rc = putf(in, f, "kish_key", 0, err, "%d", key)) != LCM_OK ||
            (rc = putf(in, f, "hh_weight", 0, err, "%.6f", psu->w_psu)) != LCM_OK ||
            (rc = roster27(in, f, rng, key, &p, &adults, err)) != LCM_OK ||
            (adults > 0 && (rc = answers27(in, f, c, growth, &p, rng, err)) != LCM_OK))
            goto cleanup;
    } else if (consent && ((rc = put_person(in, f, &p, 0, 1, err)) != LCM_OK ||
                           (rc = roster(in, f, rng, &p, &adults, err)) != LCM_OK ||
                           (rc = answers(in, f, c, growth, &p, rng, err)) != LCM_OK))
        goto cleanup;
    char weight[40];
    snprintf(weight, sizeof weight, "%.6f", psu->w_psu * (adults > 0 ? adults : 1));
    char wv[8];
    snprintf(wv, sizeof wv, "%d", wave);
    if ((rc = lcm_instance_set_meta(in, "wave", wv, err)) != LCM_OK ||
        (!v2027 && (rc = lcm_instance_set_meta(in, "design_weight", weight, err)) != LCM_OK) ||
        (rc = lcm_instance_set_meta(in, "source", "lcmon simulate", err)) != LCM_OK ||
        (rc = lcm_instance_set_meta(in, "started_at", when, err)) != LCM_OK ||
        (rc = lcm_instance_finish(in, 1, err)) != LCM_OK ||
        (rc = lcm_instance_set_meta(in, "started_at", when, err)) != LCM_OK ||
        (rc = lcm_instance_set_meta(in, "ended_at", when, err)) != LCM_OK ||
        (rc = lcm_instance_insert(db, in, err)) != LCM_OK)
        goto cleanup;
    sum->households++;
    sum->persons += lcm_instance_rows(in, lcm_form_find(f, "members"));
cleanup:
    lcm_instance_free(in);
    return rc;
}

/* m PSUs drawn without replacement from the N units of stratum s. */
static lcm_status draw_psus(const frame *fr, int s, int m, gsl_rng *rng, psu_draw *out,
                            lcm_err *err) {
    long n = fr->total[s];
    long *idx = malloc((size_t)n * sizeof *idx), *chosen = malloc((size_t)m * sizeof *chosen);
    if (!idx || !chosen) {
        free(idx), free(chosen);
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    for (long i = 0; i < n; i++)
        idx[i] = i;
    gsl_ran_choose(rng, chosen, (size_t)m, idx, (size_t)n, sizeof *idx);
    for (int j = 0; j < m; j++) {
        psu_draw *d = &out[j];
        d->t = unit_at(fr, s, chosen[j], d->code, sizeof d->code);
        d->stratum = s;
        double households =
            s == 0 ? 600 + gsl_rng_uniform_int(rng, 1900) : 150 + gsl_rng_uniform_int(rng, 450);
        d->w_psu = (double)n / m * households / HH_PER_PSU;
    }
    free(idx), free(chosen);
    return LCM_OK;
}

lcm_status lcm__sim_households(lcm_db *db, const lcm_form *f, const lcm__sim_city *c, int wave,
                               double growth, const lcm_sim_opts *o, gsl_rng *rng,
                               lcm_sim_summary *sum, lcm_err *err) {
    frame fr = {0};
    psu_draw *psus = NULL;
    lcm_status rc = load_frame(db, c->code, &fr, err);
    int npsu = (o->households + HH_PER_PSU - 1) / HH_PER_PSU, m[2];
    if (npsu < 4)
        npsu = 4;
    double share = (double)fr.total[0] /
                   (double)(fr.total[0] + fr.total[1] + (fr.total[0] + fr.total[1] == 0));
    m[0] = (int)lround(npsu * share);
    m[0] = m[0] < 2 ? 2 : m[0] > npsu - 2 ? npsu - 2 : m[0];
    m[1] = npsu - m[0];
    for (int s = 0; s < 2; s++) /* a stratum may be missing (a city without villages) */
        m[s] = m[s] > fr.total[s] ? (int)fr.total[s] : m[s];
    if (rc == LCM_OK && !(psus = calloc((size_t)npsu, sizeof *psus)))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (int s = 0; s < 2 && rc == LCM_OK; s++) {
        if (m[s] < 1)
            continue;
        if ((rc = draw_psus(&fr, s, m[s], rng, psus, err)) != LCM_OK)
            break;
        for (int j = 0; j < m[s] && rc == LCM_OK; j++)
            for (int k = 0; k < HH_PER_PSU && rc == LCM_OK; k++)
                rc = one_household(db, f, c, wave, growth, &psus[j], k, rng, sum, err);
    }
    free(psus);
    free(fr.t);
    return rc;
}

/* Adult population (16+) per city from its units: about 2,500 adults per urban community
 * and 700 per village, split by sex and age band, growing 0.5% a year. */
lcm_status lcm__sim_margins(lcm_db *db, const lcm__sim_city *cities, int n, int wave,
                            const char *path, int force, lcm_err *err) {
    lcm_out out;
    lcm_status rc = lcm_out_open(&out, path, force ? LCM_OUT_FORCE : 0, err);
    if (rc != LCM_OK)
        return rc;
    FILE *fp = out.fp;
    fputs("margin,level,population\n", fp);
    for (int i = 0; i < n && rc == LCM_OK; i++) {
        frame fr = {0};
        if ((rc = load_frame(db, cities[i].code, &fr, err)) != LCM_OK)
            break;
        double adults = (2500.0 * fr.total[0] + 700.0 * fr.total[1]) * pow(1.005, wave - 2020);
        free(fr.t);
        fprintf(fp, "city:sex,%s:1,%.0f\ncity:sex,%s:2,%.0f\n", cities[i].code, adults * 0.505,
                cities[i].code, adults * 0.495);
        for (int b = 0; b < 4; b++)
            fprintf(fp, "city:age_band,%s:%s,%.0f\n", cities[i].code, bands[b],
                    adults * band_pop[b]);
    }
    if (rc != LCM_OK) {
        lcm_out_abort(&out);
        return rc;
    }
    return lcm_out_commit(&out, err);
}
