/* The C API's hot paths one at a time, for instruction counts under callgrind:
 * scripts/callgrind.sh runs each case twice (a few iterations, then many more) and reports the
 * difference per iteration, so that setup and process start cancel out.
 * Usage: callsign-callgrind CASE ITERATIONS     (cases: c_key_code_at, c_totp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsign.h"

static const char SEED[] = "12345678901234567890";
static const uint64_t NOW = 1764355200;

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: callsign-callgrind CASE ITERATIONS\n");
        return 2;
    }
    uint64_t iterations = strtoull(argv[2], NULL, 10);
    char code[CALLSIGN_CODE_SIZE];
    size_t needed = 0;
    callsign_secret *secret = NULL;
    callsign_totp_key *key = NULL;
    if (callsign_secret_from_bytes((const uint8_t *)SEED, 20, &secret) != CALLSIGN_RESULT_OK ||
        callsign_totp_key_new(secret, CALLSIGN_ALGORITHM_SHA1, 6, 30, 0, &key) != CALLSIGN_RESULT_OK) {
        fprintf(stderr, "callsign-callgrind: setup failed\n");
        return 1;
    }
    int prepared = strcmp(argv[1], "c_key_code_at") == 0;
    if (!prepared && strcmp(argv[1], "c_totp") != 0) {
        fprintf(stderr, "callsign-callgrind: unknown case %s\n", argv[1]);
        return 2;
    }
    for (uint64_t i = 0; i < iterations; i++) {
        callsign_result result =
            prepared ? callsign_totp_key_code_at(key, NOW, code, sizeof code, &needed)
                     : callsign_totp((const uint8_t *)SEED, 20, CALLSIGN_ALGORITHM_SHA1, 6, 30, 0, NOW,
                                     code, sizeof code, &needed);
        if (result != CALLSIGN_RESULT_OK) {
            fprintf(stderr, "callsign-callgrind: result %u\n", (unsigned)result);
            return 1;
        }
    }
    callsign_totp_key_free(key);
    callsign_secret_free(secret);
    return 0;
}
