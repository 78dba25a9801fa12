/* A small check framework for the callsign C tests: counts passed and failed checks and
 * prints the location and values of each failure. */
#ifndef CALLSIGN_TEST_CHECK_H
#define CALLSIGN_TEST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callsign.h"

/* Names the case being run, printed with each failure (NULL for none). */
extern const char *check_context;

/* Records one check; prints `what` with its location when `ok` is false. */
bool check_true(bool ok, const char *what, const char *file, int line);
/* Records that `got` equals `want`, printing both results' names when it does not. */
bool check_result(callsign_result got, callsign_result want, const char *what, const char *file,
                  int line);
/* Records that the strings are equal (NULL equals only NULL). */
bool check_text(const char *got, const char *want, const char *what, const char *file, int line);

#define CHECK(cond) check_true((cond), #cond, __FILE__, __LINE__)
#define CHECK_RC(expr, want) check_result((expr), (want), #expr, __FILE__, __LINE__)
#define CHECK_OK(expr) CHECK_RC((expr), CALLSIGN_RESULT_OK)
#define CHECK_STR(got, want) check_text((got), (want), #got, __FILE__, __LINE__)

/* The suites, each in its own file. */
void suite_results(void);
void suite_api(void);
void suite_vectors(const char *vector_path);
void suite_bad_input(void);
void suite_twoway(void);

#endif
