/*
 * network_int.h - what the network register's files share inside the engine: the
 * message-language switch and the value formats of network_values.c.
 */
#ifndef LCM_NETWORK_INT_H
#define LCM_NETWORK_INT_H

#include "network.h"

#include <stddef.h>

/* The reader's language picks the message; GCC checks both literals against the args. */
#define L(pr, en, zh) ((pr)->lang == LCM_NET_EN ? en : zh)

/* Characters as the form counts them: Unicode characters, line breaks left out so that
 * paragraphs do not eat the limit. */
long lcm__net_chars(const char *s);
/* 1 when s[0..n) is n > 0 ASCII digits. */
int lcm__net_digits(const char *s, size_t n);
/* 1 for YYYY-MM or YYYY-MM-DD with a real month and day. */
int lcm__net_date(const char *s);
/* A plain decimal (digits, optional fraction, nothing else) into *out; 1 on success. */
int lcm__net_decimal(const char *s, double *out);
/* 1 when s holds a control character other than tab, CR and LF. */
int lcm__net_control(const char *s);
/* Problems with the evidence file v names (a pdf or photo field): extension, existence,
 * content. Relative paths are taken from dir (ends with '/', or is empty). */
void lcm__net_check_file(lcm_net_problems *pr, const char *dir, const lcm_net_value *v,
                         lcm_net_type type);

/* network.c, for network_attach.c: a transaction or a savepoint in the caller's (*own
 * says which), the status of a city ("" when not in the register), and a county-level
 * city made a city of the store. */
lcm_status lcm__net_tx_begin(lcm_db *db, int *own, lcm_err *err);
lcm_status lcm__net_tx_end(lcm_db *db, int own, lcm_status rc, lcm_err *err);
lcm_status lcm__net_member_status(lcm_db *db, const char *city, char out[16], lcm_err *err);
lcm_status lcm__net_add_county_city(lcm_db *db, const char *code, lcm_err *err);
/* The kind of city's attachment called name into kind[12]; 0 when there is none. */
int lcm__net_attachment_kind(lcm_db *db, const char *city, const char *name, char kind[12]);

#endif
