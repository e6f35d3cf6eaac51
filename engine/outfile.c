/*
 * outfile.c - checked, atomic writing of the files lcmon makes for the user (outfile.h).
 */
#include "outfile.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

lcm_status lcm_out_check(const char *path, int flags, lcm_err *err) {
    struct stat st;
    if (!path || !*path)
        return lcm_err_set(err, LCM_INVAL, "no output file given");
    if (lcm__db_owns_file(path))
        return lcm_err_set(err, LCM_INVAL, "refusing to overwrite the open database: '%s'", path);
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return LCM_OK;
        return lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return lcm_err_set(err, LCM_INVAL, "is a directory, not a file: '%s'", path);
    if (!S_ISREG(st.st_mode))
        return lcm_err_set(err, LCM_INVAL, "not a regular file, not replaced: '%s'", path);
    if (!(flags & LCM_OUT_FORCE))
        return lcm_err_set(err, LCM_EXISTS, "file exists (--force replaces it): '%s'", path);
    return LCM_OK;
}

lcm_status lcm_out_dir(const char *path, int flags, lcm_err *err) {
    struct stat st;
    if (!path || !*path)
        return lcm_err_set(err, LCM_INVAL, "no output directory given");
    if (mkdir(path, (flags & LCM_OUT_PRIVATE) ? 0700 : 0777) == 0)
        return LCM_OK;
    if (errno != EEXIST)
        return lcm_err_set(err, LCM_IO, "cannot create directory '%s': %s", path, strerror(errno));
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return lcm_err_set(err, LCM_INVAL, "not a directory: '%s'", path);
    return LCM_OK;
}

static void release(lcm_out *o) {
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

void lcm_out_abort(lcm_out *o) {
    if (!o)
        return;
    if (o->fp)
        fclose(o->fp);
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}

lcm_status lcm_out_open(lcm_out *o, const char *path, int flags, lcm_err *err) {
    memset(o, 0, sizeof *o);
    lcm_status st = lcm_out_check(path, flags, err);
    if (st != LCM_OK)
        return st;
    /* Beside the target, hidden: <dir>/.<name>.lcmon-XXXXXX. */
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_add(&sb, path, dir);
    lcm_strbuf_addf(&sb, ".%s.lcmon-XXXXXX", path + dir);
    o->path = strdup(path);
    if (!lcm_strbuf_ok(&sb) || !o->path) {
        lcm_strbuf_release(&sb);
        release(o);
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    o->tmp = lcm_strbuf_detach(&sb);
    o->flags = flags;
    int fd = mkstemp(o->tmp); /* 0600 */
    if (fd < 0) {
        st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path, strerror(errno));
        free(o->tmp), o->tmp = NULL; /* nothing was created */
        release(o);
        return st;
    }
    if (!(flags & LCM_OUT_PRIVATE)) {
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    if (!(o->fp = fdopen(fd, "wb"))) {
        st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        lcm_out_abort(o);
    }
    return st;
}

lcm_status lcm_out_commit(lcm_out *o, lcm_err *err) {
    lcm_status st = LCM_OK;
    if (o->fp) {
        int bad = fflush(o->fp) != 0 || ferror(o->fp);
        int e = errno;
        if (fclose(o->fp) != 0 && !bad)
            bad = 1, e = errno;
        o->fp = NULL;
        if (bad)
            st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", o->path, strerror(e));
    }
    /* Again: the target may have appeared, or changed, while the data was written. */
    if (st == LCM_OK)
        st = lcm_out_check(o->path, o->flags, err);
    if (st == LCM_OK && !(o->flags & LCM_OUT_FORCE)) {
        /* link() never replaces: a file created meanwhile stays. Where links are not
         * supported, rename (the check above just ran). */
        if (link(o->tmp, o->path) == 0)
            unlink(o->tmp);
        else if (errno == EEXIST)
            st = lcm_err_set(err, LCM_EXISTS, "file exists (--force replaces it): '%s'", o->path);
        else if (rename(o->tmp, o->path) != 0)
            st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", o->path, strerror(errno));
    } else if (st == LCM_OK && rename(o->tmp, o->path) != 0) {
        st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", o->path, strerror(errno));
    }
    if (st == LCM_OK) {
        release(o);
        return LCM_OK;
    }
    lcm_out_abort(o);
    return st;
}

lcm_status lcm_out_failed(const lcm_out *o, lcm_status st, lcm_err *err) {
    if (!err || !o->tmp || !o->path)
        return st;
    char *at = strstr(err->msg, o->tmp);
    if (at) {
        char rest[sizeof err->msg];
        snprintf(rest, sizeof rest, "%s", at + strlen(o->tmp));
        snprintf(at, sizeof err->msg - (size_t)(at - err->msg), "%s%s", o->path, rest);
    }
    return st;
}

lcm_status lcm_out_take(lcm_out *o, const char *file, lcm_err *err) {
    if (o->fp)
        fclose(o->fp), o->fp = NULL;
    if (rename(file, o->tmp) != 0) {
        lcm_status st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", o->path, strerror(errno));
        lcm_out_abort(o);
        return st;
    }
    return lcm_out_commit(o, err);
}
