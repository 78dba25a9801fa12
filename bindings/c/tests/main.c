/* Runs every C test suite of callsign. Usage: callsign-tests PATH/TO/callsign-v1.json */
#include <stdio.h>
#include <string.h>

#include "check.h"

static int passed;
static int failed;

bool check_true(bool ok, const char *what, const char *file, int line) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

bool check_result(callsign_result got, callsign_result want, const char *what, const char *file,
                  int line) {
    if (got == want) {
        passed++;
        return true;
    }
    failed++;
    char detail[256] = "";
    size_t needed = 0;
    (void)callsign_last_error_message(detail, sizeof detail, &needed);
    fprintf(stderr, "FAIL %s:%d: %s\n  got %s (%u: %s), want %s (%u)\n", file, line, what,
            callsign_result_name(got), (unsigned)got, detail, callsign_result_name(want),
            (unsigned)want);
    return false;
}

bool check_text(const char *got, const char *want, const char *what, const char *file, int line) {
    bool ok = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s:%d: %s\n  got \"%s\", want \"%s\"\n", file, line, what,
                got ? got : "(null)", want ? want : "(null)");
    }
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH/TO/callsign-v1.json\n", argv[0]);
        return 2;
    }
    suite_results();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
