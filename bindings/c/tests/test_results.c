/* callsign_result: messages, names, the last-error detail and caller-buffer sizing. */
#include <string.h>

#include "check.h"

void suite_results(void) {
    char text[128];
    size_t needed = 0;

    CHECK_OK(callsign_result_message(CALLSIGN_RESULT_INVALID_BASE32, text, sizeof text, &needed));
    CHECK_STR(text, "the base32 text has a bad character, length or padding");
    CHECK(needed == strlen(text) + 1);

    /* Asking for the size first, then a buffer of exactly that size. */
    CHECK_RC(callsign_result_message(CALLSIGN_RESULT_OK, NULL, 0, &needed),
             CALLSIGN_RESULT_INSUFFICIENT_SIZE);
    CHECK(needed == sizeof "success");
    char exact[sizeof "success"];
    CHECK_OK(callsign_result_message(CALLSIGN_RESULT_OK, exact, needed, &needed));
    CHECK_STR(exact, "success");

    /* A short buffer is left untouched. */
    memset(text, 'x', sizeof text);
    CHECK_RC(callsign_result_message(CALLSIGN_RESULT_OK, text, 7, &needed),
             CALLSIGN_RESULT_INSUFFICIENT_SIZE);
    CHECK(text[0] == 'x' && text[6] == 'x');

    /* An empty output needs no buffer at all. */
    CHECK_OK(callsign_base32_decode("", NULL, 0, &needed));
    CHECK(needed == 0);
    /* A byte output reports its size the same way. */
    uint8_t bytes[4] = {0xaa, 0xaa, 0xaa, 0xaa};
    CHECK_RC(callsign_base32_decode("MZXW6YQ", bytes, 3, &needed), CALLSIGN_RESULT_INSUFFICIENT_SIZE);
    CHECK(needed == 4 && bytes[0] == 0xaa);
    CHECK_OK(callsign_base32_decode("MZXW6YQ", bytes, needed, &needed));
    CHECK(memcmp(bytes, "foob", 4) == 0);

    CHECK_RC(callsign_result_message(7, text, sizeof text, &needed),
             CALLSIGN_RESULT_INVALID_ARGUMENT);
    CHECK_STR(callsign_result_name(CALLSIGN_RESULT_RATE_LIMITED), "rate_limited");
    CHECK_STR(callsign_result_name(12345), "unknown_result");

    /* The detail of the last failure names the problem; a short buffer keeps it for a retry. */
    CHECK_RC(callsign_result_message(CALLSIGN_RESULT_OK, text, sizeof text, NULL),
             CALLSIGN_RESULT_NULL_PARAMETER);
    CHECK_RC(callsign_last_error_message(text, 4, &needed), CALLSIGN_RESULT_INSUFFICIENT_SIZE);
    CHECK_OK(callsign_last_error_message(text, sizeof text, &needed));
    CHECK(strstr(text, "out_needed") != NULL);

    CHECK(strlen(callsign_version()) >= 5);
}
