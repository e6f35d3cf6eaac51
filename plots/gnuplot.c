/*
 * gnuplot.c - spawning gnuplot without a shell and talking to it (see gnuplot.h).
 *
 * Writing the script and reading stderr happen in one poll loop over non-blocking ends: a
 * gnuplot that prints many warnings would otherwise fill its stderr pipe and stop reading,
 * and both sides would wait for ever (a blocking send waits for the whole buffer, not just
 * for the room poll reported).
 */
#include "gnuplot.h"
#include "chart_internal.h" /* lcm__msg */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Keep the end of stderr: gnuplot stops at the first error, so that is where it is. */
#define ERR_KEEP 8192

struct lcm_gnuplot {
    pid_t pid;
    int in;     /* our end of gnuplot's stdin (socket), -1 once closed */
    int err;    /* read end of gnuplot's stderr, -1 at EOF */
    int reaped; /* waitpid done, status in ws */
    int ws;
    char errbuf[ERR_KEEP]; /* last bytes of stderr */
    size_t errlen;
};

int lcm_gnuplot_find(const char *exe, char *out, size_t cap) {
    if (!exe)
        exe = "gnuplot";
    if (strchr(exe, '/')) {
        snprintf(out, cap, "%s", exe);
        return access(exe, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        int k = snprintf(out, cap, "%.*s/%s", (int)n, n ? p : ".", exe);
        if (k > 0 && (size_t)k < cap && access(out, X_OK) == 0)
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

/* Append what stderr has now; returns 0 at EOF or error, 1 while it may have more. */
static int drain_err(lcm_gnuplot *gp) {
    char chunk[4096];
    ssize_t n = read(gp->err, chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 1;
    if (n <= 0) {
        close(gp->err);
        gp->err = -1;
        return 0;
    }
    size_t k = (size_t)n > ERR_KEEP ? ERR_KEEP : (size_t)n;
    if (gp->errlen + k > ERR_KEEP) {
        size_t drop = gp->errlen + k - ERR_KEEP;
        memmove(gp->errbuf, gp->errbuf + drop, gp->errlen - drop);
        gp->errlen -= drop;
    }
    memcpy(gp->errbuf + gp->errlen, chunk + (size_t)n - k, k);
    gp->errlen += k;
    return 1;
}

static lcm_status spawn(lcm_gnuplot *gp, const char *path, int sv, int ev, char *msg, size_t cap) {
    posix_spawn_file_actions_t fa;
    char *const argv[] = {(char *)"gnuplot", NULL};
    if (posix_spawn_file_actions_init(&fa) != 0) {
        lcm__msg(msg, cap, "gnuplot: out of memory");
        return LCM_NOMEM;
    }
    /* The parent's ends are close-on-exec; dup2 gives the child plain copies. */
    int rc = posix_spawn_file_actions_adddup2(&fa, sv, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, ev, 2);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (rc == 0)
        rc = posix_spawn(&gp->pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        lcm__msg(msg, cap, "cannot start gnuplot '%s': %s", path, strerror(rc));
        return LCM_EXTERNAL;
    }
    return LCM_OK;
}

static int cloexec(int fd) {
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

lcm_status lcm_gnuplot_open(const char *exe, lcm_gnuplot **out, char *msg, size_t cap) {
    char path[4096];
    int sv[2] = {-1, -1}, ev[2] = {-1, -1};
    lcm_gnuplot *gp = NULL;
    lcm_status st = LCM_OK;
    *out = NULL;
    if (!lcm_gnuplot_find(exe, path, sizeof path)) {
        lcm__msg(msg, cap, "gnuplot not found: install gnuplot-nox");
        return LCM_EXTERNAL;
    }
    if (!(gp = calloc(1, sizeof *gp))) {
        lcm__msg(msg, cap, "gnuplot: out of memory");
        return LCM_NOMEM;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || pipe(ev) != 0 || cloexec(sv[0]) ||
        cloexec(sv[1]) || cloexec(ev[0]) || cloexec(ev[1]) ||
        fcntl(ev[0], F_SETFL, O_NONBLOCK) != 0 || fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0) {
        lcm__msg(msg, cap, "gnuplot: cannot make pipes: %s", strerror(errno));
        st = LCM_IO;
        goto cleanup;
    }
    st = spawn(gp, path, sv[1], ev[1], msg, cap);
    if (st != LCM_OK)
        goto cleanup;
    gp->in = sv[0], gp->err = ev[0];
    sv[0] = ev[0] = -1;
    *out = gp;
    gp = NULL;
cleanup:
    for (int i = 0; i < 2; i++) {
        if (sv[i] >= 0)
            close(sv[i]);
        if (ev[i] >= 0)
            close(ev[i]);
    }
    free(gp);
    return st;
}

/* The outcome of a reaped child as a status, with the end of stderr in the message. */
static lcm_status outcome(lcm_gnuplot *gp, char *msg, size_t cap) {
    int ws = gp->ws;
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
        return LCM_OK;
    size_t n = gp->errlen;
    while (n && (gp->errbuf[n - 1] == '\n' || gp->errbuf[n - 1] == ' '))
        n--;
    char how[64];
    if (WIFEXITED(ws))
        snprintf(how, sizeof how, "exit %d", WEXITSTATUS(ws));
    else
        snprintf(how, sizeof how, "signal %d", WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
    lcm__msg(msg, cap, "gnuplot failed (%s): %.*s", how, (int)n, gp->errbuf);
    return LCM_EXTERNAL;
}

/* End the input, read stderr to its end and wait for the child (once). */
static lcm_status finish(lcm_gnuplot *gp, char *msg, size_t cap) {
    if (gp->in >= 0) {
        close(gp->in);
        gp->in = -1;
    }
    while (gp->err >= 0) {
        struct pollfd pf = {gp->err, POLLIN, 0};
        if (poll(&pf, 1, -1) < 0 && errno != EINTR) {
            close(gp->err);
            gp->err = -1;
            break;
        }
        drain_err(gp);
    }
    while (!gp->reaped) {
        if (waitpid(gp->pid, &gp->ws, 0) >= 0 || errno != EINTR)
            gp->reaped = 1;
    }
    return outcome(gp, msg, cap);
}

lcm_status lcm_gnuplot_send(lcm_gnuplot *gp, const char *text, size_t len, char *msg, size_t cap) {
    size_t off = 0;
    while (off < len) {
        if (gp->in < 0)
            break;
        struct pollfd pf[2] = {{gp->in, POLLOUT, 0}, {gp->err, POLLIN, 0}};
        if (poll(pf, gp->err >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            lcm__msg(msg, cap, "gnuplot: poll: %s", strerror(errno));
            return LCM_IO;
        }
        if (gp->err >= 0 && pf[1].revents)
            drain_err(gp);
        if (!(pf[0].revents & (POLLOUT | POLLERR | POLLHUP)))
            continue;
        ssize_t n = send(gp->in, text + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            break; /* gnuplot stopped reading: it has exited */
        off += (size_t)n;
    }
    if (off == len)
        return LCM_OK;
    lcm_status st = finish(gp, msg, cap);
    if (st == LCM_OK) {
        lcm__msg(msg, cap, "gnuplot exited before reading the whole script");
        st = LCM_EXTERNAL;
    }
    return st;
}

lcm_status lcm_gnuplot_close(lcm_gnuplot *gp, char *msg, size_t cap) {
    if (!gp)
        return LCM_OK;
    lcm_status st = finish(gp, msg, cap);
    free(gp);
    return st;
}

lcm_status lcm_gnuplot_run(const char *exe, const char *script, size_t len, char *msg, size_t cap) {
    lcm_gnuplot *gp = NULL;
    lcm_status st = lcm_gnuplot_open(exe, &gp, msg, cap);
    if (st != LCM_OK)
        return st;
    st = lcm_gnuplot_send(gp, script, len, msg, cap);
    lcm_status cst = lcm_gnuplot_close(gp, st == LCM_OK ? msg : NULL, cap);
    return st != LCM_OK ? st : cst;
}
