/* Times one TOTP code (SHA1, 6 digits, 30 s, RFC 6238 seed, prepared key) three ways in one
 * run: through the C API, through the Rust core directly, and through Debian's liboath
 * (oath_totp_generate, which takes the raw secret on every call). Each round is timed in
 * thread CPU time, so that time spent preempted on a busy machine does not count; rounds are
 * interleaved, each contender going first in turn, and the median round counts.
 * Usage: callsign-timing [CODES_PER_ROUND] */
#define _POSIX_C_SOURCE 200809L
#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "callsign.h"

/* From the library built with the `timing` feature (not in the public header). */
uint64_t callsign_timing_core_totp_codes(const callsign_totp_key *key, uint64_t first_time,
                                         uint64_t count);

#define ROUNDS 31
static const char SEED[] = "12345678901234567890";
static const uint64_t FIRST_TIME = 1111111109;

/* CPU time of this thread in nanoseconds. */
static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values) {
    qsort(values, ROUNDS, sizeof values[0], by_value);
    return values[ROUNDS / 2];
}

int main(int argc, char **argv) {
    uint64_t count = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000;
    callsign_secret *secret = NULL;
    callsign_totp_key *key = NULL;
    if (oath_init() != OATH_OK ||
        callsign_secret_from_bytes((const uint8_t *)SEED, 20, &secret) != CALLSIGN_RESULT_OK ||
        callsign_totp_key_new(secret, CALLSIGN_ALGORITHM_SHA1, 6, 30, 0, &key) != CALLSIGN_RESULT_OK) {
        fprintf(stderr, "timing: setup failed\n");
        return 1;
    }

    /* All three agree on the codes before anything is timed. */
    char c_code[CALLSIGN_CODE_SIZE], oath_code[8];
    size_t needed = 0;
    uint64_t c_sum = 0, oath_sum = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        uint64_t t = FIRST_TIME + 30 * i;
        callsign_totp_key_code_at(key, t, c_code, sizeof c_code, &needed);
        oath_totp_generate(SEED, 20, (time_t)t, 30, 0, 6, oath_code);
        for (int d = 0; d < 6; d++) {
            if (c_code[d] != oath_code[d]) {
                fprintf(stderr, "timing: callsign and liboath disagree at t = %llu\n",
                        (unsigned long long)t);
                return 1;
            }
        }
        c_sum += (uint8_t)c_code[0];
        oath_sum += (uint8_t)oath_code[0];
    }
    if (callsign_timing_core_totp_codes(key, FIRST_TIME, 1000) != c_sum || c_sum != oath_sum) {
        fprintf(stderr, "timing: the Rust core's codes differ\n");
        return 1;
    }

    double c_api[ROUNDS], core[ROUNDS], liboath[ROUNDS];
    volatile uint64_t sink = 0;
    for (int round = 0; round < ROUNDS; round++) {
        /* Each contender goes first in a third of the rounds. */
        for (int turn = 0; turn < 3; turn++) {
            int contender = (round + turn) % 3;
            double start = now_ns();
            uint64_t sum = 0;
            if (contender == 0) {
                for (uint64_t i = 0; i < count; i++) {
                    callsign_totp_key_code_at(key, FIRST_TIME + 30 * i, c_code, sizeof c_code,
                                              &needed);
                    sum += (uint8_t)c_code[0];
                }
            } else if (contender == 1) {
                sum += callsign_timing_core_totp_codes(key, FIRST_TIME, count);
            } else {
                for (uint64_t i = 0; i < count; i++) {
                    oath_totp_generate(SEED, 20, (time_t)(FIRST_TIME + 30 * i), 30, 0, 6,
                                       oath_code);
                    sum += (uint8_t)oath_code[0];
                }
            }
            double per_code = (now_ns() - start) / (double)count;
            (contender == 0 ? c_api : contender == 1 ? core : liboath)[round] = per_code;
            sink += sum;
        }
    }
    (void)sink;

    double c_ns = median(c_api), core_ns = median(core), oath_ns = median(liboath);
    double vs_core = c_ns / core_ns, vs_oath = c_ns / oath_ns;
    printf("timing: TOTP-SHA1 6 digits, prepared key, CPU time, median of %d rounds of %llu codes\n",
           ROUNDS, (unsigned long long)count);
    printf("timing: C API          %8.1f ns/code\n", c_ns);
    printf("timing: Rust core      %8.1f ns/code\n", core_ns);
    printf("timing: liboath        %8.1f ns/code\n", oath_ns);
    printf("timing: C API / Rust core = %.3f (target <= 1.1: %s)\n", vs_core,
           vs_core <= 1.1 ? "met" : "missed");
    printf("timing: C API / liboath   = %.3f (target < 1: %s)\n", vs_oath,
           vs_oath < 1.0 ? "met" : "missed");

    callsign_totp_key_free(key);
    callsign_secret_free(secret);
    oath_done();
    return 0;
}
