/*
 * serve_admin.h - the fieldwork subcommands of `lcmon serve` (engine/cli/cmd_serve_admin.c):
 * campaigns and their QR codes, one-time tokens with printable invitations, interviewers'
 * sample lists, outcomes. cmd_serve dispatches to lcm_cli_serve_admin when its first argument
 * is one of LCM_SERVE_ADMIN_WORDS, and puts the two usage macros in its own usage text, so
 * `lcmon help serve` and the manual page show them.
 */
#ifndef LCM_SERVE_ADMIN_H
#define LCM_SERVE_ADMIN_H

/* 1 when word names a fieldwork subcommand (campaign, tokens, assign, outcomes). */
int lcm_cli_serve_admin_word(const char *word);

/* argv[0] is "serve", argv[1] the subcommand; returns an exit code. */
int lcm_cli_serve_admin(int argc, char **argv);

/* Synopsis lines (alternatives of `lcmon serve`). */
#define LCM_SERVE_ADMIN_SYNOPSIS                                                                   \
    "   or: lcmon serve campaign add DB --form F --city C --wave W [--mode open|token]",           \
        "           [--slug S] [--base-url URL] [--qr PREFIX] [--force]",                          \
        "   or: lcmon serve campaign list DB",                                                     \
        "   or: lcmon serve tokens DB --campaign SLUG --count N [--base-url URL] [--out PREFIX]",  \
        "           [--force]",                                                                    \
        "   or: lcmon serve assign DB --interviewer NAME [--campaign SLUG] [--new-token]",         \
        "           [--base-url URL] FILE.csv", "   or: lcmon serve outcomes DB [--campaign SLUG]"

/* Entries describing them. */
#define LCM_SERVE_ADMIN_HELP                                                                       \
    "Fieldwork (run these while the server is stopped or running; they share the database):",      \
        "  campaign add   a campaign of form F in city C (4-digit code) for wave W: prints its",   \
        "                 public link BASE/c/SLUG and writes its QR code as PREFIX.svg and",       \
        "                 PREFIX.png (default PREFIX: SLUG-qr). --mode token admits only",         \
        "                 one-time tokens (default open: anyone with the link)",                   \
        "  campaign list  campaigns with their tokens, submissions and households",                \
        "  tokens         N one-time tokens for a campaign: PREFIX.csv (serial,token,link) and",   \
        "                 PREFIX.html, a printable sheet of invitations with QR codes (default",   \
        "                 PREFIX: SLUG-tokens; both files 0600). Tokens are stored hashed and",    \
        "                 cannot be shown again; each answers once and resumes its own draft",     \
        "  assign         load an interviewer's sample list (CSV: household_id, address,",         \
        "                 community = 12-digit code, optional stratum, design_weight) into a",     \
        "                 campaign (--campaign may be left out when there is one); a new",         \
        "                 interviewer's sign-in link BASE/i/TOKEN is printed once (--new-token",   \
        "                 gives a known one a new link and revokes the old)",                      \
        "  outcomes       households by AAPOR disposition and the response rate RR1",              \
        "  --base-url URL the address of the server as people reach it, in links and QR",          \
        "                 codes (default http://127.0.0.1:8080)"

#endif
