/* Runs every C test suite of callsign. Usage: callsign-tests PATH/TO/callsign-v1.json */
#include <stdio.h>
#include <string.h>

#include "check.h"

static int passed;
static int failed;
const char *check_context;

/* Prints the start of a failure report: location, case and expression. */
static void report_failure(const char *what, const char *file, int line) {
    failed++;
    fprintf(stderr, "FAIL %s:%d: %s%s%s\n", file, line, check_context ? check_context : "",
            check_context ? ": " : "", what);
}

bool check_true(bool ok, const char *what, const char *file, int line) {
    if (ok) {
        passed++;
    } else {
        report_failure(what, file, line);
    }
    return ok;
}

bool check_result(callsign_result got, callsign_result want, const char *what, const char *file,
                  int line) {
    if (got == want) {
        passed++;
        return true;
    }
    char detail[256] = "";
    size_t needed = 0;
    (void)callsign_last_error_message(detail, sizeof detail, &needed);
    report_failure(what, file, line);
    fprintf(stderr, "  got %s (%u: %s), want %s (%u)\n", callsign_result_name(got),
            (unsigned)got, detail, callsign_result_name(want), (unsigned)want);
    return false;
}

bool check_text(const char *got, const char *want, const char *what, const char *file, int line) {
    bool ok = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;
    if (ok) {
        passed++;
    } else {
        report_failure(what, file, line);
        fprintf(stderr, "  got \"%s\", want \"%s\"\n", got ? got : "(null)",
                want ? want : "(null)");
    }
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH/TO/callsign-v1.json\n", argv[0]);
        return 2;
    }
    suite_results();
    suite_api();
    suite_vectors(argv[1]);
    suite_bad_input();
    suite_twoway();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
