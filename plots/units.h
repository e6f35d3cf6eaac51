/*
 * units.h - the units of the monitoring framework as a report in either language shows them.
 *
 * surveys/framework.csv gives each monitoring point's unit as the guide writes it ("人",
 * "万人次/年", "%", "score"...). A Chinese report shows those (reviewers' "score" as "分");
 * an English one shows the English unit ("persons", "10,000 person-times/year", "points").
 */
#ifndef LCM_PLOTS_UNITS_H
#define LCM_PLOTS_UNITS_H

#include "chart.h"

/* The unit as shown in lang. A unit this table does not know is returned as it is (so a new
 * unit in the framework shows, untranslated, rather than vanishing). Static string or unit. */
const char *lcm_unit_label(const char *unit, lcm_lang lang);

#endif
