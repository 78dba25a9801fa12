/* The C API end to end: handle lifecycles, the issuer with its audit callback and rate limit,
 * enrollment, the verifier in entry and display mode with persisted state, otpauth round
 * trips, handles shared between threads, and issuers on a SQLite ledger. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static const uint8_t MASTER[32] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
static const uint64_t NOW = 1764355205;

/* Collects audit events for the checks below. */
typedef struct {
    atomic_int calls;
    atomic_int issued;
    atomic_int refused;
    char last_json[512];
    char last_ticket[64];
} audit_log;

static bool record_events(void *user_data, const callsign_audit_event *events, size_t count) {
    audit_log *log = user_data;
    atomic_fetch_add(&log->calls, 1);
    for (size_t i = 0; i < count; i++) {
        if (events[i].outcome == CALLSIGN_AUDIT_OUTCOME_ISSUED) atomic_fetch_add(&log->issued, 1);
        else atomic_fetch_add(&log->refused, 1);
        snprintf(log->last_json, sizeof log->last_json, "%s", events[i].json);
        snprintf(log->last_ticket, sizeof log->last_ticket, "%s", events[i].ticket);
    }
    return true;
}

static void freeing_null_is_a_no_op(void) {
    /* A failure first: freeing NULL must neither crash nor touch the thread's last error. */
    callsign_secret *secret = NULL;
    CHECK_RC(callsign_secret_from_base32("GEZD1GEZ", &secret), CALLSIGN_RESULT_INVALID_BASE32);
    callsign_secret_free(NULL);
    callsign_hotp_key_free(NULL);
    callsign_totp_key_free(NULL);
    callsign_otpauth_free(NULL);
    callsign_master_key_free(NULL);
    callsign_issuer_free(NULL);
    callsign_enrollment_free(NULL);
    callsign_verifier_free(NULL);
    char detail[128];
    size_t needed = 0;
    CHECK_OK(callsign_last_error_message(detail, sizeof detail, &needed));
    CHECK(strstr(detail, "position 4") != NULL);
}

static void failed_constructors_leave_null(void) {
    callsign_secret *secret = (callsign_secret *)&secret; /* anything but NULL */
    CHECK_RC(callsign_secret_from_base32("GEZD1GEZ", &secret), CALLSIGN_RESULT_INVALID_BASE32);
    CHECK(secret == NULL);
    char detail[128];
    size_t needed = 0;
    CHECK_OK(callsign_last_error_message(detail, sizeof detail, &needed));
    CHECK(strstr(detail, "position 4") != NULL);
}

static void secrets_round_trip(void) {
    callsign_secret *generated = NULL, *decoded = NULL;
    CHECK_OK(callsign_secret_generate(CALLSIGN_ALGORITHM_SHA256, &generated));
    size_t needed = 0;
    CHECK_RC(callsign_secret_to_base32(generated, NULL, 0, &needed), CALLSIGN_RESULT_INSUFFICIENT_SIZE);
    char *base32 = malloc(needed);
    CHECK_OK(callsign_secret_to_base32(generated, base32, needed, &needed));
    CHECK(strlen(base32) == 52); /* 32 bytes */
    CHECK_OK(callsign_secret_from_base32(base32, &decoded));
    uint8_t a[64], b[64];
    size_t a_len = 0, b_len = 0;
    CHECK_OK(callsign_secret_to_bytes(generated, a, sizeof a, &a_len));
    CHECK_OK(callsign_secret_to_bytes(decoded, b, sizeof b, &b_len));
    CHECK(a_len == 32 && b_len == 32 && memcmp(a, b, 32) == 0);
    free(base32);
    callsign_secret_free(decoded);
    callsign_secret_free(generated);
}

static void otpauth_builds_emits_and_parses(void) {
    callsign_secret *secret = NULL;
    callsign_otpauth *built = NULL, *parsed = NULL;
    callsign_totp_key *key = NULL;
    CHECK_OK(callsign_secret_from_bytes((const uint8_t *)"12345678901234567890", 20, &secret));
    CHECK_OK(callsign_otpauth_new_totp("ACME Co", "alice@example.com", secret,
                                       CALLSIGN_ALGORITHM_SHA256, 8, 60, &built));
    char uri[256];
    size_t needed = 0;
    CHECK_OK(callsign_otpauth_to_uri(built, uri, sizeof uri, &needed));
    CHECK_STR(uri, "otpauth://totp/ACME%20Co:alice%40example.com?secret="
                   "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co&algorithm=SHA256&digits=8"
                   "&period=60");
    CHECK_OK(callsign_otpauth_parse(uri, &parsed));
    callsign_otpauth_info info;
    CHECK_OK(callsign_otpauth_get_info(parsed, &info));
    CHECK(info.otp_type == CALLSIGN_OTP_TYPE_TOTP && info.algorithm == CALLSIGN_ALGORITHM_SHA256 &&
          info.digits == 8 && info.period == 60 && info.has_issuer);
    CHECK_OK(callsign_otpauth_totp_key(parsed, &key));
    char from_key[CALLSIGN_CODE_SIZE], one_shot[CALLSIGN_CODE_SIZE];
    CHECK_OK(callsign_totp_key_code_at(key, NOW, from_key, sizeof from_key, &needed));
    CHECK_OK(callsign_totp((const uint8_t *)"12345678901234567890", 20, CALLSIGN_ALGORITHM_SHA256,
                           8, 60, 0, NOW, one_shot, sizeof one_shot, &needed));
    CHECK_STR(from_key, one_shot);
    callsign_totp_key_free(key);
    callsign_otpauth_free(parsed);
    callsign_otpauth_free(built);
    callsign_secret_free(secret);
}

/* The agent's code, issued by the vendor, is genuine on the customer's device; read twice it
 * is a replay; display mode shows the same code. */
static void issued_code_is_genuine_on_the_device(void) {
    audit_log log = {0};
    callsign_master_key *master = NULL;
    callsign_issuer *issuer = NULL;
    callsign_enrollment *enrollment = NULL;
    callsign_verifier *verifier = NULL;
    callsign_issuer_config config;
    callsign_verifier_config verifier_config;
    CHECK_OK(callsign_master_key_from_bytes(MASTER, sizeof MASTER, &master));
    CHECK_OK(callsign_issuer_config_default(&config));
    CHECK_OK(callsign_issuer_new(master, &config, record_events, &log, &issuer));
    CHECK_OK(callsign_issuer_enrollment(issuer, "ACME Support", "customer-0001", &enrollment));
    CHECK_OK(callsign_verifier_config_default(&verifier_config));
    CHECK_OK(callsign_verifier_new(enrollment, &verifier_config, &verifier));

    callsign_timed_code issued, shown;
    CHECK_OK(callsign_issuer_issue(issuer, "customer-0001", "agent-7", "T-1001", NOW, &issued));
    CHECK_STR(issued.code, "638431"); /* the vector for this master, account and time */
    CHECK(atomic_load(&log.issued) == 1);
    CHECK_STR(log.last_ticket, "T-1001");
    CHECK(strstr(log.last_json, "\"agent_id\":\"agent-7\"") != NULL);
    CHECK(strstr(log.last_json, issued.code) == NULL); /* the audit never holds the code */

    callsign_verdict verdict;
    CHECK_OK(callsign_verifier_check(verifier, issued.grouped, NOW + 3, &verdict));
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_GENUINE && verdict.step == issued.step &&
          verdict.drift == 0);
    CHECK_OK(callsign_verifier_check(verifier, issued.code, NOW + 4, &verdict));
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_ALREADY_USED);
    CHECK_OK(callsign_verifier_display(verifier, NOW, &shown));
    CHECK_STR(shown.code, issued.code);
    CHECK(shown.seconds_remaining == issued.seconds_remaining && shown.valid_until == issued.valid_until);

    /* A batch under one agent: all audited in one callback. */
    const char *accounts[] = {"customer-0001", "customer-0002", "kunde@example.de"};
    callsign_timed_code batch[3];
    int calls_before = atomic_load(&log.calls);
    CHECK_OK(callsign_issuer_issue_many(issuer, "batch-job", "nightly check", accounts, 3, NOW, batch));
    CHECK_STR(batch[0].code, issued.code);
    CHECK(atomic_load(&log.calls) == calls_before + 1 && atomic_load(&log.issued) == 4);

    callsign_verifier_free(verifier);
    callsign_enrollment_free(enrollment);
    callsign_issuer_free(issuer);
    callsign_master_key_free(master);
}

/* The vendor signs; the app pins the vendor's key: a link signed by anyone else, and an unsigned
 * one, are refused with CALLSIGN_RESULT_UNTRUSTED_ENROLLMENT. */
static void forged_and_unsigned_enrollments_are_refused(void) {
    audit_log log = {0};
    callsign_master_key *master = NULL;
    callsign_issuer *issuer = NULL;
    callsign_issuer_config config;
    callsign_signing_key *vendor = NULL, *forger = NULL;
    callsign_enrollment *genuine = NULL, *forged = NULL, *unsigned_enrollment = NULL, *read = NULL;
    uint8_t pinned[32];
    size_t needed = 0;
    char genuine_uri[512], forged_uri[512], unsigned_uri[512];
    CHECK_OK(callsign_master_key_from_bytes(MASTER, sizeof MASTER, &master));
    CHECK_OK(callsign_issuer_config_default(&config));
    CHECK_OK(callsign_issuer_new(master, &config, record_events, &log, &issuer));
    CHECK_OK(callsign_signing_key_generate(&vendor));
    CHECK_OK(callsign_signing_key_generate(&forger));
    CHECK_OK(callsign_signing_key_public_key(vendor, pinned, sizeof pinned, &needed));
    CHECK_OK(callsign_issuer_signed_enrollment(issuer, "ACME Support", "customer-0001", vendor, &genuine));
    CHECK_OK(callsign_issuer_signed_enrollment(issuer, "ACME Support", "customer-0001", forger, &forged));
    CHECK_OK(callsign_issuer_enrollment(issuer, "ACME Support", "customer-0001", &unsigned_enrollment));
    CHECK_OK(callsign_enrollment_to_uri(genuine, genuine_uri, sizeof genuine_uri, &needed));
    CHECK_OK(callsign_enrollment_to_uri(forged, forged_uri, sizeof forged_uri, &needed));
    CHECK_OK(callsign_enrollment_to_uri(unsigned_enrollment, unsigned_uri, sizeof unsigned_uri, &needed));
    CHECK(strstr(genuine_uri, "&sig=") != NULL);

    CHECK_OK(callsign_enrollment_from_uri(genuine_uri, pinned, sizeof pinned, false, &read));
    callsign_enrollment_free(read);
    CHECK_RC(callsign_enrollment_from_uri(forged_uri, pinned, sizeof pinned, false, &read),
             CALLSIGN_RESULT_UNTRUSTED_ENROLLMENT);
    CHECK(read == NULL);
    char detail[256];
    CHECK_OK(callsign_last_error_message(detail, sizeof detail, &needed));
    CHECK(strstr(detail, "no pinned key verifies") != NULL);
    CHECK_RC(callsign_enrollment_from_uri(unsigned_uri, pinned, sizeof pinned, false, &read),
             CALLSIGN_RESULT_UNTRUSTED_ENROLLMENT);
    CHECK_OK(callsign_last_error_message(detail, sizeof detail, &needed));
    CHECK(strstr(detail, "not signed") != NULL);
    /* No keys pinned and unsigned not allowed: refused, not silently trusted. */
    CHECK_RC(callsign_enrollment_from_uri(unsigned_uri, NULL, 0, false, &read),
             CALLSIGN_RESULT_UNTRUSTED_ENROLLMENT);
    callsign_verifier_config verifier_config;
    callsign_verifier *verifier = NULL;
    CHECK_OK(callsign_verifier_config_default(&verifier_config));
    CHECK_RC(callsign_verifier_new_from_uri(forged_uri, pinned, sizeof pinned, false,
                                            &verifier_config, &verifier),
             CALLSIGN_RESULT_UNTRUSTED_ENROLLMENT);
    CHECK(verifier == NULL);

    callsign_enrollment_free(genuine);
    callsign_enrollment_free(forged);
    callsign_enrollment_free(unsigned_enrollment);
    callsign_signing_key_free(vendor);
    callsign_signing_key_free(forger);
    callsign_issuer_free(issuer);
    callsign_master_key_free(master);
}

/* Three wrong codes lock the stored verifier; deleting its state file does not lift the lock. */
static void deleting_the_state_after_a_lock_keeps_the_lock(void) {
    char dir[] = "/tmp/callsign-c-store-XXXXXX";
    if (!CHECK(mkdtemp(dir) != NULL)) return;
    char state_path[sizeof dir + 32];
    snprintf(state_path, sizeof state_path, "%s/verifier-state", dir);
    char enrollment_path[sizeof dir + 32];
    snprintf(enrollment_path, sizeof enrollment_path, "%s/enrollment", dir);
    callsign_master_key *master = NULL;
    callsign_secret *secret = NULL;
    callsign_enrollment *enrollment = NULL;
    callsign_stored_verifier *stored = NULL;
    callsign_verifier_config config;
    CHECK_OK(callsign_master_key_from_bytes(MASTER, sizeof MASTER, &master));
    CHECK_OK(callsign_account_secret(master, "customer-0001", 0, &secret));
    CHECK_OK(callsign_enrollment_new("ACME Support", "customer-0001", secret, 0, 6, 30, &enrollment));
    CHECK_OK(callsign_verifier_config_default(&config));

    CHECK_OK(callsign_stored_verifier_open(dir, &config, NOW, &stored));
    CHECK(stored == NULL); /* the first run */
    CHECK_OK(callsign_stored_verifier_enroll(dir, enrollment, &config, NOW, &stored));
    uint32_t fresh = 7;
    CHECK_OK(callsign_stored_verifier_restored(stored, &fresh));
    CHECK(fresh == CALLSIGN_RESTORED_NONE);
    callsign_verdict verdict = {0};
    for (int i = 0; i < 3; i++) {
        CHECK_OK(callsign_stored_verifier_check(stored, "000000", NOW + (uint64_t)i, &verdict));
    }
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_LOCKED_OUT);
    callsign_stored_verifier_free(stored);
    stored = NULL;

    CHECK(remove(state_path) == 0);
    CHECK_OK(callsign_stored_verifier_open(dir, &config, NOW + 60, &stored));
    if (CHECK(stored != NULL)) {
        uint32_t restored = 0;
        CHECK_OK(callsign_stored_verifier_restored(stored, &restored));
        CHECK(restored == CALLSIGN_RESTORED_LOCKED_AFTER_LOST_STATE);
        callsign_verifier_status status;
        CHECK_OK(callsign_stored_verifier_get_status(stored, NOW + 60, &status));
        CHECK(status.locked && status.locked_until > NOW + 60);
        CHECK_OK(callsign_stored_verifier_check(stored, "123456", NOW + 61, &verdict));
        CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_LOCKED_OUT);
    }
    callsign_stored_verifier_free(stored);
    remove(state_path);
    remove(enrollment_path);
    rmdir(dir);
    callsign_enrollment_free(enrollment);
    callsign_secret_free(secret);
    callsign_master_key_free(master);
}

static void rate_limit_refusals_are_audited(void) {
    audit_log log = {0};
    callsign_master_key *master = NULL;
    callsign_issuer *issuer = NULL;
    callsign_issuer_config config;
    CHECK_OK(callsign_master_key_generate(&master));
    CHECK_OK(callsign_issuer_config_default(&config));
    config.rate_limit_max_codes = 2;
    config.rate_limit_window_seconds = 60;
    CHECK_OK(callsign_issuer_new(master, &config, record_events, &log, &issuer));
    callsign_timed_code code;
    CHECK_OK(callsign_issuer_issue(issuer, "a-1", "agent-9", "T-1", NOW, &code));
    CHECK_OK(callsign_issuer_issue(issuer, "a-2", "agent-9", "T-2", NOW + 1, &code));
    CHECK_RC(callsign_issuer_issue(issuer, "a-3", "agent-9", "T-3", NOW + 2, &code),
             CALLSIGN_RESULT_RATE_LIMITED);
    /* The message carries core's retry time: the oldest issuance in the window plus the window. */
    char message[256], retry[64];
    size_t needed = 0;
    CHECK_OK(callsign_last_error_message(message, sizeof message, &needed));
    snprintf(retry, sizeof retry, "next code possible at %llu", (unsigned long long)(NOW + 60));
    CHECK(strstr(message, retry) != NULL);
    CHECK(atomic_load(&log.refused) == 1 && atomic_load(&log.issued) == 2);
    CHECK_OK(callsign_issuer_issue(issuer, "a-3", "agent-9", "T-3", NOW + 61, &code));
    CHECK_OK(callsign_issuer_issue(issuer, "a-4", "agent-10", "T-4", NOW + 2, &code));
    callsign_issuer_free(issuer);
    callsign_master_key_free(master);
}

/* Failures and a lock survive an export and import ("an app restart"); a lost state fails
 * closed. */
static void verifier_state_survives_a_restart(void) {
    callsign_master_key *master = NULL;
    callsign_secret *secret = NULL;
    callsign_enrollment *enrollment = NULL;
    callsign_verifier *before = NULL, *after = NULL, *fallback = NULL;
    callsign_verifier_config config;
    CHECK_OK(callsign_master_key_from_bytes(MASTER, sizeof MASTER, &master));
    CHECK_OK(callsign_account_secret(master, "customer-0001", 0, &secret));
    CHECK_OK(callsign_enrollment_new("ACME Support", "customer-0001", secret, 0, 6, 30, &enrollment));
    CHECK_OK(callsign_verifier_config_default(&config));
    CHECK_OK(callsign_verifier_new(enrollment, &config, &before));

    callsign_verdict verdict;
    CHECK_OK(callsign_verifier_check(before, "000000", NOW, &verdict));
    CHECK_OK(callsign_verifier_check(before, "000001", NOW + 1, &verdict));
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_NOT_GENUINE && verdict.attempts_left == 1);
    size_t needed = 0;
    CHECK_RC(callsign_verifier_export_state(before, NULL, 0, &needed), CALLSIGN_RESULT_INSUFFICIENT_SIZE);
    uint8_t *blob = malloc(needed);
    CHECK_OK(callsign_verifier_export_state(before, blob, needed, &needed));
    CHECK_OK(callsign_verifier_new_with_state(enrollment, &config, blob, needed, &after));
    callsign_verifier_status status;
    CHECK_OK(callsign_verifier_get_status(after, NOW + 2, &status));
    CHECK(!status.locked && status.attempts_left == 1);
    CHECK_OK(callsign_verifier_check(after, "000002", NOW + 2, &verdict));
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_LOCKED_OUT && verdict.locked_until == NOW + 2 + 900);

    /* A damaged blob is refused, and the fallback starts locked. */
    blob[needed - 1] ^= 1;
    CHECK_RC(callsign_verifier_import_state(before, blob, needed), CALLSIGN_RESULT_INVALID_STATE);
    CHECK_OK(callsign_verifier_new_locked(enrollment, &config, NOW, &fallback));
    CHECK_OK(callsign_verifier_check(fallback, "638431", NOW, &verdict));
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_LOCKED_OUT && verdict.locked_until == NOW + 900);
    /* Issue 13 finding 9: during a lock even an entry that is not UTF-8 is locked out... */
    CHECK_OK(callsign_verifier_check(fallback, "\xff\xfe" "12", NOW + 1, &verdict));
    CHECK(verdict.kind == CALLSIGN_VERDICT_KIND_LOCKED_OUT && verdict.locked_until == NOW + 900);
    /* ...and outside a lock it is an error that costs no attempt. */
    CHECK_RC(callsign_verifier_check(before, "\xff\xfe" "12", NOW + 3, &verdict), CALLSIGN_RESULT_INVALID_UTF8);
    CHECK_OK(callsign_verifier_get_status(before, NOW + 3, &status));
    CHECK(!status.locked && status.attempts_left == 1);

    free(blob);
    callsign_verifier_free(fallback);
    callsign_verifier_free(after);
    callsign_verifier_free(before);
    callsign_enrollment_free(enrollment);
    callsign_secret_free(secret);
    callsign_master_key_free(master);
}

typedef struct {
    callsign_issuer *issuer;
    int failures;
} worker_args;

static void *issue_codes(void *arg) {
    worker_args *args = arg;
    callsign_timed_code code;
    for (int i = 0; i < 50; i++) {
        char account[32];
        snprintf(account, sizeof account, "customer-%d", i % 7);
        if (callsign_issuer_issue(args->issuer, account, "batch", "load", NOW, &code) !=
            CALLSIGN_RESULT_OK) {
            args->failures++;
        }
    }
    return NULL;
}

/* One issuer shared by four threads: every code is issued and audited exactly once. */
static void issuer_is_shared_between_threads(void) {
    audit_log log = {0};
    callsign_master_key *master = NULL;
    callsign_issuer *issuer = NULL;
    callsign_issuer_config config;
    CHECK_OK(callsign_master_key_generate(&master));
    CHECK_OK(callsign_issuer_config_default(&config));
    config.rate_limit_enabled = false;
    CHECK_OK(callsign_issuer_new(master, &config, record_events, &log, &issuer));
    pthread_t threads[4];
    worker_args args[4];
    for (int t = 0; t < 4; t++) {
        args[t] = (worker_args){issuer, 0};
        CHECK(pthread_create(&threads[t], NULL, issue_codes, &args[t]) == 0);
    }
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        CHECK(args[t].failures == 0);
    }
    CHECK(atomic_load(&log.issued) == 200);
    callsign_issuer_free(issuer);
    callsign_master_key_free(master);
}

/* Removes a temporary directory holding a SQLite ledger (ledger.db and its WAL files). */
static void remove_ledger_dir(const char *dir) {
    const char *suffixes[] = {"", "-wal", "-shm"};
    char path[128];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s/ledger.db%s", dir, suffixes[i]);
        remove(path);
    }
    rmdir(dir);
}

/* A re-enrollment signed by the vendor: an app pinning the vendor's key reads it, an app pinning
 * another key refuses it, and a NULL signing key is refused before the epoch moves. */
static void signed_reenrollment_is_trusted_by_the_pinned_key_only(void) {
    char dir[] = "/tmp/callsign-c-signed-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char location[96];
    snprintf(location, sizeof location, "sqlite:%s/ledger.db", dir);
    callsign_master_key *master = NULL;
    callsign_ledger *ledger = NULL;
    callsign_issuer *issuer = NULL;
    callsign_issuer_config config;
    callsign_signing_key *vendor = NULL, *other = NULL;
    callsign_enrollment *enrollment = NULL, *read = NULL;
    uint8_t vendor_key[32], other_key[32];
    size_t needed = 0;
    uint32_t epoch = 99;
    char uri[512];
    CHECK_OK(callsign_master_key_from_bytes(MASTER, sizeof MASTER, &master));
    CHECK_OK(callsign_issuer_config_default(&config));
    CHECK_OK(callsign_ledger_open(location, 2000, &ledger));
    CHECK_OK(callsign_issuer_new_with_ledger(master, &config, ledger, &issuer));
    CHECK_OK(callsign_signing_key_generate(&vendor));
    CHECK_OK(callsign_signing_key_generate(&other));
    CHECK_OK(callsign_signing_key_public_key(vendor, vendor_key, sizeof vendor_key, &needed));
    CHECK_OK(callsign_signing_key_public_key(other, other_key, sizeof other_key, &needed));

    CHECK_RC(callsign_issuer_signed_reenroll(issuer, "ACME Support", "customer-0001", "supervisor",
                                             "new phone", NOW, NULL, &enrollment),
             CALLSIGN_RESULT_NULL_PARAMETER);
    CHECK(enrollment == NULL);
    CHECK_OK(callsign_issuer_account_epoch(issuer, "customer-0001", &epoch));
    CHECK(epoch == 0);

    CHECK_OK(callsign_issuer_signed_reenroll(issuer, "ACME Support", "customer-0001", "supervisor",
                                             "new phone", NOW, vendor, &enrollment));
    CHECK_OK(callsign_enrollment_to_uri(enrollment, uri, sizeof uri, &needed));
    CHECK(strstr(uri, "&epoch=1&") != NULL);
    CHECK(strstr(uri, "&sig=") != NULL);
    CHECK_OK(callsign_enrollment_from_uri(uri, vendor_key, sizeof vendor_key, false, &read));
    callsign_enrollment_info info;
    CHECK_OK(callsign_enrollment_get_info(read, &info));
    CHECK(info.epoch == 1);
    callsign_enrollment_free(read);
    read = NULL;
    CHECK_RC(callsign_enrollment_from_uri(uri, other_key, sizeof other_key, false, &read),
             CALLSIGN_RESULT_UNTRUSTED_ENROLLMENT);
    CHECK(read == NULL);

    callsign_enrollment_free(enrollment);
    callsign_signing_key_free(vendor);
    callsign_signing_key_free(other);
    callsign_issuer_free(issuer);
    callsign_ledger_free(ledger);
    callsign_master_key_free(master);
    remove_ledger_dir(dir);
}

/* An issuer on a SQLite ledger: revocation refuses codes on every issuer of the ledger,
 * re-enrollment moves the account to its next epoch, and the rate limit holds for a second
 * issuer opened on the same file; bad locations are typed errors. */
static void ledger_revokes_reenrolls_and_shares_the_limit(void) {
    char dir[] = "/tmp/callsign-c-ledger-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char location[96];
    snprintf(location, sizeof location, "sqlite:%s/ledger.db", dir);
    callsign_master_key *master = NULL;
    callsign_ledger *ledger = NULL, *again = NULL, *bad = NULL;
    callsign_issuer *issuer = NULL, *second = NULL;
    callsign_enrollment *enrollment = NULL;
    callsign_issuer_config config;
    callsign_timed_code code;
    uint32_t epoch = 99;
    CHECK_OK(callsign_master_key_from_bytes(MASTER, sizeof MASTER, &master));
    CHECK_OK(callsign_issuer_config_default(&config));
    config.rate_limit_max_codes = 2;
    CHECK_OK(callsign_ledger_open(location, 2000, &ledger));
    CHECK_OK(callsign_issuer_new_with_ledger(master, &config, ledger, &issuer));
    callsign_ledger_free(ledger); /* the issuer keeps the ledger open */

    CHECK_OK(callsign_issuer_revoke(issuer, "customer-0001", "supervisor", "phone lost", NOW));
    CHECK_RC(callsign_issuer_issue(issuer, "customer-0001", "agent-7", "T-1", NOW, &code),
             CALLSIGN_RESULT_ACCOUNT_REVOKED);
    CHECK_OK(callsign_issuer_reenroll(issuer, "ACME Support", "customer-0001", "supervisor",
                                      "new phone", NOW, &enrollment));
    CHECK_OK(callsign_issuer_account_epoch(issuer, "customer-0001", &epoch));
    CHECK(epoch == 1);
    CHECK_OK(callsign_issuer_issue(issuer, "customer-0001", "agent-7", "T-2", NOW, &code));

    CHECK_OK(callsign_ledger_open(location, 2000, &again));
    CHECK_OK(callsign_issuer_new_with_ledger(master, &config, again, &second));
    CHECK_OK(callsign_issuer_issue(second, "customer-0002", "agent-7", "T-3", NOW, &code));
    CHECK_RC(callsign_issuer_issue(second, "customer-0003", "agent-7", "T-4", NOW, &code),
             CALLSIGN_RESULT_RATE_LIMITED);

    CHECK_RC(callsign_ledger_open("mysql://x", 2000, &bad), CALLSIGN_RESULT_INVALID_CONFIG);
    CHECK_RC(callsign_ledger_open(location, 0, &bad), CALLSIGN_RESULT_INVALID_CONFIG);
    CHECK_RC(callsign_ledger_open("sqlite:/nonexistent/dir/ledger.db", 2000, &bad),
             CALLSIGN_RESULT_STORE_UNAVAILABLE);
    CHECK(bad == NULL);

    callsign_enrollment_free(enrollment);
    callsign_issuer_free(second);
    callsign_ledger_free(again);
    callsign_issuer_free(issuer);
    callsign_master_key_free(master);
    remove_ledger_dir(dir);
}

/* Issue 13 finding 9: an issuer or account holding %00 came out of the C getters cut at the
 * NUL. Decoded text with a NUL is refused in core, so no getter ever sees one. */
static void nul_in_decoded_text_is_refused(void) {
    static const char *const uris[] = {
        "callsign://enroll?v=1&issuer=ACME%00Support&account=customer-0001&secret="
        "7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30",
        "callsign://enroll?v=1&issuer=ACME%20Support&account=customer%000001&secret="
        "7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30",
    };
    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++) {
        callsign_enrollment *enrollment = NULL;
        CHECK_RC(callsign_enrollment_parse(uris[i], &enrollment), CALLSIGN_RESULT_INVALID_URI);
        CHECK(enrollment == NULL);
        char detail[256];
        size_t needed = 0;
        CHECK_OK(callsign_last_error_message(detail, sizeof detail, &needed));
        CHECK(strstr(detail, "NUL") != NULL);
    }
    callsign_otpauth *otpauth = NULL;
    CHECK_RC(callsign_otpauth_parse("otpauth://totp/ACME:john%00doe?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", &otpauth),
             CALLSIGN_RESULT_INVALID_URI);
}

/* Reads the file at `path` into `lines` (at most `max` lines of up to 511 bytes); the count. */
static int read_lines(const char *path, char lines[][512], int max) {
    FILE *file = fopen(path, "r");
    int count = 0;
    if (file == NULL) {
        return 0;
    }
    while (count < max && fgets(lines[count], 512, file) != NULL) {
        count++;
    }
    fclose(file);
    return count;
}

/* Writes `count` lines to `path`, skipping the line at index `skip` (-1: none). */
static void write_lines(const char *path, char lines[][512], int count, int skip) {
    FILE *file = fopen(path, "w");
    if (!CHECK(file != NULL)) {
        return;
    }
    for (int i = 0; i < count; i++) {
        if (i != skip) {
            fputs(lines[i], file);
        }
    }
    fclose(file);
}

/* An issuer auditing to a JSON-lines file: the chain verifies, and a deleted, an altered and a
 * reordered record are each found at their line. */
static void audit_file_chain_finds_tampering(void) {
    char dir[] = "/tmp/callsign-c-audit-XXXXXX";
    if (!CHECK(mkdtemp(dir) != NULL)) {
        return;
    }
    char path[256], tampered[256];
    snprintf(path, sizeof path, "%s/audit.jsonl", dir);
    snprintf(tampered, sizeof tampered, "%s/tampered.jsonl", dir);
    callsign_master_key *master = NULL;
    callsign_issuer *issuer = NULL;
    callsign_issuer_config config;
    CHECK_OK(callsign_master_key_from_bytes(MASTER, sizeof MASTER, &master));
    CHECK_OK(callsign_issuer_config_default(&config));
    CHECK_RC(callsign_issuer_new_with_audit_file(master, &config, "", &issuer),
             CALLSIGN_RESULT_IO_FAILED);
    CHECK(issuer == NULL);
    CHECK_RC(callsign_issuer_new_with_audit_file(master, &config, dir, &issuer),
             CALLSIGN_RESULT_IO_FAILED);
    CHECK_OK(callsign_issuer_new_with_audit_file(master, &config, path, &issuer));
    callsign_timed_code code;
    /* Lines 1, 3, 5: agent-7; 2, 4, 6: agent-8. */
    for (uint64_t step = 0; step < 3; step++) {
        CHECK_OK(callsign_issuer_issue(issuer, "customer-0001", "agent-7", "T-1", NOW + 30 * step, &code));
        CHECK_OK(callsign_issuer_issue(issuer, "customer-0002", "Agent-8", "T-2", NOW + 30 * step, &code));
    }
    callsign_issuer_free(issuer);

    callsign_audit_verification found;
    char reason[512];
    size_t needed = 0;
    CHECK_OK(callsign_audit_verify_file(path, &found, reason, sizeof reason, &needed));
    CHECK(found.intact && found.records == 6 && found.agents == 2 && found.broken_line == 0);
    CHECK_STR(reason, "");

    char lines[8][512];
    int count = read_lines(path, lines, 8);
    CHECK(count == 6);
    CHECK(strstr(lines[1], "\"agent_id\":\"agent-8\"") != NULL); /* canonical form */

    write_lines(tampered, lines, count, 2); /* delete agent-7's second record */
    CHECK_OK(callsign_audit_verify_file(tampered, &found, reason, sizeof reason, &needed));
    CHECK(!found.intact && found.broken_line == 4 && found.records == 3);
    CHECK(strstr(reason, "agent-7") != NULL);

    char saved[512];
    memcpy(saved, lines[3], sizeof saved);
    char *ticket = strstr(lines[3], "T-2");
    if (CHECK(ticket != NULL)) {
        ticket[2] = '9'; /* alter agent-8's second record */
    }
    write_lines(tampered, lines, count, -1);
    CHECK_OK(callsign_audit_verify_file(tampered, &found, NULL, 0, NULL));
    CHECK(!found.intact && found.broken_line == 4);
    memcpy(lines[3], saved, sizeof saved);

    char first[512];
    memcpy(first, lines[0], sizeof first);
    memcpy(lines[0], lines[2], sizeof first); /* reorder agent-7's first two records */
    memcpy(lines[2], first, sizeof first);
    write_lines(tampered, lines, count, -1);
    CHECK_OK(callsign_audit_verify_file(tampered, &found, NULL, 0, NULL));
    CHECK(!found.intact && found.broken_line == 1);

    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing.jsonl", dir);
    CHECK_RC(callsign_audit_verify_file(missing, &found, NULL, 0, NULL), CALLSIGN_RESULT_IO_FAILED);
    remove(tampered);
    remove(path);
    rmdir(dir);
    callsign_master_key_free(master);
}

void suite_api(void) {
    freeing_null_is_a_no_op();
    failed_constructors_leave_null();
    secrets_round_trip();
    otpauth_builds_emits_and_parses();
    issued_code_is_genuine_on_the_device();
    rate_limit_refusals_are_audited();
    forged_and_unsigned_enrollments_are_refused();
    deleting_the_state_after_a_lock_keeps_the_lock();
    verifier_state_survives_a_restart();
    nul_in_decoded_text_is_refused();
    issuer_is_shared_between_threads();
    ledger_revokes_reenrolls_and_shares_the_limit();
    signed_reenrollment_is_trusted_by_the_pinned_key_only();
    audit_file_chain_finds_tampering();
}
