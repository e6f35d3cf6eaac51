/*
 * network_cli.h - what the two files of `lcmon network` share: the parsed options and the
 * printing of register tables. cmd_network.c parses and changes the register;
 * cmd_network_report.c prints it.
 */
#ifndef LCM_NETWORK_CLI_H
#define LCM_NETWORK_CLI_H

#include "cli.h"
#include "network.h"

#include <stddef.h>

#define NET_MAX_POS 2

typedef struct net_opts {
    lcm_net_lang lang;
    const char *by; /* who makes the change: --by, $USER, or "unknown" */
    cli_format fmt;
    int xlsx;             /* --format xlsx (summary only) */
    const char *output;   /* --output FILE */
    int force;            /* --force: replace an existing --output file */
    int year;             /* --year, 0 when not given */
    const char *province; /* --province */
    const char *opinion;  /* --opinion */
    const char *status;   /* --status */
    const char *city;     /* --city */
    const char *db;       /* --db (check) */
    int round;            /* --round: the year of recommendation (summary), 0 = all */
    const char *unit; /* --unit, --contact, --phone: 附件3's 填报单位, 联系人, 联系电话 */
    const char *contact;
    const char *phone;
    char **cities; /* --cities, split on commas (also ， and 、) */
    size_t ncities;
    char *cities_buf;    /* the --cities texts, joined; the entries point into it */
    const char *comment; /* --comment: a return's comment, a decline's reason */
    const char *kind;    /* --kind: evidence or photo (attach) */
    const char *pos[NET_MAX_POS];
    int npos;
    char **files; /* attach: the files after DB */
    int nfiles;
    int resubmit; /* the subcommand is resubmit (shares net_apply) */
} net_opts;

/* The report subcommands (cmd_network_report.c). Each returns an exit code. */
int net_list(const net_opts *o);
int net_history(const net_opts *o);
int net_summary(const net_opts *o);
int net_coverage(const net_opts *o);

/* Print a register table in o->fmt on --output or stdout; returns an exit code. */
int net_print_table(const lcm_net_table *t, const net_opts *o);

#endif
