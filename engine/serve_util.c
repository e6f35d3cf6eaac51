/*
 * serve_util.c - small pieces the page files of `lcmon serve` share (serve_int.h): escaped
 * text into the page, the text of the page's language, and the 500 page of a failed request.
 */
#include "serve_int.h"

#include <microhttpd.h>
#include <stdio.h>

void lcm__html(lcm__req *r, const char *text) {
    lcm_serve_html(&r->out, text ? text : "");
}

void lcm__say_html(lcm__req *r, const char *zh, const char *en) {
    lcm__html(r, lcm__say(r, zh, en));
}

void lcm__failed(lcm__req *r, const lcm_err *err) {
    fprintf(stderr, "lcmon: serve: %s\n", err->msg);
    lcm__message(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "服务器出错，请稍后再试",
                 "The server failed; please try again later");
}
