/* Runs every case of tests/vectors/callsign-v1.json that the C API can express: all sections
 * but "hkdf" (the C API has no raw HKDF; the vector notes allow skipping it). */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define MAX_BYTES 128

/* The whole file as a NUL-terminated string, or NULL. */
static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    char *text = NULL;
    if (fseek(file, 0, SEEK_END) == 0) {
        long size = ftell(file);
        if (size >= 0 && fseek(file, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1))) {
            if (fread(text, 1, (size_t)size, file) == (size_t)size) {
                text[size] = '\0';
            } else {
                free(text);
                text = NULL;
            }
        }
    }
    fclose(file);
    return text;
}

/* cJSON keeps numbers as doubles, exact only up to 2^53, while counters and times run to
 * 2^64 - 1. This quotes every integer literal of 16 or more characters outside strings, so
 * that it reaches u64_of() as text. */
static char *quote_long_integers(const char *json) {
    size_t len = strlen(json);
    char *out = malloc(2 * len + 1);
    if (!out) return NULL;
    size_t o = 0;
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        char c = json[i];
        if (in_string) {
            out[o++] = json[i++];
            if (c == '\\' && i < len) out[o++] = json[i++];
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
            out[o++] = json[i++];
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t end = i + 1;
            while (end < len && json[end] >= '0' && json[end] <= '9') end++;
            bool quote = end - i >= 16;
            if (quote) out[o++] = '"';
            memcpy(out + o, json + i, end - i);
            o += end - i;
            if (quote) out[o++] = '"';
            i = end;
        } else {
            out[o++] = json[i++];
        }
    }
    out[o] = '\0';
    return out;
}

static const cJSON *item(const cJSON *object, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(object, key);
}

/* The string member `key`, or NULL when it is missing or not a string. */
static const char *text_of(const cJSON *object, const char *key) {
    const cJSON *value = item(object, key);
    return cJSON_IsString(value) ? value->valuestring : NULL;
}

static bool is_null(const cJSON *object, const char *key) {
    return cJSON_IsNull(item(object, key));
}

/* The unsigned integer member `key` (a JSON number, or a long one quoted by
 * quote_long_integers). A missing or malformed value fails a check and gives 0. */
static uint64_t u64_of(const cJSON *object, const char *key) {
    const cJSON *value = item(object, key);
    if (cJSON_IsNumber(value) && value->valuedouble >= 0 && value->valuedouble < 9007199254740992.0) {
        return (uint64_t)value->valuedouble;
    }
    if (cJSON_IsString(value)) {
        char *end = NULL;
        errno = 0;
        unsigned long long parsed = strtoull(value->valuestring, &end, 10);
        if (errno == 0 && end != value->valuestring && *end == '\0' && value->valuestring[0] != '-') {
            return parsed;
        }
    }
    CHECK(!"an unsigned integer member in the vector file");
    fprintf(stderr, "  member \"%s\"\n", key);
    return 0;
}

/* Decodes the hex member `key` into `out`; returns the byte count. */
static size_t hex_of(const cJSON *object, const char *key, uint8_t out[MAX_BYTES]) {
    const char *hex = text_of(object, key);
    size_t len = hex ? strlen(hex) : 1;
    if (!CHECK(len % 2 == 0 && len / 2 <= MAX_BYTES)) return 0;
    for (size_t i = 0; i < len / 2; i++) {
        unsigned byte = 0;
        if (sscanf(hex + 2 * i, "%2x", &byte) != 1) {
            CHECK(!"hex digits in the vector file");
            return 0;
        }
        out[i] = (uint8_t)byte;
    }
    return len / 2;
}

/* Checks that a secret handle holds the bytes of the hex member `key`. */
static void check_secret_hex(const callsign_secret *secret, const cJSON *object, const char *key) {
    uint8_t want[MAX_BYTES], got[MAX_BYTES];
    size_t want_len = hex_of(object, key, want), got_len = 0;
    CHECK_OK(callsign_secret_to_bytes(secret, got, sizeof got, &got_len));
    CHECK(got_len == want_len && memcmp(got, want, want_len) == 0);
}

/* When the case expects an error, checks that `result` is it and returns true. */
static bool expected_error(const cJSON *expect, callsign_result result) {
    const char *error = text_of(expect, "error");
    if (!error) return false;
    CHECK_STR(callsign_result_name(result), error);
    return true;
}

static uint32_t algorithm_of(const cJSON *object) {
    uint32_t algorithm = 0;
    CHECK_OK(callsign_algorithm_from_name(text_of(object, "algorithm"), &algorithm));
    return algorithm;
}

static void run_hotp(const cJSON *c) {
    uint8_t secret_bytes[MAX_BYTES];
    size_t secret_len = hex_of(c, "secret_hex", secret_bytes);
    uint32_t algorithm = algorithm_of(c);
    uint32_t digits = (uint32_t)u64_of(c, "digits");
    uint64_t counter = u64_of(c, "counter");
    char code[CALLSIGN_CODE_SIZE];
    size_t needed = 0;
    callsign_result rc = callsign_hotp(secret_bytes, secret_len, algorithm, digits, counter, code,
                                       sizeof code, &needed);
    if (expected_error(c, rc) || !CHECK_OK(rc)) return;
    CHECK_STR(code, text_of(c, "code"));

    /* The same through a prepared key, and the code verifies at its own counter. */
    callsign_secret *secret = NULL;
    callsign_hotp_key *key = NULL;
    CHECK_OK(callsign_secret_from_bytes(secret_bytes, secret_len, &secret));
    CHECK_OK(callsign_hotp_key_new(secret, algorithm, digits, &key));
    char again[CALLSIGN_CODE_SIZE] = "";
    CHECK_OK(callsign_hotp_key_code(key, counter, again, sizeof again, &needed));
    CHECK_STR(again, code);
    bool matched = false;
    uint64_t step = 1;
    int64_t drift = 1;
    CHECK_OK(callsign_hotp_key_verify(key, code, counter, 0, 0, &matched, &step, &drift));
    CHECK(matched && step == counter && drift == 0);
    callsign_hotp_key_free(key);
    callsign_secret_free(secret);
}

static void run_totp(const cJSON *c) {
    uint8_t secret_bytes[MAX_BYTES];
    size_t secret_len = hex_of(c, "secret_hex", secret_bytes);
    uint32_t algorithm = algorithm_of(c);
    uint32_t digits = (uint32_t)u64_of(c, "digits");
    uint64_t period = u64_of(c, "period"), t0 = u64_of(c, "t0"), time = u64_of(c, "time");
    char code[CALLSIGN_CODE_SIZE];
    size_t needed = 0;
    callsign_result rc = callsign_totp(secret_bytes, secret_len, algorithm, digits, period, t0,
                                       time, code, sizeof code, &needed);
    if (expected_error(c, rc) || !CHECK_OK(rc)) return;
    CHECK_STR(code, text_of(c, "code"));

    callsign_secret *secret = NULL;
    callsign_totp_key *key = NULL;
    CHECK_OK(callsign_secret_from_bytes(secret_bytes, secret_len, &secret));
    CHECK_OK(callsign_totp_key_new(secret, algorithm, digits, period, t0, &key));
    char again[CALLSIGN_CODE_SIZE] = "";
    CHECK_OK(callsign_totp_key_code_at(key, time, again, sizeof again, &needed));
    CHECK_STR(again, code);
    bool matched = false;
    uint64_t step = 0;
    int64_t drift = 1;
    CHECK_OK(callsign_totp_key_verify(key, code, time, 0, 0, &matched, &step, &drift));
    CHECK(matched && step == u64_of(c, "step") && drift == 0);
    callsign_totp_key_free(key);
    callsign_secret_free(secret);
}

static void run_base32(const cJSON *c) {
    uint8_t bytes[MAX_BYTES];
    size_t len = 0;
    callsign_result rc = callsign_base32_decode(text_of(c, "input"), bytes, sizeof bytes, &len);
    if (expected_error(c, rc) || !CHECK_OK(rc)) return;
    uint8_t want[MAX_BYTES];
    size_t want_len = hex_of(c, "hex", want);
    CHECK(len == want_len && memcmp(bytes, want, len) == 0);
    char text[2 * MAX_BYTES];
    size_t needed = 0;
    CHECK_OK(callsign_base32_encode(bytes, len, text, sizeof text, &needed));
    CHECK_STR(text, text_of(c, "canonical"));
}

static void run_entry(const cJSON *c) {
    char code[CALLSIGN_CODE_SIZE];
    size_t needed = 0;
    callsign_result rc = callsign_entry_parse(text_of(c, "entry"), (uint32_t)u64_of(c, "digits"),
                                              code, sizeof code, &needed);
    if (expected_error(c, rc) || !CHECK_OK(rc)) return;
    CHECK_STR(code, text_of(c, "code"));
}

static void run_account_secret(const cJSON *c) {
    uint8_t master_bytes[MAX_BYTES];
    size_t master_len = hex_of(c, "master_key_hex", master_bytes);
    callsign_master_key *master = NULL;
    callsign_secret *secret = NULL;
    callsign_result rc = callsign_master_key_from_bytes(master_bytes, master_len, &master);
    if (rc == CALLSIGN_RESULT_OK) {
        rc = callsign_account_secret(master, text_of(c, "account_id"),
                                     (uint32_t)u64_of(c, "epoch"), &secret);
    }
    if (!expected_error(c, rc) && CHECK_OK(rc)) {
        check_secret_hex(secret, c, "account_secret_hex");
        callsign_secret *call_key = NULL;
        CHECK_OK(callsign_call_key(secret, &call_key));
        check_secret_hex(call_key, c, "call_key_hex");
        callsign_secret_free(call_key);
    }
    callsign_secret_free(secret);
    callsign_master_key_free(master);
}

static void run_agent_code(const cJSON *c) {
    uint8_t secret_bytes[MAX_BYTES];
    size_t secret_len = hex_of(c, "account_secret_hex", secret_bytes);
    callsign_secret *secret = NULL;
    CHECK_OK(callsign_secret_from_bytes(secret_bytes, secret_len, &secret));
    callsign_timed_code timed;
    callsign_result rc = callsign_agent_code(secret, u64_of(c, "time"),
                                             (uint32_t)u64_of(c, "digits"),
                                             u64_of(c, "period"), false, &timed);
    if (!expected_error(c, rc) && CHECK_OK(rc)) {
        CHECK_STR(timed.code, text_of(c, "code"));
        CHECK_STR(timed.grouped, text_of(c, "grouped"));
        CHECK(timed.step == u64_of(c, "step"));
        CHECK(timed.seconds_remaining == u64_of(c, "seconds_remaining"));
    }
    callsign_secret_free(secret);
}


static void run_enrollment(const cJSON *c) {
    callsign_enrollment *enrollment = NULL;
    callsign_result rc = callsign_enrollment_parse(text_of(c, "uri"), &enrollment);
    if (expected_error(c, rc) || !CHECK_OK(rc)) return;
    const cJSON *expect = item(c, "expect");
    char text[512];
    size_t needed = 0;
    CHECK_OK(callsign_enrollment_issuer(enrollment, text, sizeof text, &needed));
    CHECK_STR(text, text_of(expect, "issuer"));
    CHECK_OK(callsign_enrollment_account_id(enrollment, text, sizeof text, &needed));
    CHECK_STR(text, text_of(expect, "account"));
    callsign_enrollment_info info;
    CHECK_OK(callsign_enrollment_get_info(enrollment, &info));
    CHECK(info.epoch == u64_of(expect, "epoch") && info.digits == u64_of(expect, "digits") &&
          info.period == u64_of(expect, "period"));
    callsign_secret *secret = NULL;
    CHECK_OK(callsign_enrollment_secret(enrollment, &secret));
    check_secret_hex(secret, expect, "secret_hex");
    CHECK_OK(callsign_enrollment_to_uri(enrollment, text, sizeof text, &needed));
    CHECK_STR(text, text_of(c, "canonical"));
    callsign_secret_free(secret);
    callsign_enrollment_free(enrollment);
}

/* The pinned keys of a signed-enrollment case, 32 bytes each one after the other; returns the
 * byte count. */
static size_t trusted_keys_of(const cJSON *c, uint8_t out[MAX_BYTES]) {
    size_t len = 0;
    const cJSON *key;
    cJSON_ArrayForEach(key, item(c, "trusted_keys_hex")) {
        uint8_t bytes[MAX_BYTES];
        const char *hex = cJSON_IsString(key) ? key->valuestring : "";
        size_t n = strlen(hex) / 2;
        for (size_t i = 0; i < n && len + i < MAX_BYTES; i++) {
            unsigned byte = 0;
            CHECK(sscanf(hex + 2 * i, "%2x", &byte) == 1);
            bytes[i] = (uint8_t)byte;
        }
        if (!CHECK(len + n <= MAX_BYTES)) return len;
        memcpy(out + len, bytes, n);
        len += n;
    }
    return len;
}

static bool audit_nothing(void *user_data, const callsign_audit_event *events, size_t count) {
    (void)user_data;
    (void)events;
    (void)count;
    return true;
}

static void run_signed_enrollment(const cJSON *c) {
    uint8_t keys[MAX_BYTES];
    size_t keys_len = trusted_keys_of(c, keys);
    bool allow_unsigned = cJSON_IsTrue(item(c, "allow_unsigned"));
    const char *seed_hex = text_of(c, "seed_hex");
    if (seed_hex) {
        /* Addition C's reference: the seed gives the public key, and signing the payload
         * gives the signed URI. */
        uint8_t seed[MAX_BYTES], want_public[MAX_BYTES], public_key[32];
        size_t seed_len = hex_of(c, "seed_hex", seed), needed = 0;
        hex_of(c, "public_key_hex", want_public);
        callsign_signing_key *key = NULL;
        CHECK_OK(callsign_signing_key_from_seed(seed, seed_len, &key));
        CHECK_OK(callsign_signing_key_public_key(key, public_key, sizeof public_key, &needed));
        CHECK(needed == 32 && memcmp(public_key, want_public, 32) == 0);
        uint8_t master_bytes[32];
        for (size_t i = 0; i < 32; i++) master_bytes[i] = (uint8_t)i;
        callsign_master_key *master = NULL;
        callsign_issuer_config config;
        callsign_issuer *issuer = NULL;
        callsign_enrollment *signed_enrollment = NULL;
        char uri[512];
        CHECK_OK(callsign_master_key_from_bytes(master_bytes, sizeof master_bytes, &master));
        CHECK_OK(callsign_issuer_config_default(&config));
        CHECK_OK(callsign_issuer_new(master, &config, audit_nothing, NULL, &issuer));
        CHECK_OK(callsign_issuer_signed_enrollment(issuer, "ACME Support", "customer-0001", key,
                                                   &signed_enrollment));
        CHECK_OK(callsign_enrollment_to_uri(signed_enrollment, uri, sizeof uri, &needed));
        CHECK_STR(uri, text_of(c, "uri"));
        callsign_enrollment_free(signed_enrollment);
        callsign_issuer_free(issuer);
        callsign_master_key_free(master);
        callsign_signing_key_free(key);
    }
    callsign_enrollment *enrollment = NULL;
    callsign_result rc = callsign_enrollment_from_uri(text_of(c, "uri"), keys_len ? keys : NULL,
                                                      keys_len, allow_unsigned, &enrollment);
    if (expected_error(c, rc) || !CHECK_OK(rc)) {
        CHECK(enrollment == NULL);
    } else {
        const cJSON *expect = item(c, "expect");
        char text[512];
        size_t needed = 0;
        CHECK_OK(callsign_enrollment_account_id(enrollment, text, sizeof text, &needed));
        CHECK_STR(text, text_of(expect, "account"));
        callsign_secret *secret = NULL;
        CHECK_OK(callsign_enrollment_secret(enrollment, &secret));
        check_secret_hex(secret, expect, "secret_hex");
        callsign_secret_free(secret);
        CHECK_OK(callsign_enrollment_to_uri(enrollment, text, sizeof text, &needed));
        CHECK_STR(text, text_of(c, "uri"));
        callsign_enrollment_free(enrollment);
    }
    /* The verifier reads the payload by the same rule. */
    callsign_verifier_config config;
    callsign_verifier *verifier = NULL;
    CHECK_OK(callsign_verifier_config_default(&config));
    rc = callsign_verifier_new_from_uri(text_of(c, "uri"), keys_len ? keys : NULL, keys_len,
                                        allow_unsigned, &config, &verifier);
    if (!expected_error(c, rc)) CHECK_OK(rc);
    callsign_verifier_free(verifier);
}

static void run_otpauth(const cJSON *c) {
    callsign_otpauth *otpauth = NULL;
    callsign_result rc = callsign_otpauth_parse(text_of(c, "uri"), &otpauth);
    if (expected_error(c, rc) || !CHECK_OK(rc)) return;
    const cJSON *expect = item(c, "expect");
    callsign_otpauth_info info;
    CHECK_OK(callsign_otpauth_get_info(otpauth, &info));
    bool totp = strcmp(text_of(expect, "type"), "totp") == 0;
    CHECK(info.otp_type == (totp ? CALLSIGN_OTP_TYPE_TOTP : CALLSIGN_OTP_TYPE_HOTP));
    CHECK(info.algorithm == algorithm_of(expect));
    CHECK(info.digits == u64_of(expect, "digits"));
    if (totp) {
        CHECK(info.period == u64_of(expect, "period") && is_null(expect, "counter"));
    } else {
        CHECK(info.counter == u64_of(expect, "counter") && is_null(expect, "period"));
    }
    char text[512];
    size_t needed = 0;
    CHECK(info.has_issuer == !is_null(expect, "issuer"));
    CHECK_OK(callsign_otpauth_issuer(otpauth, text, sizeof text, &needed));
    CHECK_STR(text, info.has_issuer ? text_of(expect, "issuer") : "");
    CHECK_OK(callsign_otpauth_account(otpauth, text, sizeof text, &needed));
    CHECK_STR(text, text_of(expect, "account"));
    callsign_secret *secret = NULL;
    CHECK_OK(callsign_otpauth_secret(otpauth, &secret));
    check_secret_hex(secret, expect, "secret_hex");
    CHECK_OK(callsign_otpauth_to_uri(otpauth, text, sizeof text, &needed));
    CHECK_STR(text, text_of(c, "canonical"));
    callsign_secret_free(secret);
    callsign_otpauth_free(otpauth);
}

static const char *verdict_name(uint32_t kind) {
    switch (kind) {
    case CALLSIGN_VERDICT_KIND_GENUINE: return "genuine";
    case CALLSIGN_VERDICT_KIND_NOT_GENUINE: return "not_genuine";
    case CALLSIGN_VERDICT_KIND_ALREADY_USED: return "already_used";
    case CALLSIGN_VERDICT_KIND_LOCKED_OUT: return "locked_out";
    case CALLSIGN_VERDICT_KIND_MISHEARD: return "misheard";
    default: return "unknown";
    }
}

static void run_verifier_sequence(const cJSON *c) {
    const cJSON *config_json = item(c, "config");
    callsign_verifier_config config = {
        .behind = u64_of(config_json, "behind"),
        .ahead = u64_of(config_json, "ahead"),
        .max_failures = (uint32_t)u64_of(config_json, "max_failures"),
        .lockout_seconds = u64_of(config_json, "lockout_seconds"),
    };
    callsign_verifier *verifier = NULL;
    if (!CHECK_OK(callsign_verifier_new_from_uri(text_of(c, "enrollment_uri"), NULL, 0, true,
                                                 &config, &verifier))) {
        return;
    }
    const cJSON *step_json;
    cJSON_ArrayForEach(step_json, item(c, "steps")) {
        const cJSON *expect = item(step_json, "expect");
        callsign_verdict verdict;
        callsign_result rc = callsign_verifier_check(verifier, text_of(step_json, "entry"),
                                                     u64_of(step_json, "time"), &verdict);
        if (expected_error(expect, rc) || !CHECK_OK(rc)) continue;
        const char *want = text_of(expect, "verdict");
        CHECK_STR(verdict_name(verdict.kind), want);
        if (strcmp(want, "genuine") == 0) {
            CHECK(verdict.step == u64_of(expect, "step"));
            CHECK(verdict.drift == (int64_t)item(expect, "drift")->valuedouble);
        } else if (strcmp(want, "already_used") == 0) {
            CHECK(verdict.step == u64_of(expect, "step"));
        } else if (strcmp(want, "not_genuine") == 0) {
            CHECK(verdict.attempts_left == u64_of(expect, "attempts_left"));
        } else if (strcmp(want, "locked_out") == 0) {
            CHECK(verdict.locked_until == u64_of(expect, "until"));
        } else {
            CHECK(verdict.step == 0 && verdict.attempts_left == 0 && verdict.locked_until == 0);
        }
    }
    callsign_verifier_free(verifier);
}

/* A customer or check-digit code (protocol Additions A and B), through the free function and
 * through the device verifier (display mode or the customer code). */
static void run_profile_code(const cJSON *c) {
    uint8_t secret_bytes[MAX_BYTES];
    size_t secret_len = hex_of(c, "account_secret_hex", secret_bytes);
    callsign_secret *secret = NULL;
    CHECK_OK(callsign_secret_from_bytes(secret_bytes, secret_len, &secret));
    bool customer = strcmp(text_of(c, "direction"), "customer") == 0;
    bool check_digit = cJSON_IsTrue(item(c, "check_digit"));
    uint32_t digits = (uint32_t)u64_of(c, "digits");
    uint64_t time = u64_of(c, "time"), period = u64_of(c, "period");
    callsign_timed_code timed, shown;
    CHECK_OK((customer ? callsign_customer_code : callsign_agent_code)(secret, time, digits, period,
                                                                      check_digit, &timed));
    CHECK_STR(timed.code, text_of(c, "code"));
    CHECK_STR(timed.grouped, text_of(c, "grouped"));
    CHECK(timed.step == u64_of(c, "step"));
    CHECK(timed.seconds_remaining == u64_of(c, "seconds_remaining"));
    callsign_enrollment *enrollment = NULL;
    callsign_verifier *verifier = NULL;
    callsign_verifier_config config;
    char uri[512];
    size_t needed = 0;
    CHECK_OK(callsign_enrollment_new("Vectors", "vectors", secret, 0, digits, period, &enrollment));
    CHECK_OK(callsign_enrollment_to_uri(enrollment, uri, sizeof uri - 16, &needed));
    if (check_digit) strcat(uri, "&check=damm");
    CHECK_OK(callsign_verifier_config_default(&config));
    CHECK_OK(callsign_verifier_new_from_uri(uri, NULL, 0, true, &config, &verifier));
    CHECK_OK((customer ? callsign_verifier_customer_code : callsign_verifier_display)(verifier, time,
                                                                                     &shown));
    CHECK_STR(shown.code, text_of(c, "code"));
    CHECK_STR(shown.grouped, text_of(c, "grouped"));
    callsign_verifier_free(verifier);
    callsign_enrollment_free(enrollment);
    callsign_secret_free(secret);
}

/* Damm's quasigroup as the protocol prints it, for an independent check digit. */
static const char *const DAMM_ROWS[10] = {"0317598642", "7092154863", "4206871359", "1750983426",
                                          "6123045978", "3674209581", "5869720134", "8945362017",
                                          "9438617205", "2581436790"};

int damm_check_digit(const char *digits) {
    int interim = 0;
    for (const char *d = digits; *d; d++) interim = DAMM_ROWS[interim][*d - '0'] - '0';
    return interim;
}

static void run_damm(const cJSON *c) {
    CHECK((uint64_t)damm_check_digit(text_of(c, "digits")) == u64_of(c, "check_digit"));
}

/* An entry for an account with a check digit, on a device verifier: misheard, an error, or
 * a verdict on the code digits. */
static void run_check_digit_entry(const cJSON *c) {
    uint8_t bytes[32];
    for (int i = 0; i < 32; i++) bytes[i] = (uint8_t)i;
    callsign_secret *secret = NULL;
    callsign_enrollment *enrollment = NULL;
    callsign_verifier *verifier = NULL;
    callsign_verifier_config config;
    char uri[512];
    size_t needed = 0;
    CHECK_OK(callsign_secret_from_bytes(bytes, sizeof bytes, &secret));
    CHECK_OK(callsign_enrollment_new("Vectors", "vectors", secret, 0, (uint32_t)u64_of(c, "digits"),
                                     30, &enrollment));
    CHECK_OK(callsign_enrollment_to_uri(enrollment, uri, sizeof uri - 16, &needed));
    strcat(uri, "&check=damm");
    CHECK_OK(callsign_verifier_config_default(&config));
    CHECK_OK(callsign_verifier_new_from_uri(uri, NULL, 0, true, &config, &verifier));
    callsign_verdict verdict;
    callsign_result rc = callsign_verifier_check(verifier, text_of(c, "entry"), 59, &verdict);
    if (!expected_error(c, rc) && CHECK_OK(rc)) {
        CHECK((verdict.kind == CALLSIGN_VERDICT_KIND_MISHEARD) == cJSON_IsTrue(item(c, "misheard")));
    }
    callsign_verifier_free(verifier);
    callsign_enrollment_free(enrollment);
    callsign_secret_free(secret);
}

static const char *customer_verdict_name(uint32_t kind) {
    switch (kind) {
    case CALLSIGN_CUSTOMER_VERDICT_KIND_VERIFIED: return "verified";
    case CALLSIGN_CUSTOMER_VERDICT_KIND_NOT_VERIFIED: return "not_verified";
    case CALLSIGN_CUSTOMER_VERDICT_KIND_ALREADY_USED: return "already_used";
    case CALLSIGN_CUSTOMER_VERDICT_KIND_LOCKED_OUT: return "locked_out";
    case CALLSIGN_CUSTOMER_VERDICT_KIND_MISHEARD: return "misheard";
    default: return "unknown";
    }
}

/* A vendor-side customer-check sequence on two issuers that share one ledger (a fresh SQLite
 * file), as the vectors' issuers 0 and 1. Every verdict must be audited on the ledger. */
static void run_customer_check_sequence(const cJSON *c) {
    static int sequence;
    uint8_t master_bytes[MAX_BYTES];
    size_t master_len = hex_of(c, "master_key_hex", master_bytes);
    callsign_master_key *master = NULL;
    callsign_ledger *ledger = NULL;
    callsign_issuer *issuers[2] = {NULL, NULL};
    callsign_issuer_config config;
    char location[256];
    snprintf(location, sizeof location, "sqlite:%s/callsign-c-customer-%ld-%d.db",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid(), sequence++);
    CHECK_OK(callsign_master_key_from_bytes(master_bytes, master_len, &master));
    CHECK_OK(callsign_issuer_config_default(&config));
    config.epoch = (uint32_t)u64_of(c, "epoch");
    config.digits = (uint32_t)u64_of(c, "digits");
    config.period = u64_of(c, "period");
    config.check_digit = cJSON_IsTrue(item(c, "check_digit"));
    bool ready = CHECK_OK(callsign_ledger_open(location, 2000, &ledger));
    for (int i = 0; ready && i < 2; i++) {
        ready = CHECK_OK(callsign_issuer_new_with_ledger(master, &config, ledger, &issuers[i]));
    }
    int verdicts = 0;
    const cJSON *step_json;
    cJSON_ArrayForEach(step_json, item(c, "steps")) {
        if (!ready) break;
        const cJSON *expect = item(step_json, "expect");
        callsign_customer_verdict verdict;
        callsign_result rc = callsign_issuer_verify_customer(
            issuers[u64_of(step_json, "issuer") == 1], text_of(c, "account_id"),
            text_of(step_json, "agent_id"), text_of(c, "ticket"), text_of(step_json, "entry"),
            u64_of(step_json, "time"), &verdict);
        if (expected_error(expect, rc) || !CHECK_OK(rc)) continue;
        verdicts++;
        const char *want = text_of(expect, "status");
        CHECK_STR(customer_verdict_name(verdict.kind), want);
        CHECK(verdict.step == (item(expect, "step") ? u64_of(expect, "step") : 0));
        CHECK(verdict.attempts_left ==
              (item(expect, "attempts_left") ? u64_of(expect, "attempts_left") : 0));
        CHECK(verdict.locked_until ==
              (item(expect, "locked_until") ? u64_of(expect, "locked_until") : 0));
    }
    CHECK(verdicts > 0 || cJSON_GetArraySize(item(c, "steps")) == 1);
    callsign_issuer_free(issuers[0]);
    callsign_issuer_free(issuers[1]);
    callsign_ledger_free(ledger);
    callsign_master_key_free(master);
    const char *path = location + strlen("sqlite:");
    char side[300];
    remove(path);
    snprintf(side, sizeof side, "%s-wal", path);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", path);
    remove(side);
}

/* Every error kind the vectors name is the name of one callsign_result. */
static void run_error_kind(const cJSON *kind) {
    bool found = false;
    for (uint32_t code = 0; code < 1000 && !found; code++) {
        found = strcmp(callsign_result_name(code), kind->valuestring) == 0;
    }
    CHECK(found);
}

static void run_agent_id(const cJSON *c) {
    char canonical[512];
    size_t needed = 0;
    callsign_result rc = callsign_canonical_agent_id(text_of(c, "input"), canonical, sizeof canonical, &needed);
    if (expected_error(c, rc) || !CHECK_OK(rc)) return;
    CHECK_STR(canonical, text_of(c, "canonical"));
}

static void run_audit_chain(const cJSON *c) {
    const cJSON *e = item(c, "event");
    uint8_t previous[MAX_BYTES], want[MAX_BYTES], chain[32];
    size_t previous_len = hex_of(c, "previous_hex", previous);
    size_t want_len = hex_of(c, "chain_hex", want);
    const char *outcome = text_of(e, "outcome");
    callsign_audit_event event = {
        .time = u64_of(e, "time"),
        .outcome = (outcome && strcmp(outcome, "issued") == 0) ? CALLSIGN_AUDIT_OUTCOME_ISSUED
                                                                : CALLSIGN_AUDIT_OUTCOME_REFUSED_RATE_LIMITED,
        .account_id = text_of(e, "account_id"),
        .agent_id = text_of(e, "agent_id"),
        .ticket = text_of(e, "ticket"),
        .step = u64_of(e, "step"),
        .epoch = (uint32_t)u64_of(e, "epoch"),
        .json = NULL,
    };
    size_t needed = 0;
    CHECK_OK(callsign_audit_chain_hash(previous, previous_len, &event, chain, sizeof chain, &needed));
    CHECK(needed == 32 && want_len == 32 && memcmp(chain, want, 32) == 0);
}

typedef struct {
    const char *section;
    void (*run)(const cJSON *);
} section_runner;

static const section_runner sections[] = {
    {"hotp", run_hotp},
    {"totp", run_totp},
    {"base32", run_base32},
    {"entries", run_entry},
    {"account_secrets", run_account_secret},
    {"agent_codes", run_agent_code},
    {"enrollment", run_enrollment},
    {"signed_enrollments", run_signed_enrollment},
    {"otpauth", run_otpauth},
    {"verifier_sequences", run_verifier_sequence},
    {"customer_codes", run_profile_code},
    {"check_digit_codes", run_profile_code},
    {"damm", run_damm},
    {"check_digit_entries", run_check_digit_entry},
    {"customer_check_sequences", run_customer_check_sequence},
    {"error_kinds", run_error_kind},
    {"agent_ids", run_agent_id},
    {"audit_chain", run_audit_chain},
};

/* The JSON file `name` next to the vector file, parsed, or NULL (a failed check). */
static cJSON *load_sibling(const char *vector_path, const char *name) {
    char path[4096];
    const char *slash = strrchr(vector_path, '/');
    int dir_len = slash ? (int)(slash - vector_path) : 1;
    snprintf(path, sizeof path, "%.*s/%s", dir_len, slash ? vector_path : ".", name);
    char *raw = read_file(path);
    if (!CHECK(raw != NULL)) return NULL;
    char *quoted = quote_long_integers(raw);
    cJSON *root = quoted ? cJSON_Parse(quoted) : NULL;
    free(raw);
    free(quoted);
    CHECK(root != NULL);
    return root;
}

static callsign_verifier *fixture_verifier(const cJSON *fixture, const char *uri) {
    const cJSON *config_json = item(fixture, "config");
    callsign_verifier_config config = {
        .behind = u64_of(config_json, "behind"),
        .ahead = u64_of(config_json, "ahead"),
        .max_failures = (uint32_t)u64_of(config_json, "max_failures"),
        .lockout_seconds = u64_of(config_json, "lockout_seconds"),
    };
    callsign_verifier *verifier = NULL;
    CHECK_OK(callsign_verifier_new_from_uri(uri, NULL, 0, true, &config, &verifier));
    return verifier;
}

/* A frozen blob imports, and the restored verifier reports the expected status. */
static void run_imported_blob(const cJSON *fixture, const cJSON *c) {
    callsign_verifier *verifier = fixture_verifier(fixture, text_of(fixture, "enrollment_uri"));
    uint8_t blob[MAX_BYTES];
    size_t len = hex_of(c, "blob_hex", blob);
    if (verifier && CHECK_OK(callsign_verifier_import_state(verifier, blob, len))) {
        const cJSON *want = item(c, "status");
        callsign_verifier_status status;
        CHECK_OK(callsign_verifier_get_status(verifier, u64_of(want, "time"), &status));
        CHECK(status.locked == !is_null(want, "locked_until"));
        if (status.locked) CHECK(status.locked_until == u64_of(want, "locked_until"));
        CHECK(status.attempts_left == u64_of(want, "attempts_left"));
        CHECK(status.has_last_accepted_step == !is_null(want, "last_accepted_step"));
        if (status.has_last_accepted_step) {
            CHECK(status.last_accepted_step == u64_of(want, "last_accepted_step"));
        }
    }
    callsign_verifier_free(verifier);
}

/* After the case's entries, a fresh verifier exports exactly the frozen bytes. */
static void run_exported_blob(const cJSON *fixture, const cJSON *c) {
    callsign_verifier *verifier = fixture_verifier(fixture, text_of(fixture, "enrollment_uri"));
    if (!verifier) return;
    const cJSON *step;
    cJSON_ArrayForEach(step, item(c, "steps")) {
        callsign_verdict verdict;
        CHECK_OK(callsign_verifier_check(verifier, text_of(step, "entry"), u64_of(step, "time"), &verdict));
    }
    uint8_t want[MAX_BYTES], got[MAX_BYTES];
    size_t want_len = hex_of(c, "blob_hex", want), got_len = 0;
    CHECK_OK(callsign_verifier_export_state(verifier, got, sizeof got, &got_len));
    CHECK(got_len == want_len && memcmp(got, want, want_len) == 0);
    callsign_verifier_free(verifier);
}

static void run_refused_blob(const cJSON *fixture, const cJSON *c) {
    callsign_verifier *verifier = fixture_verifier(fixture, text_of(c, "enrollment_uri"));
    uint8_t blob[MAX_BYTES];
    size_t len = hex_of(c, "blob_hex", blob);
    if (verifier) {
        CHECK_RC(callsign_verifier_import_state(verifier, blob, len), CALLSIGN_RESULT_INVALID_STATE);
        CHECK_STR(callsign_result_name(CALLSIGN_RESULT_INVALID_STATE), text_of(c, "error"));
    }
    callsign_verifier_free(verifier);
}

/* tests/vectors/verifier-state.json: the frozen state blobs (docs/protocol.md). */
static void run_state_fixture(const char *vector_path) {
    cJSON *fixture = load_sibling(vector_path, "verifier-state.json");
    if (!fixture) return;
    char context[256];
    int count = 0;
    const char *lists[] = {"blobs", "v1_blobs", "refused"};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        const cJSON *c;
        CHECK(cJSON_GetArraySize(item(fixture, lists[l])) > 0);
        cJSON_ArrayForEach(c, item(fixture, lists[l])) {
            snprintf(context, sizeof context, "verifier-state %s %s", lists[l], text_of(c, "name"));
            check_context = context;
            if (l == 2) {
                run_refused_blob(fixture, c);
            } else {
                run_imported_blob(fixture, c);
                if (l == 0) run_exported_blob(fixture, c);
            }
            count++;
        }
    }
    check_context = NULL;
    printf("vectors: verifier-state.json  %3d blobs\n", count);
    cJSON_Delete(fixture);
}

void suite_vectors(const char *vector_path) {
    char *raw = read_file(vector_path);
    if (!CHECK(raw != NULL)) return;
    char *quoted = quote_long_integers(raw);
    cJSON *root = quoted ? cJSON_Parse(quoted) : NULL;
    free(raw);
    free(quoted);
    if (!CHECK(root != NULL)) return;
    CHECK(u64_of(root, "version") == 1);

    char context[256];
    size_t total = 0;
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        const cJSON *cases = item(root, sections[s].section);
        CHECK(cJSON_GetArraySize(cases) > 0);
        int index = 0;
        const cJSON *one;
        cJSON_ArrayForEach(one, cases) {
            const char *name = text_of(one, "name");
            snprintf(context, sizeof context, "vectors %s[%d]%s%s", sections[s].section, index,
                     name ? " " : "", name ? name : "");
            check_context = context;
            sections[s].run(one);
            index++;
        }
        check_context = NULL;
        printf("vectors: %-18s %3d cases\n", sections[s].section, index);
        total += (size_t)index;
    }
    printf("vectors: %zu cases run (hkdf skipped: no raw HKDF in the C API)\n", total);
    cJSON_Delete(root);
    run_state_fixture(vector_path);
}
