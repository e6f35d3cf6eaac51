/*
 * test_dash_fixture.h - the fieldwork database the dashboard tests share (test_dashboard.c,
 * test_serve_dash.c): campaigns in 广州 (4401), 深圳 (4403) and 北京 (1100) with assignments
 * of known dispositions, submitted interviews with paradata, answers and submission times
 * chosen so that each quality flag catches exactly one interview. The numbers expected of
 * it are worked out by hand in test_dash_fixture.c.
 */
#ifndef LCMT_DASH_FIXTURE_H
#define LCMT_DASH_FIXTURE_H

/* The path of the fixture database, made once per run (NULL when it could not be made). */
const char *dasht_db(void);

#endif
