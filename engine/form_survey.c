/*
 * form_survey.c - survey.csv read into the fields of a form: types, names, labels,
 * expressions (parsed here, resolved in form_check.c once every name is known), groups and
 * repeats, the lcmon extension columns, and or_other.
 *
 * A problem in a cell is recorded with its file:line:column and the row is marked broken,
 * so later checks do not pile up consequences of it; the next rows are still read, and
 * `lcmon form check` reports every problem at once.
 *
 * or_other is expanded as pyxform expands it: `select_one L or_other` gets a copy of list L
 * with a last choice `other` (其他/Other), and a text field `<name>_other` ("Specify
 * other", relevant when `other` is chosen) is inserted right after the select.
 */
#include "form_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
}

static const struct {
    const char *name;
    lcm_field_type type;
    lcm_text_kind kind;
    int external;
} types[] = {
    {"integer", LCM_FT_INTEGER, 0, 0},
    {"decimal", LCM_FT_DECIMAL, 0, 0},
    {"text", LCM_FT_TEXT, 0, 0},
    {"select_one", LCM_FT_SELECT_ONE, 0, 0},
    {"select_multiple", LCM_FT_SELECT_MULTIPLE, 0, 0},
    {"note", LCM_FT_NOTE, 0, 0},
    {"calculate", LCM_FT_CALCULATE, 0, 0},
    {"date", LCM_FT_DATE, 0, 0},
    {"range", LCM_FT_RANGE, 0, 0},
    {"begin group", LCM_FT_BEGIN_GROUP, 0, 0},
    {"end group", LCM_FT_END_GROUP, 0, 0},
    {"begin repeat", LCM_FT_BEGIN_REPEAT, 0, 0},
    {"end repeat", LCM_FT_END_REPEAT, 0, 0},
    {"start", LCM_FT_START, 0, 0},
    {"end", LCM_FT_END, 0, 0},
    {"today", LCM_FT_TODAY, 0, 0},
    {"deviceid", LCM_FT_DEVICEID, 0, 0},
    {"username", LCM_FT_USERNAME, 0, 0},
    /* XLSForm types stored as text, checked by what they hold (form_value.c). */
    {"time", LCM_FT_TEXT, LCM_TK_TIME, 0},
    {"dateTime", LCM_FT_TEXT, LCM_TK_DATETIME, 0},
    {"geopoint", LCM_FT_TEXT, LCM_TK_GEOPOINT, 0},
    {"geotrace", LCM_FT_TEXT, LCM_TK_GEOTRACE, 0},
    {"geoshape", LCM_FT_TEXT, LCM_TK_GEOSHAPE, 0},
    {"barcode", LCM_FT_TEXT, LCM_TK_PLAIN, 0},
    {"image", LCM_FT_TEXT, LCM_TK_MEDIA, 0},
    {"audio", LCM_FT_TEXT, LCM_TK_MEDIA, 0},
    {"video", LCM_FT_TEXT, LCM_TK_MEDIA, 0},
    {"file", LCM_FT_TEXT, LCM_TK_MEDIA, 0},
    {"osm", LCM_FT_TEXT, LCM_TK_MEDIA, 0},
    {"background-audio", LCM_FT_TEXT, LCM_TK_META, 0},
    {"phonenumber", LCM_FT_TEXT, LCM_TK_META, 0},
    {"simserial", LCM_FT_TEXT, LCM_TK_META, 0},
    {"subscriberid", LCM_FT_TEXT, LCM_TK_META, 0},
    {"email", LCM_FT_TEXT, LCM_TK_META, 0},
    {"audit", LCM_FT_TEXT, LCM_TK_META, 0},
    {"start-geopoint", LCM_FT_TEXT, LCM_TK_META, 0},
    {"background-geopoint", LCM_FT_TEXT, LCM_TK_META, 0},
    {"csv-external", LCM_FT_NOTE, 0, 1},
    {"xml-external", LCM_FT_NOTE, 0, 1},
    /* pyxform's aliases and older spellings */
    {"int", LCM_FT_INTEGER, 0, 0},
    {"string", LCM_FT_TEXT, 0, 0},
    {"hidden", LCM_FT_TEXT, 0, 0},
    {"datetime", LCM_FT_TEXT, LCM_TK_DATETIME, 0},
    {"gps", LCM_FT_TEXT, LCM_TK_GEOPOINT, 0},
    {"location", LCM_FT_TEXT, LCM_TK_GEOPOINT, 0},
    {"photo", LCM_FT_TEXT, LCM_TK_MEDIA, 0},
    {"phone number", LCM_FT_TEXT, LCM_TK_META, 0},
    {"imei", LCM_FT_DEVICEID, 0, 0},
    {"uri:deviceid", LCM_FT_DEVICEID, 0, 0},
    {"uri:username", LCM_FT_USERNAME, 0, 0},
    {"uri:phonenumber", LCM_FT_TEXT, LCM_TK_META, 0},
    {"uri:simserial", LCM_FT_TEXT, LCM_TK_META, 0},
    {"uri:subscriberid", LCM_FT_TEXT, LCM_TK_META, 0},
    {"uri:email", LCM_FT_TEXT, LCM_TK_META, 0},
    {"trigger", LCM_FT_TEXT, LCM_TK_PLAIN, 0},
    {"acknowledge", LCM_FT_TEXT, LCM_TK_PLAIN, 0},
    {"select one", LCM_FT_SELECT_ONE, 0, 0},
    {"select all that apply", LCM_FT_SELECT_MULTIPLE, 0, 0},
    {"select multiple", LCM_FT_SELECT_MULTIPLE, 0, 0},
    {"begin_group", LCM_FT_BEGIN_GROUP, 0, 0},
    {"end_group", LCM_FT_END_GROUP, 0, 0},
    {"begin_repeat", LCM_FT_BEGIN_REPEAT, 0, 0},
    {"end_repeat", LCM_FT_END_REPEAT, 0, 0},
};
#define NTYPES (sizeof types / sizeof types[0])

const char *lcm__form_type_name(lcm_field_type t) {
    for (size_t i = 0; i < NTYPES; i++)
        if (types[i].type == t)
            return types[i].name;
    return "?";
}

int lcm__form_has_value(lcm_field_type t) {
    return t != LCM_FT_NOTE && t != LCM_FT_BEGIN_GROUP && t != LCM_FT_END_GROUP &&
           t != LCM_FT_BEGIN_REPEAT && t != LCM_FT_END_REPEAT;
}

/* The label of the `other` choice and of the `_other` text in language code. */
static const char *other_text(const char *code, int question) {
    int zh = strncasecmp(code, "zh", 2) == 0 || strstr(code, "Chinese") || strstr(code, "中文");
    return question ? (zh ? "请注明其他" : "Specify other") : (zh ? "其他" : "Other");
}

/* A calloc'd array of nlangs copies of the or_other text. */
static char **other_texts(const lcm_form *f, int question) {
    char **t = calloc(f->nlangs ? f->nlangs : 1, sizeof *t);
    for (size_t i = 0; t && i < f->nlangs; i++)
        if (!(t[i] = strdup(other_text(f->langs[i], question)))) {
            for (size_t j = 0; j < i; j++)
                free(t[j]);
            free(t);
            return NULL;
        }
    return t;
}

/* A calloc'd copy of the nlangs texts t (NULL entries stay NULL). */
static char **copy_texts(const lcm_form *f, const char *const *t) {
    char **c = calloc(f->nlangs ? f->nlangs : 1, sizeof *c);
    for (size_t i = 0; c && t && i < f->nlangs; i++)
        if (t[i] && !(c[i] = strdup(t[i]))) {
            for (size_t j = 0; j < i; j++)
                free(c[j]);
            free(c);
            return NULL;
        }
    return c;
}

/* The or_other copy of base (made once per list): the same choices, borrowed, then
 * `other`. A list that has its own `other` keeps its label and extra columns, moved last
 * (pyxform accepts such a list: the answer `other` means the same either way). */
static lcm_status other_list(lcm_form *f, const lcm_choice_list *base, const lcm_choice_list **out,
                             lcm_err *err) {
    for (size_t i = 0; i < f->nother_lists; i++)
        if (strcmp(f->other_lists[i]->name, base->name) == 0)
            return *out = f->other_lists[i], LCM_OK;
    lcm_choice_list **grown = realloc(f->other_lists, (f->nother_lists + 1) * sizeof *grown);
    if (!grown)
        return oom(err);
    f->other_lists = grown;
    int own = lcm_form_choice(base, "other");
    size_t n = own >= 0 ? base->n - 1 : base->n; /* the choices before `other` */
    lcm_choice_list *l = calloc(1, sizeof *l);
    lcm_choice *items = calloc(n + 1, sizeof *items);
    char **extra = calloc(base->nextra ? base->nextra : 1, sizeof *extra);
    if (!l || !items || !extra || !(l->name = strdup(base->name))) {
        free(l), free(items), free(extra);
        return oom(err);
    }
    for (size_t i = 0, k = 0; i < base->n; i++)
        if ((int)i != own)
            items[k++] = base->items[i];
    l->items = items;
    l->n = n + 1;
    l->extra_names = base->extra_names;
    l->nextra = base->nextra;
    f->other_lists[f->nother_lists++] = l; /* owned by the form from here on */
    lcm_choice *o = &items[n];
    const lcm_choice *was = own >= 0 ? &base->items[own] : NULL;
    o->line = was ? was->line : base->n ? base->items[base->n - 1].line : 0;
    o->extra = (const char *const *)extra;
    int bad =
        !(o->name = strdup("other")) ||
        !(o->label = (const char *const *)(was ? copy_texts(f, was->label) : other_texts(f, 0)));
    for (size_t i = 0; i < base->nextra; i++)
        bad |= !(extra[i] = strdup(was && was->extra[i] ? was->extra[i] : ""));
    if (bad)
        return oom(err);
    *out = l;
    return LCM_OK;
}

/* The list name and what follows it in a select type: "L" or "L or_other". */
static lcm_status parse_select(lcm_form *f, const lcm__sheet *sh, size_t r, int col, char *rest,
                               lcm_field *fd, lcm_err *err) {
    char *space = strchr(rest, ' ');
    if (space) {
        *space = '\0';
        if (strcmp(space + 1, "or_other") != 0 && strcmp(space + 1, "or specify other") != 0)
            return lcm_err_set(err, LCM_UNSUPPORTED,
                               "%s:%ld:%d: '%s' after the list name '%s' is not supported (lcmon "
                               "knows 'or_other')",
                               sh->file, sh->lines[r], col + 1, space + 1, rest);
        fd->or_other = 1;
    }
    const lcm_choice_list *l = lcm__form_find_list(f, rest);
    if (!l)
        return strncmp(rest, "external_choices.csv/", 21) == 0
                   ? lcm_err_set(err, LCM_PARSE,
                                 "%s:%ld:%d: no choice list '%s' in external_choices.csv", sh->file,
                                 sh->lines[r], col + 1, rest + 21)
                   : lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: no choice list '%s' in choices.csv",
                                 sh->file, sh->lines[r], col + 1, rest);
    if (fd->or_other)
        return other_list(f, l, &fd->list, err);
    fd->list = l;
    return LCM_OK;
}

static lcm_status parse_type(lcm_form *f, const lcm__sheet *sh, size_t r, int col, lcm_field *fd,
                             lcm_err *err) {
    char text[256];
    size_t n = 0;
    for (const char *p = lcm__sheet_cell(sh, r, col); *p && n < sizeof text - 1; p++)
        if (!(*p == ' ' && (n == 0 || text[n - 1] == ' '))) /* one space between words */
            text[n++] = *p;
    text[n] = '\0';
    /* Types followed by a list name, in their XLSForm spellings. */
    static const struct {
        const char *prefix;
        lcm_field_type type;
        lcm_text_kind kind;
    } selects[] = {
        {"select_one ", LCM_FT_SELECT_ONE, 0},
        {"select_multiple ", LCM_FT_SELECT_MULTIPLE, 0},
        /* the list is the file's, read with the form (form_load.c) */
        {"select_one_from_file ", LCM_FT_SELECT_ONE, 0},
        {"select_multiple_from_file ", LCM_FT_SELECT_MULTIPLE, 0},
        {"select one from ", LCM_FT_SELECT_ONE, 0},
        {"select all that apply from ", LCM_FT_SELECT_MULTIPLE, 0},
        {"select multiple from ", LCM_FT_SELECT_MULTIPLE, 0},
        {"select one ", LCM_FT_SELECT_ONE, 0},
        {"select all that apply ", LCM_FT_SELECT_MULTIPLE, 0},
        {"select multiple ", LCM_FT_SELECT_MULTIPLE, 0},
        {"rank ", LCM_FT_TEXT, LCM_TK_RANK},
        /* the list is external_choices.csv's (form_load.c) */
        {"select_one_external ", LCM_FT_SELECT_ONE, 0},
    };
    for (size_t k = 0; k < sizeof selects / sizeof selects[0]; k++) {
        size_t len = strlen(selects[k].prefix);
        if (strncasecmp(text, selects[k].prefix, len) != 0 || !text[len])
            continue;
        char ext[300];
        if (strncasecmp(selects[k].prefix, "select_one_external", 19) == 0) {
            snprintf(ext, sizeof ext, "external_choices.csv/%.200s", text + len);
            if (f->ext_choices_missing && !lcm__form_find_list(f, ext) &&
                lcm__form_make_list(f, ext) != LCM_OK)
                return oom(err);
        }
        lcm_status st = parse_select(
            f, sh, r, col,
            strncasecmp(selects[k].prefix, "select_one_external", 19) == 0 ? ext : text + len, fd,
            err);
        if (st == LCM_OK && selects[k].kind == LCM_TK_RANK && fd->or_other)
            st = lcm_err_set(err, LCM_UNSUPPORTED, "%s:%ld:%d: rank takes no or_other", sh->file,
                             sh->lines[r], col + 1);
        fd->type = selects[k].type;
        fd->text_kind = selects[k].kind;
        return st;
    }
    /* `osm L`: an OpenStreetMap file whose tags list L (the osm sheet) offers; lcmon stores
     * the file's name as for `osm`, the tags are the collecting app's. */
    if (strncasecmp(text, "osm ", 4) == 0 && text[4] && !strchr(text + 4, ' ')) {
        fd->type = LCM_FT_TEXT, fd->text_kind = LCM_TK_MEDIA, fd->media_type = "osm";
        return LCM_OK;
    }
    for (size_t i = 0; i < NTYPES; i++)
        if (strcasecmp(text, types[i].name) == 0 && types[i].type != LCM_FT_SELECT_ONE &&
            types[i].type != LCM_FT_SELECT_MULTIPLE) {
            fd->type = types[i].type;
            fd->text_kind = types[i].kind;
            fd->external = types[i].external;
            if (types[i].kind == LCM_TK_MEDIA) /* photo is pyxform's older image */
                fd->media_type = strcmp(types[i].name, "photo") == 0 ? "image" : types[i].name;
            return LCM_OK;
        }
    if (!*text)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: row has no type", sh->file, sh->lines[r],
                           col + 1);
    if (strcmp(text, "select_one") == 0 || strcmp(text, "select_multiple") == 0 ||
        strcmp(text, "rank") == 0)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: %s needs a list name ('%s yesno')", sh->file,
                           sh->lines[r], col + 1, text, text);
    return lcm_err_set(err, LCM_UNSUPPORTED,
                       "%s:%ld:%d: type '%s' is not supported (lcmon knows integer, decimal, text, "
                       "select_one, select_multiple, rank, note, calculate, date, time, dateTime, "
                       "range, geopoint, geotrace, geoshape, barcode, image, audio, video, file, "
                       "groups, repeats and the metadata types)",
                       sh->file, sh->lines[r], col + 1, text);
}

static lcm_status parse_expr_cell(const lcm__sheet *sh, size_t r, int col, const char *fname,
                                  int filter, lcm_expr **out, lcm_err *err) {
    const char *src = lcm__sheet_cell(sh, r, col);
    *out = NULL;
    if (!*src)
        return LCM_OK;
    lcm_err why = {0};
    lcm_status st = filter ? lcm_expr_parse_filter(src, out, &why) : lcm_expr_parse(src, out, &why);
    if (st == LCM_OK || st == LCM_NOMEM)
        return st == LCM_OK ? LCM_OK : oom(err);
    const char *msg = why.msg;
    int at = 0;
    if (sscanf(msg, "column %d: ", &at) == 1)
        msg = strchr(msg, ':') + 2;
    return lcm_err_set(err, st, "%s:%ld:%d: %s of '%s', character %d: %s", sh->file, sh->lines[r],
                       col + 1, sh->head[col], fname, at, msg);
}

/* yes/no cells (required, read_only); lcmon takes no expressions there. */
static lcm_status yes_no(const lcm__sheet *sh, size_t r, int col, int *out, lcm_err *err) {
    static const char *const yes[] = {"yes", "true", "true()", "1"};
    static const char *const no[] = {"", "no", "false", "false()", "0"};
    const char *v = lcm__sheet_cell(sh, r, col);
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(v, yes[i]) == 0)
            return *out = 1, LCM_OK;
    for (size_t i = 0; i < 5; i++)
        if (strcasecmp(v, no[i]) == 0)
            return *out = 0, LCM_OK;
    return lcm_err_set(err, LCM_UNSUPPORTED, "%s:%ld:%d: %s must be yes or no, not '%s'", sh->file,
                       sh->lines[r], col + 1, sh->head[col], v);
}

/* range parameters "start=1 end=5 step=1", keys without case, as pyxform reads them; the
 * display keys tick_interval, placeholder and tick_labelset are taken and not used. */
static lcm_status range_params(const lcm__sheet *sh, size_t r, int col, lcm_field *fd,
                               lcm_err *err) {
    static const char *const keys[] = {"start",         "end",         "step",
                                       "tick_interval", "placeholder", "tick_labelset"};
    fd->range_start = 1, fd->range_end = 10, fd->range_step = 1;
    for (const char *p = lcm__sheet_cell(sh, r, col); *p;) {
        char key[32], value[64];
        int used = 0;
        if (sscanf(p, " %31[A-Za-z_-] = %63[^ ;,]%n", key, value, &used) != 2)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: parameters must look like 'start=1 end=5 step=1'",
                               sh->file, sh->lines[r], col + 1);
        size_t k = 0;
        while (k < sizeof keys / sizeof keys[0] && strcasecmp(key, keys[k]) != 0)
            k++;
        if (k == sizeof keys / sizeof keys[0])
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: range takes the parameters start, end, step, "
                               "tick_interval, placeholder and tick_labelset, not '%s'",
                               sh->file, sh->lines[r], col + 1, key);
        char *end = NULL;
        double x = k < 5 ? strtod(value, &end) : 0;
        if (k < 5 && (*end || !isfinite(x)))
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: range parameter %s must be a number, not '%s'", sh->file,
                               sh->lines[r], col + 1, keys[k], value);
        if (k == 0)
            fd->range_start = x;
        else if (k == 1)
            fd->range_end = x;
        else if (k == 2)
            fd->range_step = x;
        p += used;
        p += strspn(p, " ;,");
    }
    if (!(fd->range_step > 0) || !(fd->range_end >= fd->range_start))
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: range needs start <= end and step > 0",
                           sh->file, sh->lines[r], col >= 0 ? col + 1 : 1);
    return LCM_OK;
}

/* The parameters pyxform takes for a type other than range, each with what its value must
 * be: 'b' true/false, 'n' a number, 'i' a whole number, 'x' any text, or a '|' list. */
static const struct {
    const char *type; /* the type cell's first word, without case */
    const char *keys; /* "key:rule key:rule" */
} type_params[] = {
    {"geopoint", "allow-mock-accuracy:b capture-accuracy:n warning-accuracy:n "
                 "reference-geometry:x"},
    {"geotrace", "allow-mock-accuracy:b incremental:b reference-geometry:x"},
    {"geoshape", "allow-mock-accuracy:b incremental:b reference-geometry:x"},
    {"audio", "quality:normal|low|voice-only|external"},
    {"background-audio", "quality:normal|low|voice-only"},
    {"image", "app:x max-pixels:i"},
    {"select_one", "randomize:b seed:s"},
    {"select_multiple", "randomize:b seed:s"},
    {"select", "randomize:b seed:s"},
    {"rank", "randomize:b seed:s"},
    {"text", "rows:i"},
    {"audit", "location-priority:no-power|low-power|balanced|high-accuracy "
              "location-min-interval:n location-max-age:n track-changes:b identify-user:b "
              "track-changes-reasons:on-form-edit"},
};

/* 1 when value passes rule (see type_params). */
static int param_ok(const char *rule, size_t rlen, const char *value) {
    char *end = NULL;
    if (rlen == 1 && *rule == 'b')
        return strcasecmp(value, "true") == 0 || strcasecmp(value, "false") == 0;
    if (rlen == 1 && (*rule == 'n' || *rule == 'i')) {
        double x = strtod(value, &end);
        return *value && !*end && isfinite(x) && (*rule == 'n' || x == floor(x));
    }
    if (rlen == 1 && *rule == 's') /* a number or a field: ${name} */
        return (strtod(value, &end), *value && !*end) ||
               (value[0] == '$' && value[1] == '{' && value[strlen(value) - 1] == '}');
    if (rlen == 1 && *rule == 'x')
        return *value != '\0';
    for (const char *p = rule; p < rule + rlen;) {
        size_t n = strcspn(p, "|");
        n = p + n > rule + rlen ? (size_t)(rule + rlen - p) : n;
        if (strlen(value) == n && strncmp(p, value, n) == 0)
            return 1;
        p += n + 1;
    }
    return 0;
}

/* parameters of types other than range: the keys and values pyxform accepts for the type;
 * types pyxform gives no parameters to keep theirs unread. */
static lcm_status other_params(const lcm__sheet *sh, size_t r, int col, lcm_err *err) {
    const char *cell = lcm__sheet_cell(sh, r, col);
    if (!*cell)
        return LCM_OK;
    char word[32];
    if (sscanf(lcm__sheet_cell(sh, r, lcm__sheet_col(sh, "type")), "%31s", word) != 1)
        return LCM_OK;
    size_t t = 0, nt = sizeof type_params / sizeof type_params[0];
    while (t < nt && strcasecmp(word, type_params[t].type) != 0)
        t++;
    if (t == nt)
        return LCM_OK;
    int seen_random = 0, seen_seed = 0, nloc = 0;
    double min_interval = 0, max_age = 0;
    for (const char *p = cell; *p;) {
        char key[40], value[128];
        int used = 0;
        p += strspn(p, " ;,");
        if (!*p)
            break;
        if (sscanf(p, "%39[A-Za-z_-] = %127[^ ;,]%n", key, value, &used) != 2)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: parameters must be key=value pairs, not '%s'", sh->file,
                               sh->lines[r], col + 1, p);
        p += used;
        const char *keys = type_params[t].keys, *rule = NULL;
        size_t rlen = 0;
        for (const char *k = keys; *k && !rule;) {
            size_t klen = strcspn(k, ":");
            const char *rs = k + klen + 1;
            size_t rl = strcspn(rs, " ");
            if (strlen(key) == klen && strncasecmp(k, key, klen) == 0)
                rule = rs, rlen = rl;
            k = rs + rl + (rs[rl] == ' ');
        }
        if (!rule)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: a %s question takes no parameter '%s' (pyxform "
                               "takes: %s)",
                               sh->file, sh->lines[r], col + 1, word, key, keys);
        if (!param_ok(rule, rlen, value)) {
            char want[96];
            const char *word1 = rlen != 1      ? NULL
                                : *rule == 'b' ? "true or false"
                                : *rule == 'n' ? "a number"
                                : *rule == 'i' ? "a whole number"
                                : *rule == 's' ? "a number or ${field}"
                                               : "some text";
            snprintf(want, sizeof want, "%.*s", word1 ? (int)strlen(word1) : (int)rlen,
                     word1 ? word1 : rule);
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: parameter %s cannot be '%s' (%s)",
                               sh->file, sh->lines[r], col + 1, key, value, want);
        }
        if (strcasecmp(key, "randomize") == 0)
            seen_random = strcasecmp(value, "true") == 0 ? 1 : -1;
        if (strcasecmp(key, "seed") == 0)
            seen_seed = 1;
        if (strncasecmp(key, "location-", 9) == 0) {
            nloc++;
            if (strcasecmp(key, "location-min-interval") == 0)
                min_interval = strtod(value, NULL);
            if (strcasecmp(key, "location-max-age") == 0)
                max_age = strtod(value, NULL);
        }
    }
    if (seen_seed && seen_random != 1)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: a seed needs randomize=true", sh->file,
                           sh->lines[r], col + 1);
    if (nloc && nloc != 3)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: an audit with locations needs location-priority, "
                           "location-min-interval and location-max-age together",
                           sh->file, sh->lines[r], col + 1);
    if (nloc && min_interval < 0)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: location-min-interval must be 0 or more",
                           sh->file, sh->lines[r], col + 1);
    if (nloc && max_age < min_interval)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: location-max-age must be at least location-min-interval",
                           sh->file, sh->lines[r], col + 1);
    return LCM_OK;
}

static lcm_status read_extensions(const lcm__sheet *sh, size_t r, const lcm__survey_cols *c,
                                  lcm_field *fd, lcm_err *err) {
    static const char *const refs[] = {"", "city", "county", "township"};
    const char *col = lcm__sheet_cell(sh, r, c->lcmon_column);
    const char *ref = lcm__sheet_cell(sh, r, c->lcmon_reference);
    if (*col) {
        int std = lcm__std_col_find(col);
        if (std < 0 || !lcm__std_cols[std].settable)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: lcmon_column '%s' is not a standard column a field can "
                               "fill (city, wave, stratum, psu, household_id, design_weight, "
                               "interviewer)",
                               sh->file, sh->lines[r], c->lcmon_column + 1, col);
        if (!(fd->column = strdup(lcm__std_cols[std].name)))
            return oom(err);
    }
    for (size_t i = 1; *ref && i < 4; i++)
        if (strcasecmp(ref, refs[i]) == 0)
            fd->reference = (lcm_ref_kind)i;
    if (*ref && fd->reference == LCM_REF_NONE)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: lcmon_reference must be city, county or township, not '%s'",
                           sh->file, sh->lines[r], c->lcmon_reference + 1, ref);
    return LCM_OK;
}

/* A problem of a cell: recorded, the row marked broken; only out of memory stops. */
static lcm_status note(lcm_form *f, size_t i, lcm_status st, const lcm_err *err) {
    if (st == LCM_OK || st == LCM_NOMEM)
        return st;
    f->broken[i] = f->broken[i] ? f->broken[i] : 1;
    return lcm__form_problem(f, err);
}

/* Labels, hints and constraint messages of row r, per language. */
static lcm_status read_texts(lcm_form *f, const lcm__sheet *sh, size_t r, lcm_field *fd,
                             lcm_err *err) {
    char **label = NULL, **hint = NULL, **msg = NULL;
    lcm_status st = lcm__form_texts(f, sh, r, "label", &label, err);
    if (st == LCM_OK && (st = lcm__form_texts(f, sh, r, "hint", &hint, err)) == LCM_OK)
        st = lcm__form_texts(f, sh, r, "constraint_message", &msg, err);
    fd->label = (const char *const *)label;
    fd->hint = (const char *const *)hint;
    fd->constraint_message = (const char *const *)msg;
    return st;
}

/* 1 when row r names a media file to show (media::image, image, audio::zh, …). */
static int has_media(const lcm__sheet *sh, size_t r) {
    static const char *const kinds[] = {"media", "image", "audio", "video", "big-image"};
    for (size_t c = 0; c < sh->ncols; c++)
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            if (strncasecmp(sh->head[c], kinds[k], strlen(kinds[k])) == 0 && sh->rows[r][c][0])
                return 1;
    return 0;
}

/* Field i from row r: each cell is read even after a problem in another one. */
static lcm_status read_field(lcm_form *f, const lcm__sheet *sh, size_t r, size_t i, lcm_err *err) {
    const lcm__survey_cols *c = &f->cols;
    lcm_field *fd = &f->fields[i];
    lcm_expr *e[5] = {NULL};
    fd->line = sh->lines[r];
    fd->parent = fd->repeat = fd->end = -1;
    fd->media = has_media(sh, r);
    const char *name = lcm__sheet_cell(sh, r, c->name);
    if (!*name && strcasecmp(lcm__sheet_cell(sh, r, c->type), "audit") == 0)
        name = "audit"; /* pyxform names the audit itself */
    if (!(fd->name = strdup(name)))
        return oom(err);
    lcm_status st = note(f, i, parse_type(f, sh, r, c->type, fd, err), err);
    if (f->broken[i])
        f->broken[i] = 2; /* the type is unknown: the row is not nested either */
    if (st == LCM_OK)
        st = read_texts(f, sh, r, fd, err);
    const int cols[5] = {c->relevant, c->constraint, c->calculation, c->choice_filter,
                         c->repeat_count};
    for (int k = 0; k < 5 && st == LCM_OK; k++)
        st = note(f, i, parse_expr_cell(sh, r, cols[k], fd->name, k == 3, &e[k], err), err);
    fd->relevant = e[0], fd->constraint = e[1], fd->calculation = e[2];
    fd->choice_filter = e[3], fd->repeat_count = e[4];
    if (st == LCM_OK && fd->or_other && fd->choice_filter)
        st = note(f, i,
                  lcm_err_set(err, LCM_UNSUPPORTED,
                              "%s:%ld:%d: or_other cannot go with a choice_filter (pyxform "
                              "refuses it too): add an 'other' choice the filter lets through",
                              sh->file, fd->line, c->choice_filter + 1),
                  err);
    /* required: yes/no, or an expression (pyxform passes it to the bind): evaluated per
     * instance and row (lcm_instance_required) */
    lcm_err yn = {0};
    if (st == LCM_OK && yes_no(sh, r, c->required, &fd->required, &yn) != LCM_OK) {
        lcm_expr *req = NULL;
        st = note(f, i, parse_expr_cell(sh, r, c->required, fd->name, 0, &req, err), err);
        fd->required_if = req;
    }
    if (st == LCM_OK)
        st = note(f, i, yes_no(sh, r, c->read_only, &fd->read_only, err), err);
    if (st == LCM_OK)
        st = note(f, i, yes_no(sh, r, c->lcmon_pii, &fd->pii, err), err);
    const char *dflt = lcm__sheet_cell(sh, r, c->dflt),
               *app = lcm__sheet_cell(sh, r, c->appearance);
    if (st == LCM_OK && *dflt && !(fd->default_value = strdup(dflt)))
        st = oom(err);
    if (st == LCM_OK && *app && !(fd->appearance = strdup(app)))
        st = oom(err);
    const char *ty = lcm__sheet_cell(sh, r, c->type);
    if (st == LCM_OK && strstr(app, "search(") &&
        (strncasecmp(ty, "select_one_from_file", 20) == 0 ||
         strncasecmp(ty, "select_multiple_from_file", 25) == 0))
        st = note(f, i,
                  lcm_err_set(err, LCM_PARSE,
                              "%s:%ld:%d: '%s' is a select from a file and uses search(): the "
                              "two do not go together (pyxform refuses it too)",
                              sh->file, fd->line, c->appearance + 1, fd->name),
                  err);
    if (st == LCM_OK && fd->type == LCM_FT_RANGE)
        st = note(f, i, range_params(sh, r, c->parameters, fd, err), err);
    else if (st == LCM_OK && c->parameters >= 0)
        st = note(f, i, other_params(sh, r, c->parameters, err), err);
    if (st == LCM_OK)
        st = note(f, i, read_extensions(sh, r, c, fd, err), err);
    return st;
}

/* The `<select>_other` text field of or_other, as field i. */
static lcm_status other_field(lcm_form *f, const lcm_field *sel, size_t i, lcm_err *err) {
    lcm_field *fd = &f->fields[i];
    size_t n = strlen(sel->name) + 7;
    char *name = malloc(n), src[256];
    fd->type = LCM_FT_TEXT;
    fd->generated = 1;
    fd->line = sel->line;
    fd->parent = fd->repeat = fd->end = -1;
    if (!name)
        return oom(err);
    snprintf(name, n, "%s_other", sel->name);
    fd->name = name;
    char **label = other_texts(f, 1), **hint = calloc(f->nlangs + 1, sizeof *hint),
         **msg = calloc(f->nlangs + 1, sizeof *msg);
    fd->label = (const char *const *)label;
    fd->hint = (const char *const *)hint;
    fd->constraint_message = (const char *const *)msg;
    if (!label || !hint || !msg)
        return oom(err);
    snprintf(src, sizeof src, "selected(${%.200s}, 'other')", sel->name);
    lcm_expr *rel = NULL;
    lcm_status st = lcm_expr_parse(src, &rel, err);
    fd->relevant = rel;
    return st == LCM_OK || st == LCM_NOMEM ? st : note(f, i, st, err);
}

/* The group or repeat open at field i (before i is nested), -1 at the top. */
static int open_group(const lcm_form *f, size_t i) {
    int depth = 0;
    for (size_t j = i; j-- > 0;) {
        lcm_field_type t = f->fields[j].type;
        if (t == LCM_FT_END_GROUP || t == LCM_FT_END_REPEAT)
            depth++;
        else if (t == LCM_FT_BEGIN_GROUP || t == LCM_FT_BEGIN_REPEAT) {
            if (depth == 0)
                return (int)j;
            depth--;
        }
    }
    return -1;
}

static int same_parent(const lcm_form *f, int j, int parent) {
    return f->fields[j].parent == parent;
}

/* Name checks: present (except on end rows), valid, unique without case. */
static lcm_status check_name(lcm_form *f, const lcm__sheet *sh, size_t i, lcm_err *err) {
    const lcm_field *fd = &f->fields[i];
    int col = fd->generated ? f->cols.type : f->cols.name;
    if (fd->type == LCM_FT_END_GROUP || fd->type == LCM_FT_END_REPEAT)
        return LCM_OK;
    if (!*fd->name)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: %s row has no name", sh->file, fd->line,
                           col + 1, lcm__form_type_name(fd->type));
    if (!lcm__form_name_ok(fd->name) || strlen(fd->name) > 64)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: name '%s' must start with a letter or '_' and hold only "
                           "letters, digits, '_', '-', '.' (at most 64)",
                           sh->file, fd->line, col + 1, fd->name);
    if (strcmp(fd->name, "meta") == 0) /* XForms keeps instanceID and the like under meta */
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: the name 'meta' is reserved for the form's metadata "
                           "(pyxform refuses it too): rename the %s",
                           sh->file, fd->line, col + 1, lcm__form_type_name(fd->type));
    /* pyxform: unique within the nearest group or repeat (the same name in two groups is
     * stored under a group-qualified column, form_columns.c). */
    for (size_t j = 0; j < i; j++)
        if (strcmp(f->fields[j].name, fd->name) == 0 && f->fields[j].type != LCM_FT_END_GROUP &&
            f->fields[j].type != LCM_FT_END_REPEAT && same_parent(f, (int)j, open_group(f, i)))
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: name '%s' is already used on line %ld%s",
                               sh->file, fd->line, col + 1, fd->name, f->fields[j].line,
                               f->fields[j].generated ? " by the text or_other adds" : "");
    return LCM_OK;
}

/* Groups and repeats: a stack of open begin rows; field i records parent and repeat. */
static lcm_status nest(lcm_form *f, const lcm__sheet *sh, size_t i, int *stack, int *depth,
                       lcm_err *err) {
    lcm_field *fd = &f->fields[i];
    int col = f->cols.type + 1;
    fd->parent = *depth ? stack[*depth - 1] : -1;
    fd->repeat = fd->parent >= 0 ? (f->fields[fd->parent].type == LCM_FT_BEGIN_REPEAT
                                        ? fd->parent
                                        : f->fields[fd->parent].repeat)
                                 : -1;
    if (fd->type == LCM_FT_BEGIN_GROUP || fd->type == LCM_FT_BEGIN_REPEAT) {
        if (*depth >= 32)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: groups nested deeper than 32", sh->file,
                               fd->line, col);
        stack[(*depth)++] = (int)i;
    } else if (fd->type == LCM_FT_END_GROUP || fd->type == LCM_FT_END_REPEAT) {
        int want = fd->type == LCM_FT_END_GROUP ? LCM_FT_BEGIN_GROUP : LCM_FT_BEGIN_REPEAT;
        if (!*depth)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: %s without a begin", sh->file, fd->line,
                               col, lcm__form_type_name(fd->type));
        lcm_field *open = &f->fields[stack[*depth - 1]];
        if ((int)open->type != want)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: %s closes '%s %s' of line %ld", sh->file,
                               fd->line, col, lcm__form_type_name(fd->type),
                               lcm__form_type_name(open->type), open->name, open->line);
        open->end = (int)i;
        fd->parent = open->parent;
        fd->repeat = open->repeat;
        (*depth)--;
    }
    return LCM_OK;
}

/* Append field i (already read) to the form: name and nesting checks. */
static lcm_status place(lcm_form *f, const lcm__sheet *sh, size_t i, int *stack, int *depth,
                        lcm_err *err) {
    f->nfields = i + 1;
    lcm_status st = note(f, i, check_name(f, sh, i, err), err);
    if (st == LCM_OK && f->broken[i] != 2)
        st = note(f, i, nest(f, sh, i, stack, depth, err), err);
    return st;
}

lcm_status lcm__form_read_survey(lcm_form *f, const lcm__sheet *sh, lcm_err *err) {
    lcm__survey_cols *c = &f->cols;
    c->type = lcm__sheet_col(sh, "type"), c->name = lcm__sheet_col(sh, "name");
    c->required = lcm__sheet_col(sh, "required"), c->relevant = lcm__sheet_col(sh, "relevant");
    c->constraint = lcm__sheet_col(sh, "constraint");
    c->calculation = lcm__sheet_col(sh, "calculation");
    if (c->calculation < 0) /* pyxform's alias */
        c->calculation = lcm__sheet_col(sh, "calculate");
    c->choice_filter = lcm__sheet_col(sh, "choice_filter");
    c->appearance = lcm__sheet_col(sh, "appearance"), c->dflt = lcm__sheet_col(sh, "default");
    c->repeat_count = lcm__sheet_col(sh, "repeat_count");
    c->read_only = lcm__sheet_col(sh, "read_only");
    c->parameters = lcm__sheet_col(sh, "parameters");
    c->lcmon_column = lcm__sheet_col(sh, "lcmon_column");
    c->lcmon_reference = lcm__sheet_col(sh, "lcmon_reference");
    c->lcmon_pii = lcm__sheet_col(sh, "lcmon_pii");
    c->label = lcm__form_label_col(sh);
    if (c->type < 0 || c->name < 0)
        return lcm_err_set(err, LCM_PARSE, "%s:1: missing column '%s'", sh->file,
                           c->type < 0 ? "type" : "name");
    int stack[32], depth = 0;
    size_t cap = 2 * sh->nrows + 1; /* room for the text of every or_other */
    if (!(f->fields = calloc(cap, sizeof *f->fields)) || !(f->broken = calloc(cap, 1)))
        return oom(err);
    lcm_status st = LCM_OK;
    for (size_t r = 0; r < sh->nrows && st == LCM_OK; r++) {
        size_t i = f->nfields;
        f->nfields = i + 1; /* counted before reading, so lcm_form_free releases it */
        if ((st = read_field(f, sh, r, i, err)) == LCM_OK)
            st = place(f, sh, i, stack, &depth, err);
        if (st == LCM_OK && f->fields[i].or_other && !f->broken[i]) {
            f->nfields = i + 2;
            if ((st = other_field(f, &f->fields[i], i + 1, err)) == LCM_OK)
                st = place(f, sh, i + 1, stack, &depth, err);
        }
    }
    if (st != LCM_OK)
        return st;
    if (depth)
        return lcm__form_problemf(f, LCM_PARSE, "%s:%ld:%d: '%s %s' is never closed", sh->file,
                                  f->fields[stack[depth - 1]].line, c->type + 1,
                                  lcm__form_type_name(f->fields[stack[depth - 1]].type),
                                  f->fields[stack[depth - 1]].name);
    return LCM_OK; /* no rows: a form of the standard columns alone, as pyxform takes it */
}
