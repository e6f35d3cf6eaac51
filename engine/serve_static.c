/*
 * serve_static.c - the style sheet and the script of `lcmon serve`, compiled into the
 * program so that no request ever reads a file. Mobile first: one column, 16 px text (no
 * zoom on focus in phone browsers), touch targets of at least 48 px. The script is a
 * convenience only: every page works without it.
 */
#include "serve_int.h"

const char lcm__css[] =
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Noto Sans CJK SC','PingFang SC',"
    "'Microsoft YaHei',sans-serif;color:#1a1a1a;background:#f4f5f7}"
    "main{max-width:40rem;margin:0 auto;padding:0 1rem 2rem;background:#fff;min-height:100vh}"
    "header{display:flex;justify-content:space-between;align-items:center;gap:1rem;"
    "padding:.75rem 0;border-bottom:1px solid #ddd}"
    "header .title{font-weight:600;font-size:.95rem}"
    ".lang{display:inline-block;min-height:48px;min-width:48px;line-height:48px;"
    "text-align:center;color:#0b57d0}"
    "progress{display:block;width:100%;height:.5rem;margin:.75rem 0}"
    "h1{font-size:1.3rem;margin:1rem 0}"
    "h1 .row{font-size:1rem;color:#555;font-weight:400}"
    ".q{margin:1.25rem 0;padding:.25rem 0}"
    ".q>label,legend{display:block;font-weight:600;margin-bottom:.4rem}"
    "fieldset{border:0;margin:0;padding:0;min-width:0}"
    ".req{color:#b3261e;margin-left:.25rem}"
    ".hint{color:#555;font-size:.9rem;margin:.2rem 0 .5rem}"
    ".err{color:#b3261e;font-weight:600;margin:.3rem 0}"
    ".has-err input,.has-err select,.has-err textarea{border-color:#b3261e}"
    "input[type=text],input[type=date],input:not([type]),select,textarea{width:100%;"
    "min-height:48px;font:inherit;padding:.5rem .75rem;border:1px solid #888;"
    "border-radius:6px;background:#fff}"
    ".opt{display:flex;align-items:center;gap:.75rem;min-height:48px;padding:.5rem .75rem;"
    "margin:.35rem 0;border:1px solid #ccc;border-radius:6px;cursor:pointer}"
    ".opt input{width:1.4rem;height:1.4rem;margin:0;flex:none}"
    ".scale{display:inline-flex;min-width:3.5rem;margin-right:.35rem;justify-content:center}"
    ".note{background:#eef3fb;padding:.75rem 1rem;border-radius:6px}"
    ".nav,.roster{display:flex;flex-direction:row-reverse;gap:.75rem;margin:1.5rem 0}"
    ".roster{flex-direction:row}"
    "button,.button{min-height:48px;min-width:48px;padding:.6rem 1.25rem;font:inherit;"
    "border-radius:6px;border:1px solid #0b57d0;background:#fff;color:#0b57d0;"
    "cursor:pointer;text-decoration:none;display:inline-block}"
    "button.primary{background:#0b57d0;color:#fff;flex:1}"
    "button.danger{border-color:#b3261e;color:#b3261e}"
    "button.geo{margin-top:.5rem}"
    ".rv h2{font-size:1.05rem;display:flex;justify-content:space-between}"
    ".rv dl{margin:0 0 1rem}.rv dt{color:#555;font-size:.9rem}"
    ".rv dd{margin:0 0 .6rem;font-weight:600}"
    ".msg{margin-top:3rem;text-align:center}"
    "table{width:100%;border-collapse:collapse}td,th{padding:.5rem;border-bottom:1px solid #ddd;"
    "text-align:left;vertical-align:top}"
    /* accounts (serve_auth.c): the signed-in bar, one-button forms, a password shown once */
    "form.inline{display:inline;margin:0 .3rem}.who{font-size:.9rem;color:#555}"
    ".ok{color:#1e6b2e;font-weight:600}code#secret{font-size:1.2rem;user-select:all}"
    ":focus-visible{outline:3px solid #0b57d0;outline-offset:2px}"
    "@media (min-width:48rem){main{padding:0 2rem 2rem}}";

/* A place chosen: the page comes back with the next level's choices at once. A page
 * answered to a POST names its address (data-at): history.replaceState puts it in place. */
const char lcm__js[] =
    "'use strict';\n"
    "document.querySelectorAll('select[data-cascade]').forEach(function (s) {\n"
    "  s.addEventListener('change', function () {\n"
    "    var f = s.form, h = document.createElement('input');\n"
    "    h.type = 'hidden'; h.name = '_nav'; h.value = 'stay';\n"
    "    f.appendChild(h); f.submit();\n"
    "  });\n"
    "});\n"
    /* a page answered to a POST: its own address in the address bar, so a
     * reload or the back button asks for it by address */
    /* a geopoint: a button fills "lat lon altitude accuracy" from the
     * device (typed "lat lon" works without it) */
    "if (navigator.geolocation)\n"
    "  document.querySelectorAll('input[data-geo]').forEach(function (i) {\n"
    "    var b = document.createElement('button');\n"
    "    b.type = 'button'; b.className = 'geo';\n"
    "    b.textContent = document.documentElement.lang === 'en' ?\n"
    "      'Use my location' : '\\u83b7\\u53d6\\u5f53\\u524d\\u4f4d\\u7f6e';\n"
    "    b.addEventListener('click', function () {\n"
    "      navigator.geolocation.getCurrentPosition(function (p) {\n"
    "        var c = p.coords;\n"
    "        i.value = c.latitude.toFixed(6) + ' ' + c.longitude.toFixed(6) +\n"
    "          ' ' + (c.altitude || 0).toFixed(1) + ' ' + c.accuracy.toFixed(1);\n"
    "      }, function () {}, {enableHighAccuracy: true, timeout: 20000});\n"
    "    });\n"
    "    i.parentNode.insertBefore(b, i.nextSibling);\n"
    "  });\n"
    "var m = document.querySelector('main[data-at]');\n"
    "if (m && window.history && history.replaceState)\n"
    "  history.replaceState(null, '', m.getAttribute('data-at'));\n";
