/* The C API end to end: handle lifecycles, the issuer with its audit callback and rate limit,
 * enrollment, the verifier in entry and display mode with persisted state, otpauth round
 * trips, handles shared between threads, and issuers on a SQLite ledger. */
#define _DEFAULT_SOURCE /* mkdtemp, rmdir */
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
    callsign_secret_free(NULL);
    callsign_hotp_key_free(NULL);
    callsign_totp_key_free(NULL);
    callsign_otpauth_free(NULL);
    callsign_master_key_free(NULL);
    callsign_issuer_free(NULL);
    callsign_enrollment_free(NULL);
    callsign_verifier_free(NULL);
    CHECK(true);
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
    const char *suffixes[] = {"", "-wal", "-shm"};
    char path[128];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s/ledger.db%s", dir, suffixes[i]);
        remove(path);
    }
    rmdir(dir);
}

void suite_api(void) {
    freeing_null_is_a_no_op();
    failed_constructors_leave_null();
    secrets_round_trip();
    otpauth_builds_emits_and_parses();
    issued_code_is_genuine_on_the_device();
    rate_limit_refusals_are_audited();
    verifier_state_survives_a_restart();
    issuer_is_shared_between_threads();
    ledger_revokes_reenrolls_and_shares_the_limit();
}
