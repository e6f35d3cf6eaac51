/* The table of lcmon subcommands: LCM_CMD(name, one-line summary), in the order
 * `lcmon --help` lists them. See cli.h for what each entry needs. */
LCM_CMD(init, "create or upgrade a database and load the reference data")
LCM_CMD(framework, "show the monitoring indicator framework (43 points)")
LCM_CMD(cities, "list the cities of the reference data")
LCM_CMD(demo, "run the whole pipeline on synthetic data")
LCM_CMD(design, "declare the sampling design of a form or dataset")
LCM_CMD(estimate, "design-based estimates with standard errors, by domain")
LCM_CMD(import, "import statistics, ratings, facilities or a dataset from CSV")
LCM_CMD(form, "check and load questionnaires (XLSForm as CSV), show their tables")
LCM_CMD(network, "the network register: applications, recommendations, admissions, coverage")
LCM_CMD(interview, "ask a questionnaire on the terminal and store the answers")
LCM_CMD(weight, "calibrate survey weights: post-stratify, rake, GREG")
