/*
 * main.c - the lcmon command: git-style dispatch to one file per subcommand.
 */
#include "cli.h"

#include <gsl/gsl_errno.h>
#include <locale.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*fn)(int, char **);
    const char *const *usage;
    const char *summary;
} command;

static const command commands[] = {
#define LCM_CMD(name, summary) {#name, cmd_##name, cmd_##name##_usage, summary},
#include "commands.h"
#undef LCM_CMD
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const command *find(const char *name) {
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_help(FILE *fp) {
    fprintf(fp, "usage: %s\n\n%s\ncommands:\n", cli_help_synopsis, cli_help_about);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(fp, "   %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(fp,
            "\n'lcmon help <command>' or 'lcmon <command> --help' describes one command.\n"
            "exit codes: %s\n%s",
            cli_help_exit, cli_help_env);
}

/* Said once when a command waits for another lcmon writing to the same database. */
static void say_waiting(const char *path) {
    fprintf(stderr, "lcmon: waiting for another lcmon writing to '%s'…\n", path);
}

int main(int argc, char **argv) {
    setlocale(LC_CTYPE, "");
    gsl_set_error_handler_off(); /* GSL's default handler aborts; we check every status */
    /* SQLite's memory statistics take a global mutex on every allocation; lcmon reads
     * none of them (before any other SQLite call, as sqlite3_config requires). */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    lcm_db_set_wait_notice(say_waiting);
    if (argc < 2) {
        print_help(stderr);
        return LCM_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_help(stdout);
        return LCM_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("lcmon %s (schema %d, SQLite %s)\n", LCM_VERSION, LCM_SCHEMA_VERSION,
               sqlite3_libversion());
        return LCM_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            print_help(stdout);
            return LCM_EXIT_OK;
        }
        const command *c = find(argv[2]);
        if (!c) {
            cli_error("unknown command: '%s' (see 'lcmon --help')", argv[2]);
            return LCM_EXIT_USAGE;
        }
        cli_print_usage(c->usage, stdout);
        return LCM_EXIT_OK;
    }
    const command *c = find(name);
    if (!c) {
        cli_error("unknown command: '%s' (see 'lcmon --help')", name);
        return LCM_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_usage(c->usage, stdout);
            return LCM_EXIT_OK;
        }
    }
    int code = c->fn(argc - 1, argv + 1);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write output: %s", "write error");
        return code ? code : LCM_EXIT_DATA;
    }
    return code;
}
