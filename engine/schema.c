/*
 * schema.c - the ordered migrations of the lcmon store.
 *
 * migrations[i] takes a database from user_version i to i+1. A shipped migration is never
 * edited: a change to the schema is a new entry at the end (and LCM_SCHEMA_VERSION in
 * lcmon.h goes up by one). Response tables are not here: they are created per form version
 * by the form loader, from the form itself.
 */
#include "schema.h"

#include <stddef.h>

static const char *const migrations[] = {
    /* 1: reference data and the indicator framework */
    "CREATE TABLE provinces ("
    "  code TEXT PRIMARY KEY CHECK (length(code) = 2),"
    "  name TEXT NOT NULL,"
    "  region3 TEXT NOT NULL CHECK (region3 IN ('east','central','west')),"
    "  region4 TEXT NOT NULL CHECK (region4 IN ('east','central','west','northeast')));"
    "CREATE TABLE cities ("
    "  code TEXT PRIMARY KEY CHECK (length(code) = 4),"
    "  name TEXT NOT NULL,"
    "  province_code TEXT NOT NULL REFERENCES provinces(code),"
    "  tier TEXT NOT NULL CHECK (tier IN ('municipality','provincial_capital',"
    "                                     'separately_planned','prefecture')));"
    "CREATE INDEX cities_province ON cities(province_code);"
    /* County (县级) and township (乡级) units; village-level units are counted per township
     * (residents' committees = urban communities, village committees, other). */
    "CREATE TABLE admin_units ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  level TEXT NOT NULL CHECK (level IN ('county','township')),"
    "  parent_code TEXT REFERENCES admin_units(code),"
    "  city_code TEXT REFERENCES cities(code),"
    "  province_code TEXT NOT NULL REFERENCES provinces(code),"
    "  residents_committees INTEGER NOT NULL DEFAULT 0 CHECK (residents_committees >= 0),"
    "  village_committees INTEGER NOT NULL DEFAULT 0 CHECK (village_committees >= 0),"
    "  other_villages INTEGER NOT NULL DEFAULT 0 CHECK (other_villages >= 0));"
    "CREATE INDEX admin_units_city ON admin_units(city_code, level);"
    "CREATE INDEX admin_units_parent ON admin_units(parent_code);"
    "CREATE TABLE indicators ("
    "  code TEXT PRIMARY KEY,"
    "  ord INTEGER NOT NULL UNIQUE,"
    "  level INTEGER NOT NULL CHECK (level IN (1,2,3)),"
    "  parent TEXT REFERENCES indicators(code),"
    "  first_level TEXT NOT NULL,"
    "  group_zh TEXT NOT NULL, group_en TEXT NOT NULL,"
    "  name_zh TEXT NOT NULL, name_en TEXT NOT NULL,"
    "  kind TEXT CHECK (kind IN ('quantitative','rating','yesno','count','survey')),"
    "  unit TEXT,"
    "  direction TEXT CHECK (direction IN ('higher_better','lower_better','context',"
    "                                      'target_band')),"
    "  target_low REAL, target_high REAL,"
    "  weight REAL NOT NULL CHECK (weight >= 0),"
    "  survey_field TEXT);",

    /* 2: waves, city-level inputs, forms and result runs */
    "CREATE TABLE waves ("
    "  year INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),"
    "  label TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE indicator_values ("
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  year INTEGER NOT NULL,"
    "  indicator_code TEXT NOT NULL REFERENCES indicators(code),"
    "  value REAL,"
    "  source TEXT NOT NULL,"
    "  imputed INTEGER NOT NULL DEFAULT 0 CHECK (imputed IN (0,1)),"
    "  note TEXT,"
    "  PRIMARY KEY (city_code, year, indicator_code));"
    "CREATE TABLE ratings ("
    "  id INTEGER PRIMARY KEY,"
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  year INTEGER NOT NULL,"
    "  indicator_code TEXT NOT NULL REFERENCES indicators(code),"
    "  reviewer TEXT NOT NULL,"
    "  score REAL NOT NULL CHECK (score BETWEEN 0 AND 100),"
    "  comment TEXT,"
    "  UNIQUE (city_code, year, indicator_code, reviewer));"
    /* Facilities located in a county or township unit; a village-level one (teaching point)
     * names its village inside the township, which is how village coverage is counted. */
    "CREATE TABLE facilities ("
    "  id INTEGER PRIMARY KEY,"
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  unit_code TEXT NOT NULL REFERENCES admin_units(code),"
    "  level TEXT NOT NULL CHECK (level IN ('county','township','village')),"
    "  village TEXT,"
    "  kind TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  year_opened INTEGER,"
    "  UNIQUE (unit_code, level, kind, name));"
    "CREATE INDEX facilities_city ON facilities(city_code, kind, level);"
    "CREATE TABLE forms ("
    "  form_id TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  title TEXT,"
    "  digest TEXT NOT NULL,"
    "  table_name TEXT NOT NULL UNIQUE,"
    "  definition TEXT NOT NULL,"
    "  loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  PRIMARY KEY (form_id, version));"
    /* Every materialised result points at the run that made it, with its parameters. */
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  params TEXT NOT NULL,"
    "  lcmon_version TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));",

    /* 3: survey designs declared per source and wave, and stored estimates */
    "CREATE TABLE designs ("
    "  source_kind TEXT NOT NULL CHECK (source_kind IN ('form','dataset')),"
    "  source TEXT NOT NULL,"
    "  wave INTEGER NOT NULL DEFAULT 0," /* 0 = every wave */
    "  strata TEXT, psu TEXT, ssu TEXT, fpc1 TEXT, fpc2 TEXT, weight TEXT,"
    "  lonely TEXT NOT NULL DEFAULT 'fail'"
    "    CHECK (lonely IN ('fail','remove','certainty','adjust','average')),"
    "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  PRIMARY KEY (source_kind, source, wave));"
    "CREATE TABLE estimates ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  source TEXT NOT NULL,"
    "  wave INTEGER NOT NULL DEFAULT 0,"
    "  variable TEXT NOT NULL,"
    "  category TEXT,"
    "  stat TEXT NOT NULL CHECK (stat IN ('mean','total','prop','quantile','ratio')),"
    "  by_vars TEXT NOT NULL DEFAULT '',"
    "  domain TEXT NOT NULL DEFAULT '',"
    "  estimate REAL, se REAL, ci_low REAL, ci_high REAL, df REAL, deff REAL,"
    "  n INTEGER NOT NULL, npsu INTEGER NOT NULL,"
    "  small INTEGER NOT NULL DEFAULT 0 CHECK (small IN (0,1)));"
    "CREATE INDEX estimates_lookup ON estimates(source, variable, wave, by_vars, domain);",

    /* 4: the network register (附件2 applications, 附件3 recommendations, admissions).
     * Basic data are typed columns for the summary and analysis; the whole form as filled
     * is kept field by field. network_history has one row per status change. */
    "CREATE TABLE network_members ("
    "  city_code TEXT PRIMARY KEY REFERENCES cities(code),"
    "  status TEXT NOT NULL CHECK (status IN ('applied','recommended','admitted')),"
    "  direct_join TEXT NOT NULL DEFAULT 'no' CHECK (direct_join IN ('no','gnlc','alliance')),"
    "  applied_on TEXT NOT NULL,"
    "  population REAL NOT NULL, population_year INTEGER NOT NULL,"
    "  area REAL NOT NULL, area_year INTEGER NOT NULL,"
    "  gdp_per_capita REAL NOT NULL, gdp_per_capita_year INTEGER NOT NULL,"
    "  education_years REAL NOT NULL, education_years_year INTEGER NOT NULL,"
    "  opinion TEXT,"
    "  recommended_on TEXT,"
    "  admitted_year INTEGER CHECK (admitted_year BETWEEN 2023 AND 2100),"
    "  source TEXT NOT NULL,"
    "  CHECK ((status = 'admitted') = (admitted_year IS NOT NULL)));"
    "CREATE TABLE network_application_fields ("
    "  city_code TEXT NOT NULL REFERENCES network_members(city_code) ON DELETE CASCADE,"
    "  field TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY (city_code, field));"
    "CREATE TABLE network_history ("
    "  id INTEGER PRIMARY KEY,"
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  from_status TEXT,"
    "  to_status TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  note TEXT);"
    "CREATE INDEX network_history_city ON network_history(city_code, id);",

    /* 5: survey measures per city and year (written by the estimation pipeline, read by the
     * scores: point 4.2.1), and score runs materialised with their parameters. Rates
     * (awareness, participation, satisfaction_top2) are proportions in [0,1], the
     * satisfaction index is 0-100, alpha 0-1; item '' is the overall measure, a named item
     * one satisfaction item (for importance-performance). See engine/score.h. */
    "CREATE TABLE survey_measures ("
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  year INTEGER NOT NULL,"
    "  measure TEXT NOT NULL CHECK (measure IN ('awareness','participation',"
    "    'satisfaction_index','satisfaction_top2','alpha','importance')),"
    "  item TEXT NOT NULL DEFAULT '',"
    "  estimate REAL NOT NULL,"
    "  se REAL CHECK (se >= 0),"
    "  n INTEGER CHECK (n >= 0),"
    "  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
    "  PRIMARY KEY (city_code, year, measure, item));"
    "CREATE TABLE score_results ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  indicator_code TEXT NOT NULL," /* a framework code, or 'overall' */
    "  raw REAL, score REAL,"
    "  imputed INTEGER NOT NULL DEFAULT 0 CHECK (imputed IN (0,1)),"
    "  PRIMARY KEY (run_id, city_code, indicator_code));"
    "CREATE TABLE score_ranks ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  scope TEXT NOT NULL CHECK (scope IN ('overall','region','tier')),"
    "  rank INTEGER NOT NULL, median INTEGER, p05 INTEGER, p95 INTEGER,"
    "  PRIMARY KEY (run_id, city_code, scope));"
    "CREATE TABLE score_weights ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  indicator_code TEXT NOT NULL,"
    "  weight REAL NOT NULL,"
    "  method TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, indicator_code));",

    /* 6: calibration of survey weights per source and wave (margins kept as given, so every
     * estimate re-runs the same calibration and takes its variance from the residuals) */
    "CREATE TABLE calibrations ("
    "  source_kind TEXT NOT NULL CHECK (source_kind IN ('form','dataset')),"
    "  source TEXT NOT NULL,"
    "  wave INTEGER NOT NULL DEFAULT 0,"
    "  method TEXT NOT NULL CHECK (method IN ('poststratify','rake','calibrate')),"
    "  maxit INTEGER NOT NULL,"
    "  epsilon REAL NOT NULL,"
    "  lower REAL, upper REAL,"
    "  margins TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  PRIMARY KEY (source_kind, source, wave));",

    /* 7: datasets imported from plain CSV files (lcmon import dataset), usable wherever a
     * form is (--dataset NAME); each column's inferred type and original header kept so
     * exports can label variables with what the file called them */
    "CREATE TABLE datasets ("
    "  name TEXT PRIMARY KEY,"
    "  table_name TEXT NOT NULL UNIQUE,"
    "  source_file TEXT NOT NULL,"
    "  encoding TEXT NOT NULL,"
    "  digest TEXT NOT NULL," /* of the rows as read: a re-import of the same data is a no-op */
    "  rows INTEGER NOT NULL,"
    "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE dataset_columns ("
    "  dataset TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  label TEXT NOT NULL,"
    "  type TEXT NOT NULL CHECK (type IN ('integer','real','text')),"
    "  missing INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (dataset, position),"
    "  UNIQUE (dataset, name));",

    /* 8: replicate weights declared with a design: built by lcmon from the design (jk1, jkn,
     * bootstrap with its count and seed, so estimates are reproducible) or imported from
     * columns of the source (as R's svrepdesign: type, scale, rho for Fay, mse, and whether
     * the columns are final weights or multipliers of the sampling weights) */
    "ALTER TABLE designs ADD COLUMN rep_type TEXT CHECK (rep_type IN ('jk1','jkn','bootstrap',"
    "  'brr','fay','sdr','other'));"
    "ALTER TABLE designs ADD COLUMN rep_import INTEGER NOT NULL DEFAULT 0"
    "  CHECK (rep_import IN (0,1));"
    "ALTER TABLE designs ADD COLUMN rep_n INTEGER CHECK (rep_n >= 2);"
    "ALTER TABLE designs ADD COLUMN rep_seed INTEGER;"
    "ALTER TABLE designs ADD COLUMN rep_columns TEXT;"
    "ALTER TABLE designs ADD COLUMN rep_scale REAL CHECK (rep_scale > 0);"
    "ALTER TABLE designs ADD COLUMN rep_rho REAL CHECK (rep_rho >= 0 AND rep_rho < 1);"
    "ALTER TABLE designs ADD COLUMN rep_mse INTEGER NOT NULL DEFAULT 0 CHECK (rep_mse IN (0,1));"
    "ALTER TABLE designs ADD COLUMN rep_multipliers INTEGER NOT NULL DEFAULT 0"
    "  CHECK (rep_multipliers IN (0,1));",

    /* 9: English (pinyin) names of provinces and cities, for reports in English */
    "ALTER TABLE provinces ADD COLUMN name_en TEXT;"
    "ALTER TABLE cities ADD COLUMN name_en TEXT;",

    /* 10: expert ratings as rubric levels (1 优秀 .. 5 不合格, bands in surveys/rubric.csv and
     * engine/rating.h) with the evidence they rest on; the reviewers assigned to each city and
     * point (blind until all have rated); adjudicated values kept beside the originals.
     * Ratings stored before have their level filled from the score's band; the triggers keep
     * level and score in step for writers that give only a score. docs/ratings.md. */
    "ALTER TABLE ratings ADD COLUMN level INTEGER CHECK (level BETWEEN 1 AND 5);"
    "ALTER TABLE ratings ADD COLUMN evidence TEXT;"
    "ALTER TABLE ratings ADD COLUMN rated_at TEXT;"
    "UPDATE ratings SET level = CASE WHEN score >= 90 THEN 1 WHEN score >= 80 THEN 2"
    "  WHEN score >= 70 THEN 3 WHEN score >= 60 THEN 4 ELSE 5 END;"
    "CREATE TRIGGER ratings_level_insert AFTER INSERT ON ratings BEGIN"
    "  UPDATE ratings SET level = CASE WHEN score >= 90 THEN 1 WHEN score >= 80 THEN 2"
    "    WHEN score >= 70 THEN 3 WHEN score >= 60 THEN 4 ELSE 5 END WHERE id = NEW.id; END;"
    "CREATE TRIGGER ratings_level_update AFTER UPDATE OF score ON ratings BEGIN"
    "  UPDATE ratings SET level = CASE WHEN score >= 90 THEN 1 WHEN score >= 80 THEN 2"
    "    WHEN score >= 70 THEN 3 WHEN score >= 60 THEN 4 ELSE 5 END WHERE id = NEW.id; END;"
    "CREATE TABLE rating_assignments ("
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  year INTEGER NOT NULL,"
    "  indicator_code TEXT NOT NULL REFERENCES indicators(code),"
    "  reviewer TEXT NOT NULL,"
    "  assigned_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  PRIMARY KEY (city_code, year, indicator_code, reviewer));"
    "CREATE TABLE rating_adjudications ("
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  year INTEGER NOT NULL,"
    "  indicator_code TEXT NOT NULL REFERENCES indicators(code),"
    "  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),"
    "  score REAL NOT NULL CHECK (score BETWEEN 0 AND 100),"
    "  adjudicator TEXT NOT NULL,"
    "  note TEXT,"
    "  decided_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  PRIMARY KEY (city_code, year, indicator_code));"
    /* The ratings that count: a city and point with at least three ratings and every assigned
     * reviewer's among them. */
    "CREATE VIEW ratings_counted AS SELECT r.* FROM ratings r"
    "  WHERE (SELECT count(*) FROM ratings q WHERE q.city_code = r.city_code"
    "         AND q.year = r.year AND q.indicator_code = r.indicator_code) >= 3"
    "  AND NOT EXISTS (SELECT 1 FROM rating_assignments a WHERE a.city_code = r.city_code"
    "    AND a.year = r.year AND a.indicator_code = r.indicator_code AND NOT EXISTS ("
    "      SELECT 1 FROM ratings q WHERE q.city_code = a.city_code AND q.year = a.year"
    "      AND q.indicator_code = a.indicator_code AND q.reviewer = a.reviewer));"
    /* Agreement of the counted ratings of a year, per rating point and overall ('overall'),
     * and each reviewer's severity, stored with the run (kind 'ratings') that computed them:
     * reports read these. */
    "CREATE TABLE rating_reliability ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  indicator_code TEXT NOT NULL,"
    "  ncity INTEGER NOT NULL, nreviewer INTEGER NOT NULL, nrows INTEGER NOT NULL,"
    "  icc1 REAL, icc1_lo REAL, icc1_hi REAL, icck REAL, icck_lo REAL, icck_hi REAL,"
    "  alpha REAL, alpha_lo REAL, alpha_hi REAL,"
    "  PRIMARY KEY (run_id, indicator_code));"
    "CREATE TABLE rating_severity ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  reviewer TEXT NOT NULL,"
    "  effect REAL NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (run_id, reviewer));",
    /* 11: scoring rules of the seed (issue 16, docs/scores.md). city_stats holds statistics
     * of a city and year that are not monitoring points: 常住人口 (population, in 万人), by
     * which the count points marked per_10k are compared per 10,000 residents. Each point
     * declares its plausible range (in its unit), which `import stats` enforces. basis is
     * the value a point was scored on when it is not the raw value (per 10,000 residents). */
    "CREATE TABLE city_stats ("
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  year INTEGER NOT NULL,"
    "  stat TEXT NOT NULL CHECK (stat IN ('population')),"
    "  value REAL NOT NULL CHECK (value > 0),"
    "  source TEXT NOT NULL,"
    "  note TEXT,"
    "  PRIMARY KEY (city_code, year, stat));"
    "ALTER TABLE indicators ADD COLUMN per_10k INTEGER NOT NULL DEFAULT 0"
    "  CHECK (per_10k IN (0,1));"
    "ALTER TABLE indicators ADD COLUMN plausible_low REAL;"
    "ALTER TABLE indicators ADD COLUMN plausible_high REAL;"
    "UPDATE indicators SET per_10k = 1 WHERE code IN ('2.1.1','2.2.2','2.4.2','3.4.1','3.4.2');"
    "ALTER TABLE score_results ADD COLUMN basis REAL;"
    /* honorary titles of point 4.2.2 (近五年来…国际、国家、省部级等相关荣誉称号), one row per
     * title: the score counts those of the last five years, weighted by level */
    "CREATE TABLE honours ("
    "  id INTEGER PRIMARY KEY,"
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 1950 AND 2100),"
    "  name TEXT NOT NULL,"
    "  level TEXT NOT NULL CHECK (level IN ('international','national','provincial')),"
    "  source TEXT NOT NULL,"
    "  note TEXT,"
    "  UNIQUE (city_code, year, name));"
    /* County-level cities (县级市, six-digit codes such as 昆山 320583) can be network
     * members (seed 三(一): 以地级市为主): cities takes 4- or 6-digit codes and the tier
     * county_level. Only CHECK constraints change, so the stored table is edited in place
     * (sqlite.org/lang_altertable.html, "otheralter"): a rebuild would need foreign keys
     * off, which a migration inside its transaction cannot turn off. */
    "PRAGMA writable_schema = ON;"
    "UPDATE sqlite_schema SET sql = replace(replace(sql,"
    "  'CHECK (length(code) = 4)', 'CHECK (length(code) IN (4, 6))'),"
    "  '''separately_planned'',''prefecture'')',"
    "  '''separately_planned'',''prefecture'',''county_level'')')"
    "  WHERE type = 'table' AND name = 'cities';"
    "PRAGMA writable_schema = RESET;"
    /* The city's self-assessment (城市自评) of any point, beside the verified (核实) values
     * of indicator_values and ratings: the score uses the verified value where there is one
     * and the self-assessment otherwise (self_used); reports show both where they differ. */
    "CREATE TABLE self_assessments ("
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  year INTEGER NOT NULL,"
    "  indicator_code TEXT NOT NULL REFERENCES indicators(code),"
    "  value REAL NOT NULL,"
    "  source TEXT NOT NULL,"
    "  note TEXT,"
    "  PRIMARY KEY (city_code, year, indicator_code));"
    "ALTER TABLE score_results ADD COLUMN self_value REAL;"
    "ALTER TABLE score_results ADD COLUMN self_used INTEGER NOT NULL DEFAULT 0"
    "  CHECK (self_used IN (0,1));",
    /* 12: fieldwork for lcmon serve (engine/field.h): campaigns with a public link, one-time
     * respondent tokens and interviewer tokens kept as SHA-256 only, interviewers' sample
     * lists (household number and address are personal data) with AAPOR dispositions */
    "CREATE TABLE field_campaigns ("
    "  id INTEGER PRIMARY KEY,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  form_id TEXT NOT NULL,"
    "  form_version TEXT NOT NULL,"
    "  city_code TEXT NOT NULL REFERENCES cities(code),"
    "  wave INTEGER NOT NULL CHECK (wave BETWEEN 2000 AND 2100),"
    "  mode TEXT NOT NULL CHECK (mode IN ('open','token')),"
    "  closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0,1)),"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  FOREIGN KEY (form_id, form_version) REFERENCES forms(form_id, version),"
    "  UNIQUE (form_id, form_version, city_code, wave));"
    "CREATE TABLE field_tokens ("
    "  hash TEXT PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES field_campaigns(id) ON DELETE CASCADE,"
    "  serial INTEGER NOT NULL,"
    "  instance_id TEXT,"
    "  state TEXT NOT NULL DEFAULT 'fresh'"
    "    CHECK (state IN ('fresh','draft','submitted','revoked')),"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  updated_at TEXT,"
    "  UNIQUE (campaign_id, serial));"
    "CREATE INDEX field_tokens_instance ON field_tokens(instance_id);"
    "CREATE TABLE field_interviewers ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE field_assignments ("
    "  id INTEGER PRIMARY KEY,"
    "  campaign_id INTEGER NOT NULL REFERENCES field_campaigns(id) ON DELETE CASCADE,"
    "  interviewer_id INTEGER NOT NULL REFERENCES field_interviewers(id),"
    "  household_id TEXT NOT NULL,"
    "  address TEXT NOT NULL,"
    "  county_code TEXT NOT NULL REFERENCES admin_units(code),"
    "  township_code TEXT NOT NULL REFERENCES admin_units(code),"
    "  community TEXT NOT NULL CHECK (length(community) = 12),"
    "  stratum TEXT,"
    "  design_weight REAL CHECK (design_weight > 0),"
    "  instance_id TEXT,"
    "  disposition TEXT,"
    "  note TEXT,"
    "  source TEXT NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  updated_at TEXT,"
    "  UNIQUE (campaign_id, household_id));"
    "CREATE INDEX field_assignments_interviewer ON field_assignments(interviewer_id);",

    /* 13: `lcmon serve`: browser sessions (the cookie is the id; the CSRF token every form
     * posts back; where the respondent is), paradata per page of an instance (when first
     * shown and last submitted, time spent, how often left backwards), and the answers
     * fingerprint of each submitted instance with the earlier one it duplicates, if any */
    "CREATE TABLE serve_sessions ("
    "  id TEXT PRIMARY KEY CHECK (length(id) = 32),"
    "  csrf TEXT NOT NULL,"
    "  mode TEXT NOT NULL CHECK (mode IN ('anon','cawi','capi')),"
    "  lang TEXT NOT NULL DEFAULT 'zh',"
    "  page TEXT NOT NULL DEFAULT '',"
    "  campaign TEXT NOT NULL DEFAULT '',"
    "  token TEXT NOT NULL DEFAULT '',"
    "  form_id TEXT NOT NULL DEFAULT '', form_version TEXT NOT NULL DEFAULT '',"
    "  instance_id TEXT NOT NULL DEFAULT '',"
    "  interviewer_id INTEGER NOT NULL DEFAULT 0, assignment_id INTEGER NOT NULL DEFAULT 0,"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  created_at TEXT NOT NULL, seen_at TEXT NOT NULL);"
    "CREATE TABLE serve_paradata ("
    "  instance_id TEXT NOT NULL,"
    "  page TEXT NOT NULL,"
    "  first_shown TEXT, submitted TEXT,"
    "  time_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_ms >= 0),"
    "  submits INTEGER NOT NULL DEFAULT 0,"
    "  back_count INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (instance_id, page));"
    "CREATE TABLE serve_submissions ("
    "  instance_id TEXT PRIMARY KEY,"
    "  campaign TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL,"
    "  ip TEXT NOT NULL DEFAULT '',"
    "  submitted_at TEXT NOT NULL,"
    "  duplicate_of TEXT);"
    "CREATE INDEX serve_submissions_fp ON serve_submissions(campaign, fingerprint);",
    /* 14: which groups lag (docs/compare.md §4): per city, wave, survey variable and group
     * (age band, education, community type), the group's mean against the rest of the city
     * by the design-based t-test, as `lcmon compare --ttest V --group G --group-level g
     * --where city=C` prints it; written with the survey measures */
    "CREATE TABLE group_gaps ("
    "  city_code TEXT NOT NULL,"
    "  year INTEGER NOT NULL,"
    "  variable TEXT NOT NULL,"
    "  by_var TEXT NOT NULL,"
    "  grp TEXT NOT NULL,"
    "  mean_group REAL, mean_rest REAL, diff REAL, se REAL, ci_low REAL, ci_high REAL,"
    "  df REAL, p REAL,"
    "  n_group INTEGER NOT NULL CHECK (n_group >= 0),"
    "  n_rest INTEGER NOT NULL CHECK (n_rest >= 0),"
    "  PRIMARY KEY (city_code, year, variable, by_var, grp));",
    /* 15: files answered to image/audio/video/file questions on the web form (docs/serve.md):
     * one per instance, question and repeat row (0 outside repeats); the answer column
     * holds `name`, made by lcmon from the sha256 and the sniffed type, never the name the
     * browser sent */
    "CREATE TABLE serve_uploads ("
    "  instance_id TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  row INTEGER NOT NULL DEFAULT 0,"
    "  name TEXT NOT NULL,"
    "  mime TEXT NOT NULL,"
    "  size INTEGER NOT NULL CHECK (size >= 0),"
    "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
    "  data BLOB NOT NULL,"
    "  uploaded_at TEXT NOT NULL,"
    "  PRIMARY KEY (instance_id, field, row));",
    /* 16: accounts, roles and the audit trail (engine/auth.h, docs/accounts.md): users with
     * a role scoped to a place ('' for the ministry roles and reviewers, a province code for
     * province officers, a city code for city coordinators and interviewers) and an Argon2id
     * password hash (libsodium's crypto_pwhash_str; never the password); the audit trail,
     * append-only (the triggers refuse UPDATE, DELETE and REPLACE); failed sign-ins per login and per
     * address, for the lock after repeated failures; the signed-in user of a serve session */
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  login TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','analyst','province','city','interviewer',"
    "                                     'reviewer')),"
    "  place TEXT NOT NULL DEFAULT '',"
    "  pw_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),"
    "  interviewer_id INTEGER REFERENCES field_interviewers(id),"
    "  created_at TEXT NOT NULL,"
    "  pw_changed_at TEXT NOT NULL);"
    "CREATE UNIQUE INDEX users_interviewer ON users(interviewer_id)"
    "  WHERE interviewer_id IS NOT NULL;"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  user_id INTEGER,"
    "  who TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  object TEXT NOT NULL,"
    "  place TEXT NOT NULL DEFAULT '',"
    "  detail TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX audit_user ON audit(user_id, at);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    /* INSERT OR REPLACE deletes without the DELETE trigger (recursive_triggers is off) */
    "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit"
    "  WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TABLE login_failures ("
    "  kind TEXT NOT NULL CHECK (kind IN ('login','ip')),"
    "  key TEXT NOT NULL,"
    "  failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),"
    "  last_at INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (kind, key));"
    "ALTER TABLE serve_sessions ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;",
};

int lcm__schema_count(void) {
    return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *lcm__schema_migration(int to_version) {
    if (to_version < 1 || to_version > lcm__schema_count())
        return NULL;
    return migrations[to_version - 1];
}
