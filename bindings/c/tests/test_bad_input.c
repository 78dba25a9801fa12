/* The bad-input table: every case must fail with its own typed result, never crash, never
 * leak (ASan and valgrind watch), never answer a silent "no match". */
#include <stdio.h>
#include <string.h>

#include "check.h"

/* Valid handles the cases misuse, made once by setup() and freed by teardown(). */
static struct {
    callsign_secret *secret;
    callsign_totp_key *totp;
    callsign_hotp_key *hotp;
    callsign_master_key *master;
    callsign_enrollment *enrollment;
    callsign_otpauth *hotp_account;
    callsign_verifier *verifier;
    callsign_issuer *issuer;
    callsign_issuer *strict_issuer;
    callsign_issuer *failing_issuer;
    callsign_verifier_config config;
    callsign_issuer_config issuer_config;
} fx;

/* Outputs of the cases; each case frees what a wrongly successful call would allocate. */
static char text[64];
static uint8_t bytes[256];
static size_t needed;
static bool matched;
static uint64_t step;
static int64_t drift;
static uint32_t number;
static callsign_timed_code timed;
static callsign_verdict verdict;
static callsign_customer_verdict customer_verdict;
static callsign_secret *secret_out;
static callsign_totp_key *totp_out;
static callsign_verifier *verifier_out;
static callsign_enrollment *enrollment_out;
static callsign_otpauth *otpauth_out;
static callsign_master_key *master_out;
static callsign_issuer *issuer_out;
static callsign_signing_key *signing_key_out;
static callsign_stored_verifier *stored_out;

static const uint8_t SEED[20] = "12345678901234567890";
static const uint8_t MASTER[32] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
static const char ENROLL[] =
    "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001"
    "&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30";
static char long_id[258]; /* 257 bytes: one more than an account id may have */

static bool audit_ok(void *user_data, const callsign_audit_event *events, size_t count) {
    (void)user_data, (void)events, (void)count;
    return true;
}

static bool audit_refuses(void *user_data, const callsign_audit_event *events, size_t count) {
    (void)user_data, (void)events, (void)count;
    return false;
}

/* A verifier for the reference enrollment that locks after one failure, then locked by one. */
static callsign_result locked_verifier_check(const char *entry) {
    callsign_verifier_config one_try = fx.config;
    one_try.max_failures = 1;
    callsign_verifier *verifier = NULL;
    callsign_result rc = callsign_verifier_new(fx.enrollment, &one_try, &verifier);
    if (rc != CALLSIGN_RESULT_OK) return rc;
    CHECK_OK(callsign_verifier_check(verifier, "000000", 1764355200, &verdict));
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_LOCKED_OUT);
    rc = callsign_verifier_check(verifier, entry, 1764355205, &verdict);
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_LOCKED_OUT);
    callsign_verifier_free(verifier);
    return rc;
}

#define CASE(name, expr)                                                                       \
    static callsign_result case_##name(void) { return (expr); }

CASE(hotp_null_secret, callsign_hotp(NULL, 20, CALLSIGN_ALGORITHM_SHA1, 6, 0, text, sizeof text, &needed))
CASE(hotp_null_needed, callsign_hotp(SEED, 20, CALLSIGN_ALGORITHM_SHA1, 6, 0, text, sizeof text, NULL))
CASE(hotp_null_out_with_size, callsign_hotp(SEED, 20, CALLSIGN_ALGORITHM_SHA1, 6, 0, NULL, 7, &needed))
CASE(hotp_short_buffer, callsign_hotp(SEED, 20, CALLSIGN_ALGORITHM_SHA1, 6, 0, text, 6, &needed))
CASE(hotp_digits_5, callsign_hotp(SEED, 20, CALLSIGN_ALGORITHM_SHA1, 5, 0, text, sizeof text, &needed))
CASE(hotp_digits_9, callsign_hotp(SEED, 20, CALLSIGN_ALGORITHM_SHA1, 9, 0, text, sizeof text, &needed))
CASE(hotp_algorithm_0, callsign_hotp(SEED, 20, 0, 6, 0, text, sizeof text, &needed))
CASE(hotp_algorithm_4, callsign_hotp(SEED, 20, 4, 6, 0, text, sizeof text, &needed))
CASE(hotp_secret_15_bytes, callsign_hotp(SEED, 15, CALLSIGN_ALGORITHM_SHA1, 6, 0, text, sizeof text, &needed))
CASE(totp_period_0, callsign_totp(SEED, 20, CALLSIGN_ALGORITHM_SHA1, 6, 0, 0, 59, text, sizeof text, &needed))
CASE(totp_time_before_t0, callsign_totp(SEED, 20, CALLSIGN_ALGORITHM_SHA1, 6, 30, 100, 99, text, sizeof text, &needed))
CASE(totp_key_period_0, callsign_totp_key_new(fx.secret, CALLSIGN_ALGORITHM_SHA1, 6, 0, 0, &totp_out))
CASE(totp_key_null_secret, callsign_totp_key_new(NULL, CALLSIGN_ALGORITHM_SHA1, 6, 30, 0, &totp_out))
CASE(totp_key_code_null_key, callsign_totp_key_code_at(NULL, 59, text, sizeof text, &needed))
CASE(totp_key_code_short_buffer, callsign_totp_key_code_at(fx.totp, 59, text, 6, &needed))
CASE(totp_key_verify_letters, callsign_totp_key_verify(fx.totp, "12a456", 59, 1, 1, &matched, &step, &drift))
CASE(totp_key_verify_too_long, callsign_totp_key_verify(fx.totp, "1234567", 59, 1, 1, &matched, &step, &drift))
CASE(totp_key_verify_empty, callsign_totp_key_verify(fx.totp, "", 59, 1, 1, &matched, &step, &drift))
CASE(totp_key_verify_window_too_large, callsign_totp_key_verify(fx.totp, "123456", 59, 100, 100, &matched, &step, &drift))
CASE(totp_key_verify_null_drift, callsign_totp_key_verify(fx.totp, "123456", 59, 1, 1, &matched, &step, NULL))
CASE(hotp_key_verify_separator_only, callsign_hotp_key_verify(fx.hotp, "---", 0, 0, 0, &matched, &step, &drift))
CASE(secret_base32_bad_character, callsign_secret_from_base32("GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ", &secret_out))
CASE(secret_base32_null, callsign_secret_from_base32(NULL, &secret_out))
CASE(secret_base32_not_utf8, callsign_secret_from_base32("GEZD\xff", &secret_out))
CASE(secret_base32_80_bits, callsign_secret_from_base32("GEZDGNBVGY3TQOJQ", &secret_out))
CASE(secret_bytes_null_out, callsign_secret_from_bytes(SEED, 20, NULL))
CASE(secret_to_base32_short, callsign_secret_to_base32(fx.secret, text, 10, &needed))
CASE(secret_generate_bad_algorithm, callsign_secret_generate(7, &secret_out))
CASE(algorithm_name_md5, callsign_algorithm_from_name("MD5", &number))
CASE(base32_misplaced_padding, callsign_base32_decode("MZ=XW", bytes, sizeof bytes, &needed))
CASE(entry_digits_9, callsign_entry_parse("482913", 9, text, sizeof text, &needed))
CASE(master_key_31_bytes, callsign_master_key_from_bytes(MASTER, 31, &master_out))
CASE(account_id_too_long, callsign_account_secret(fx.master, long_id, 0, &secret_out))
CASE(account_id_empty, callsign_account_secret(fx.master, "", 0, &secret_out))
CASE(account_id_not_utf8, callsign_account_secret(fx.master, "kunde\xc3", 0, &secret_out))
CASE(account_secret_null_master, callsign_account_secret(NULL, "customer-0001", 0, &secret_out))
CASE(agent_code_period_0, callsign_agent_code(fx.secret, 59, 6, 0, false, &timed))
CASE(agent_code_digits_5, callsign_agent_code(fx.secret, 59, 5, 30, false, &timed))
CASE(agent_code_null_out, callsign_agent_code(fx.secret, 59, 6, 30, false, NULL))
CASE(enrollment_unknown_parameter, callsign_enrollment_parse("callsign://enroll?v=1&color=red", &enrollment_out))
CASE(enrollment_empty_issuer, callsign_enrollment_new("", "customer-0001", fx.secret, 0, 6, 30, &enrollment_out))
CASE(enrollment_period_9, callsign_enrollment_new("ACME", "customer-0001", fx.secret, 0, 6, 9, &enrollment_out))
CASE(enrollment_to_uri_short, callsign_enrollment_to_uri(fx.enrollment, text, sizeof text, &needed))
CASE(otpauth_duplicate_secret, callsign_otpauth_parse("otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", &otpauth_out))
CASE(otpauth_new_digits_9, callsign_otpauth_new_totp("ACME", "alice", fx.secret, CALLSIGN_ALGORITHM_SHA1, 9, 30, &otpauth_out))
CASE(otpauth_new_period_0, callsign_otpauth_new_totp(NULL, "alice", fx.secret, CALLSIGN_ALGORITHM_SHA1, 6, 0, &otpauth_out))
CASE(otpauth_new_colon_account, callsign_otpauth_new_totp(NULL, "al:ice", fx.secret, CALLSIGN_ALGORITHM_SHA1, 6, 30, &otpauth_out))
CASE(otpauth_totp_key_of_hotp, callsign_otpauth_totp_key(fx.hotp_account, &totp_out))
CASE(verifier_malformed_uri, callsign_verifier_new_from_uri("callsign://enroll?v=2", NULL, 0, true, &fx.config, &verifier_out))
CASE(verifier_null_config, callsign_verifier_new_from_uri(ENROLL, NULL, 0, true, NULL, &verifier_out))
CASE(verifier_unsigned_under_pinned_key, callsign_verifier_new_from_uri(ENROLL, MASTER, 32, false, &fx.config, &verifier_out))
CASE(verifier_no_keys_unsigned_not_allowed, callsign_verifier_new_from_uri(ENROLL, NULL, 0, false, &fx.config, &verifier_out))
CASE(verifier_keys_and_allow_unsigned, callsign_verifier_new_from_uri(ENROLL, MASTER, 32, true, &fx.config, &verifier_out))
CASE(verifier_pinned_key_31_bytes, callsign_verifier_new_from_uri(ENROLL, MASTER, 31, false, &fx.config, &verifier_out))
CASE(verifier_pinned_keys_null_with_length, callsign_verifier_new_from_uri(ENROLL, NULL, 32, false, &fx.config, &verifier_out))
CASE(enrollment_from_uri_trailing_data, callsign_enrollment_from_uri("callsign://enroll?v=1&sig=x&y=1", MASTER, 32, false, &enrollment_out))
CASE(signing_key_seed_31_bytes, callsign_signing_key_from_seed(MASTER, 31, &signing_key_out))
CASE(signing_key_null_seed, callsign_signing_key_from_seed(NULL, 32, &signing_key_out))
CASE(signed_enrollment_null_key, callsign_issuer_signed_enrollment(fx.issuer, "ACME", "customer-0001", NULL, &enrollment_out))
CASE(stored_verifier_null_dir, callsign_stored_verifier_open(NULL, &fx.config, 0, &stored_out))
CASE(stored_verifier_dir_is_a_file, callsign_stored_verifier_open("/dev/null", &fx.config, 0, &stored_out))
CASE(verifier_check_letters, callsign_verifier_check(fx.verifier, "abc", 1764355205, &verdict))
CASE(verifier_check_null_verdict, callsign_verifier_check(fx.verifier, "638431", 1764355205, NULL))
CASE(verifier_check_null_entry, callsign_verifier_check(fx.verifier, NULL, 1764355205, &verdict))
CASE(verifier_import_garbage, callsign_verifier_import_state(fx.verifier, (const uint8_t *)"garbage!", 8))
CASE(verifier_state_null, callsign_verifier_import_state(fx.verifier, NULL, 8))
CASE(verifier_export_short, callsign_verifier_export_state(fx.verifier, bytes, 4, &needed))
CASE(verifier_use_after_lockout_genuine_code, locked_verifier_check("638431"))
CASE(verifier_use_after_lockout_malformed, locked_verifier_check("12a"))
CASE(issuer_null_callback, callsign_issuer_new(fx.master, &fx.issuer_config, NULL, NULL, &issuer_out))
CASE(issuer_agent_id_too_long, callsign_issuer_issue(fx.issuer, "customer-0001", long_id, "T-1", 1764355200, &timed))
CASE(issuer_account_id_too_long, callsign_issuer_issue(fx.issuer, long_id, "agent-7", "T-1", 1764355200, &timed))
CASE(issuer_null_ticket, callsign_issuer_issue(fx.issuer, "customer-0001", "agent-7", NULL, 1764355200, &timed))
CASE(issuer_rate_limited, callsign_issuer_issue(fx.strict_issuer, "customer-0001", "agent-7", "T-2", 1764355201, &timed))
CASE(issuer_audit_refused, callsign_issuer_issue(fx.failing_issuer, "customer-0001", "agent-7", "T-1", 1764355200, &timed))
CASE(customer_code_digits_9, callsign_customer_code(fx.secret, 59, 9, 30, true, &timed))
CASE(customer_code_null_out, callsign_customer_code(fx.secret, 59, 6, 30, false, NULL))
CASE(verifier_customer_code_null_verifier, callsign_verifier_customer_code(NULL, 59, &timed))
CASE(verify_customer_null_entry, callsign_issuer_verify_customer(fx.issuer, "customer-0001", "agent-7", "T-1", NULL, 59, &customer_verdict))
CASE(verify_customer_letters, callsign_issuer_verify_customer(fx.issuer, "customer-0001", "agent-7", "T-1", "24a206", 59, &customer_verdict))
CASE(verify_customer_null_out, callsign_issuer_verify_customer(fx.issuer, "customer-0001", "agent-7", "T-1", "246206", 59, NULL))
CASE(verify_customer_audit_refused, callsign_issuer_verify_customer(fx.failing_issuer, "customer-0001", "agent-7", "T-1", "246206", 59, &customer_verdict))
CASE(result_message_unknown, callsign_result_message(4242, text, sizeof text, &needed))

typedef struct {
    const char *name;
    callsign_result (*run)(void);
    callsign_result want;
} bad_input_case;

#define ROW(name, want) {#name, case_##name, CALLSIGN_RESULT_##want}

static const bad_input_case table[] = {
    ROW(hotp_null_secret, NULL_PARAMETER),
    ROW(hotp_null_needed, NULL_PARAMETER),
    ROW(hotp_null_out_with_size, NULL_PARAMETER),
    ROW(hotp_short_buffer, INSUFFICIENT_SIZE),
    ROW(hotp_digits_5, INVALID_DIGITS),
    ROW(hotp_digits_9, INVALID_DIGITS),
    ROW(hotp_algorithm_0, INVALID_ARGUMENT),
    ROW(hotp_algorithm_4, INVALID_ARGUMENT),
    ROW(hotp_secret_15_bytes, INVALID_SECRET_LENGTH),
    ROW(totp_period_0, INVALID_PERIOD),
    ROW(totp_time_before_t0, TIME_BEFORE_EPOCH),
    ROW(totp_key_period_0, INVALID_PERIOD),
    ROW(totp_key_null_secret, NULL_PARAMETER),
    ROW(totp_key_code_null_key, NULL_PARAMETER),
    ROW(totp_key_code_short_buffer, INSUFFICIENT_SIZE),
    ROW(totp_key_verify_letters, INVALID_CODE),
    ROW(totp_key_verify_too_long, INVALID_CODE),
    ROW(totp_key_verify_empty, INVALID_CODE),
    ROW(totp_key_verify_window_too_large, INVALID_CONFIG),
    ROW(totp_key_verify_null_drift, NULL_PARAMETER),
    ROW(hotp_key_verify_separator_only, INVALID_CODE),
    ROW(secret_base32_bad_character, INVALID_BASE32),
    ROW(secret_base32_null, NULL_PARAMETER),
    ROW(secret_base32_not_utf8, INVALID_UTF8),
    ROW(secret_base32_80_bits, INVALID_SECRET_LENGTH),
    ROW(secret_bytes_null_out, NULL_PARAMETER),
    ROW(secret_to_base32_short, INSUFFICIENT_SIZE),
    ROW(secret_generate_bad_algorithm, INVALID_ARGUMENT),
    ROW(algorithm_name_md5, UNSUPPORTED_ALGORITHM),
    ROW(base32_misplaced_padding, INVALID_BASE32),
    ROW(entry_digits_9, INVALID_DIGITS),
    ROW(master_key_31_bytes, INVALID_MASTER_KEY),
    ROW(account_id_too_long, INVALID_IDENTIFIER),
    ROW(account_id_empty, INVALID_IDENTIFIER),
    ROW(account_id_not_utf8, INVALID_UTF8),
    ROW(account_secret_null_master, NULL_PARAMETER),
    ROW(agent_code_period_0, INVALID_PERIOD),
    ROW(agent_code_digits_5, INVALID_DIGITS),
    ROW(agent_code_null_out, NULL_PARAMETER),
    ROW(enrollment_unknown_parameter, INVALID_URI),
    ROW(enrollment_empty_issuer, INVALID_URI),
    ROW(enrollment_period_9, INVALID_PERIOD),
    ROW(enrollment_to_uri_short, INSUFFICIENT_SIZE),
    ROW(otpauth_duplicate_secret, INVALID_URI),
    ROW(otpauth_new_digits_9, INVALID_DIGITS),
    ROW(otpauth_new_period_0, INVALID_PERIOD),
    ROW(otpauth_new_colon_account, INVALID_URI),
    ROW(otpauth_totp_key_of_hotp, INVALID_URI),
    ROW(verifier_malformed_uri, INVALID_URI),
    ROW(verifier_null_config, NULL_PARAMETER),
    ROW(verifier_unsigned_under_pinned_key, UNTRUSTED_ENROLLMENT),
    ROW(verifier_no_keys_unsigned_not_allowed, UNTRUSTED_ENROLLMENT),
    ROW(verifier_keys_and_allow_unsigned, INVALID_CONFIG),
    ROW(verifier_pinned_key_31_bytes, INVALID_SIGNING_KEY),
    ROW(verifier_pinned_keys_null_with_length, NULL_PARAMETER),
    ROW(enrollment_from_uri_trailing_data, UNTRUSTED_ENROLLMENT),
    ROW(signing_key_seed_31_bytes, INVALID_SIGNING_KEY),
    ROW(signing_key_null_seed, NULL_PARAMETER),
    ROW(signed_enrollment_null_key, NULL_PARAMETER),
    ROW(stored_verifier_null_dir, NULL_PARAMETER),
    ROW(stored_verifier_dir_is_a_file, STORAGE_FAILED),
    ROW(verifier_check_letters, INVALID_CODE),
    ROW(verifier_check_null_verdict, NULL_PARAMETER),
    ROW(verifier_check_null_entry, NULL_PARAMETER),
    ROW(verifier_import_garbage, INVALID_STATE),
    ROW(verifier_state_null, NULL_PARAMETER),
    ROW(verifier_export_short, INSUFFICIENT_SIZE),
    ROW(verifier_use_after_lockout_genuine_code, OK),
    ROW(verifier_use_after_lockout_malformed, OK),
    ROW(issuer_null_callback, NULL_PARAMETER),
    ROW(issuer_agent_id_too_long, INVALID_IDENTIFIER),
    ROW(issuer_account_id_too_long, INVALID_IDENTIFIER),
    ROW(issuer_null_ticket, NULL_PARAMETER),
    ROW(issuer_rate_limited, RATE_LIMITED),
    ROW(issuer_audit_refused, AUDIT_FAILED),
    ROW(result_message_unknown, INVALID_ARGUMENT),
    ROW(customer_code_digits_9, INVALID_DIGITS),
    ROW(customer_code_null_out, NULL_PARAMETER),
    ROW(verifier_customer_code_null_verifier, NULL_PARAMETER),
    ROW(verify_customer_null_entry, NULL_PARAMETER),
    ROW(verify_customer_letters, INVALID_CODE),
    ROW(verify_customer_null_out, NULL_PARAMETER),
    ROW(verify_customer_audit_refused, AUDIT_FAILED),
};

static void setup(void) {
    memset(long_id, 'x', sizeof long_id - 1);
    CHECK_OK(callsign_secret_from_bytes(SEED, sizeof SEED, &fx.secret));
    CHECK_OK(callsign_totp_key_new(fx.secret, CALLSIGN_ALGORITHM_SHA1, 6, 30, 0, &fx.totp));
    CHECK_OK(callsign_hotp_key_new(fx.secret, CALLSIGN_ALGORITHM_SHA1, 6, &fx.hotp));
    CHECK_OK(callsign_master_key_from_bytes(MASTER, sizeof MASTER, &fx.master));
    CHECK_OK(callsign_enrollment_parse(ENROLL, &fx.enrollment));
    CHECK_OK(callsign_otpauth_new_hotp("ACME", "alice", fx.secret, CALLSIGN_ALGORITHM_SHA1, 6, 0,
                                       &fx.hotp_account));
    CHECK_OK(callsign_verifier_config_default(&fx.config));
    CHECK_OK(callsign_verifier_new(fx.enrollment, &fx.config, &fx.verifier));
    CHECK_OK(callsign_issuer_config_default(&fx.issuer_config));
    CHECK_OK(callsign_issuer_new(fx.master, &fx.issuer_config, audit_ok, NULL, &fx.issuer));
    CHECK_OK(callsign_issuer_new(fx.master, &fx.issuer_config, audit_refuses, NULL,
                                 &fx.failing_issuer));
    callsign_issuer_config one_code = fx.issuer_config;
    one_code.rate_limit_max_codes = 1;
    CHECK_OK(callsign_issuer_new(fx.master, &one_code, audit_ok, NULL, &fx.strict_issuer));
    CHECK_OK(callsign_issuer_issue(fx.strict_issuer, "customer-0001", "agent-7", "T-1",
                                   1764355200, &timed));
}

static void teardown(void) {
    callsign_issuer_free(fx.strict_issuer);
    callsign_issuer_free(fx.failing_issuer);
    callsign_issuer_free(fx.issuer);
    callsign_verifier_free(fx.verifier);
    callsign_otpauth_free(fx.hotp_account);
    callsign_enrollment_free(fx.enrollment);
    callsign_master_key_free(fx.master);
    callsign_hotp_key_free(fx.hotp);
    callsign_totp_key_free(fx.totp);
    callsign_secret_free(fx.secret);
}

/* Frees whatever a case that wrongly succeeded allocated, so that its failure is the only
 * finding. */
static void free_case_outputs(void) {
    callsign_secret_free(secret_out);
    callsign_totp_key_free(totp_out);
    callsign_verifier_free(verifier_out);
    callsign_enrollment_free(enrollment_out);
    callsign_otpauth_free(otpauth_out);
    callsign_master_key_free(master_out);
    callsign_issuer_free(issuer_out);
    callsign_signing_key_free(signing_key_out);
    callsign_stored_verifier_free(stored_out);
    secret_out = NULL, totp_out = NULL, verifier_out = NULL, enrollment_out = NULL;
    otpauth_out = NULL, master_out = NULL, issuer_out = NULL;
}

void suite_bad_input(void) {
    setup();
    char context[128];
    size_t count = sizeof table / sizeof table[0];
    for (size_t i = 0; i < count; i++) {
        snprintf(context, sizeof context, "bad input %s", table[i].name);
        check_context = context;
        CHECK_RC(table[i].run(), table[i].want);
        free_case_outputs();
    }
    check_context = NULL;
    printf("bad input: %zu cases run\n", count);
    teardown();
}
