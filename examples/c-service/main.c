/* callsign-agent: the agent side of a support call, as a small C service.
 *
 * Reads customer account ids from stdin, one per line, and prints the code the agent reads
 * to the customer:   ACCOUNT <TAB> CODE <TAB> GROUPED <TAB> valid for N s
 * Every issuance is appended to the audit file as a JSON line before the code is printed.
 *
 * Usage: callsign-agent --master-key FILE --audit-file FILE --agent ID --ticket TICKET
 *                       [--time UNIX_SECONDS]
 * The master key file holds the vendor's master key as hex (64 to 128 hex digits).
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <callsign.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Appends each event as a JSON line and syncs the file; false stops the code from going out. */
static bool append_to_audit_file(void *user_data, const callsign_audit_event *events, size_t count) {
    FILE *audit = user_data;
    for (size_t i = 0; i < count; i++) {
        if (fprintf(audit, "%s\n", events[i].json) < 0) return false;
    }
    return fflush(audit) == 0 && fsync(fileno(audit)) == 0;
}

/* Prints what went wrong in the last callsign call, with its stable name. */
static void report(const char *what, const char *subject, callsign_result result) {
    char detail[256] = "";
    size_t needed = 0;
    (void)callsign_last_error_message(detail, sizeof detail, &needed);
    fprintf(stderr, "callsign-agent: %s \"%s\": %s (%s)\n", what, subject, detail,
            callsign_result_name(result));
}

/* Reads the hex master key from `path` into a new handle. */
static callsign_result load_master_key(const char *path, callsign_master_key **out) {
    FILE *file = fopen(path, "r");
    if (!file) {
        fprintf(stderr, "callsign-agent: %s: %s\n", path, strerror(errno));
        return CALLSIGN_RESULT_INVALID_MASTER_KEY;
    }
    uint8_t key[64];
    size_t len = 0;
    unsigned byte;
    while (len < sizeof key && fscanf(file, "%2x", &byte) == 1) key[len++] = (uint8_t)byte;
    fclose(file);
    callsign_result result = callsign_master_key_from_bytes(key, len, out);
    explicit_bzero(key, sizeof key);
    return result;
}

static const char usage[] = "usage: callsign-agent --master-key FILE --audit-file FILE --agent ID "
                            "--ticket TICKET [--time UNIX_SECONDS]\n";

/* Reads a unix time: decimal digits only, no sign, no spaces, no overflow. */
static bool parse_time(const char *text, uint64_t *out) {
    if (text[0] < '0' || text[0] > '9') return false;
    errno = 0;
    char *end = NULL;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = (uint64_t)value;
    return true;
}

int main(int argc, char **argv) {
    const char *key_path = NULL, *audit_path = NULL, *agent = NULL, *ticket = NULL;
    uint64_t now = (uint64_t)time(NULL);
    for (int i = 1; i < argc; i += 2) {
        const char *option = argv[i];
        if (strcmp(option, "--help") == 0 || strcmp(option, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "callsign-agent: %s needs a value\n%s", option, usage);
            return 2;
        }
        const char *value = argv[i + 1];
        if (strcmp(option, "--master-key") == 0) key_path = value;
        else if (strcmp(option, "--audit-file") == 0) audit_path = value;
        else if (strcmp(option, "--agent") == 0) agent = value;
        else if (strcmp(option, "--ticket") == 0) ticket = value;
        else if (strcmp(option, "--time") == 0) {
            if (!parse_time(value, &now)) {
                fprintf(stderr,
                        "callsign-agent: --time: \"%s\" is not a unix time (decimal seconds from "
                        "0 to 18446744073709551615)\n", value);
                return 2;
            }
        } else {
            fprintf(stderr, "callsign-agent: unknown option \"%s\"\n%s", option, usage);
            return 2;
        }
    }
    if (!key_path || !audit_path || !agent || !ticket) {
        fprintf(stderr, "callsign-agent: --master-key, --audit-file, --agent and --ticket are required\n%s",
                usage);
        return 2;
    }

    callsign_master_key *master = NULL;
    callsign_issuer *issuer = NULL;
    callsign_issuer_config config;
    FILE *audit = fopen(audit_path, "a");
    if (!audit) {
        fprintf(stderr, "callsign-agent: %s: %s\n", audit_path, strerror(errno));
        return 1;
    }
    callsign_result result = load_master_key(key_path, &master);
    if (result == CALLSIGN_RESULT_OK) result = callsign_issuer_config_default(&config);
    if (result == CALLSIGN_RESULT_OK) {
        result = callsign_issuer_new(master, &config, append_to_audit_file, audit, &issuer);
    }
    callsign_master_key_free(master);
    if (result != CALLSIGN_RESULT_OK) {
        report("setup with master key", key_path, result);
        fclose(audit);
        return 1;
    }

    int failures = 0;
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = '\0';
        callsign_timed_code code;
        result = callsign_issuer_issue(issuer, line, agent, ticket, now, &code);
        if (result == CALLSIGN_RESULT_OK) {
            printf("%s\t%s\t%s\tvalid for %llu s\n", line, code.code, code.grouped,
                   (unsigned long long)code.seconds_remaining);
        } else {
            report("account", line, result);
            failures++;
        }
    }
    callsign_issuer_free(issuer);
    fclose(audit);
    return failures == 0 ? 0 : 1;
}
