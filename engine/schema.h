/*
 * schema.h - internal access to the ordered schema migrations (engine only).
 */
#ifndef LCM_SCHEMA_H
#define LCM_SCHEMA_H

/* Number of migrations; equals LCM_SCHEMA_VERSION. */
int lcm__schema_count(void);
/* SQL that takes the schema from to_version-1 to to_version, or NULL. */
const char *lcm__schema_migration(int to_version);

#include "lcmon.h"

/* Apply migrations until user_version reaches target (each in its own transaction). */
lcm_status lcm__db_migrate(lcm_db *db, int target, lcm_err *err);
/* lcm_db_open, migrating only up to target (tests build old databases with it). */
lcm_status lcm__db_open_at(const char *path, int flags, int target, lcm_db **out, lcm_err *err);

#endif
