package dev.callsign

import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import kotlin.reflect.KClass

/** Bad input through every entry point: each gets its own typed exception with a message. */
class BadInputTest {
    private class BadInput(
        val name: String,
        val expected: KClass<out CallsignException>,
        val call: () -> Unit,
    )

    private val secret = Secret.fromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    private val enrollment = unsignedEnrollment(REFERENCE_URI)
    private val config = defaultVerifierConfig()
    private val verifier = Verifier(enrollment, config)
    private val totp = Totp(secret, Algorithm.SHA1, 6u, 30u, 1000u)
    private val now = 1_764_355_200UL

    private fun enrollmentWith(parameter: String, value: String) =
        REFERENCE_URI.replace(Regex("$parameter=[^&]*"), "$parameter=$value")

    private val badInputs = listOf(
        BadInput("15-byte secret", CallsignException.InvalidSecretLength::class) { Secret.fromBytes(ByteArray(15)) },
        BadInput("1025-byte secret", CallsignException.InvalidSecretLength::class) { Secret.fromBytes(ByteArray(1025)) },
        BadInput("80-bit base32 secret", CallsignException.InvalidSecretLength::class) { Secret.fromBase32("GEZDGNBVGY3TQOJQ") },
        BadInput("base32 with a 1", CallsignException.InvalidBase32::class) { Secret.fromBase32("GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ") },
        BadInput("base32 with padding inside", CallsignException.InvalidBase32::class) { base32Decode("MZ=XW") },
        BadInput("base32 of impossible length", CallsignException.InvalidBase32::class) { base32Decode("MZX") },
        BadInput("algorithm MD5", CallsignException.UnsupportedAlgorithm::class) { parseAlgorithm("MD5") },
        BadInput("HOTP with 5 digits", CallsignException.InvalidDigits::class) { Hotp(secret, Algorithm.SHA1, 5u) },
        BadInput("TOTP with 9 digits", CallsignException.InvalidDigits::class) { Totp(secret, Algorithm.SHA256, 9u, 30u) },
        BadInput("TOTP with period 0", CallsignException.InvalidPeriod::class) { Totp(secret, Algorithm.SHA1, 6u, 0u) },
        BadInput("TOTP before T0", CallsignException.TimeBeforeEpoch::class) { totp.codeAt(999u) },
        BadInput("TOTP window of 200 steps", CallsignException.InvalidConfig::class) { totp.verify("123456", 5000u, Window(100u, 100u)) },
        BadInput("TOTP entry with a letter", CallsignException.InvalidCode::class) { totp.verify("12345a", 5000u, Window(1u, 1u)) },
        BadInput("HOTP entry too short", CallsignException.InvalidCode::class) { Hotp(secret, Algorithm.SHA1, 6u).verify("12345", 0u, Window(0u, 3u)) },
        BadInput("entry with a dot", CallsignException.InvalidCode::class) { parseEntry("482.913", 6u) },
        BadInput("entry of Arabic-Indic digits", CallsignException.InvalidCode::class) { parseEntry("٤٨٢٩١٣", 6u) },
        BadInput("entry for 9 digits", CallsignException.InvalidDigits::class) { parseEntry("482913", 9u) },
        BadInput("empty enrollment URI", CallsignException.InvalidUri::class) { unsignedEnrollment("") },
        BadInput("otpauth URI as enrollment", CallsignException.InvalidUri::class) { unsignedEnrollment("otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") },
        BadInput("enrollment version 2", CallsignException.InvalidUri::class) { unsignedEnrollment(enrollmentWith("v", "2")) },
        BadInput("enrollment with an unknown parameter", CallsignException.InvalidUri::class) { unsignedEnrollment("$REFERENCE_URI&color=red") },
        BadInput("enrollment with a duplicated parameter", CallsignException.InvalidUri::class) { unsignedEnrollment("$REFERENCE_URI&epoch=1") },
        BadInput("enrollment epoch above u32", CallsignException.InvalidUri::class) { unsignedEnrollment(enrollmentWith("epoch", "4294967296")) },
        BadInput("enrollment with 5 digits", CallsignException.InvalidDigits::class) { unsignedEnrollment(enrollmentWith("digits", "5")) },
        BadInput("enrollment with period 5", CallsignException.InvalidPeriod::class) { unsignedEnrollment(enrollmentWith("period", "5")) },
        BadInput("enrollment with bad base32", CallsignException.InvalidBase32::class) { unsignedEnrollment(enrollmentWith("secret", "GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ")) },
        BadInput("enrollment with empty account", CallsignException.InvalidIdentifier::class) { unsignedEnrollment(enrollmentWith("account", "")) },
        BadInput("enrollment with a 257-byte account", CallsignException.InvalidIdentifier::class) { Enrollment("ACME", "x".repeat(257), secret, 0u, 6u, 30u, false) },
        BadInput("enrollment with an empty issuer", CallsignException.InvalidUri::class) { Enrollment("", "customer", secret, 0u, 6u, 30u, false) },
        BadInput("verifier with max_failures 0", CallsignException.InvalidConfig::class) { Verifier(enrollment, config.copy(maxFailures = 0u)) },
        BadInput("verifier with max_failures 21", CallsignException.InvalidConfig::class) { Verifier(enrollment, config.copy(maxFailures = 21u)) },
        BadInput("verifier with lockout 0 s", CallsignException.InvalidConfig::class) { Verifier(enrollment, config.copy(lockoutSeconds = 0u)) },
        BadInput("verifier with a 31-day lockout", CallsignException.InvalidConfig::class) { Verifier(enrollment, config.copy(lockoutSeconds = 31UL * 86_400UL)) },
        BadInput("verifier with a 102-step window", CallsignException.InvalidConfig::class) { Verifier.fromUri(REFERENCE_URI, emptyList(), true, config.copy(window = Window(51u, 51u))) },
        BadInput("verifier entry with a letter", CallsignException.InvalidCode::class) { verifier.check("63843l", now) },
        BadInput("verifier entry with 7 digits", CallsignException.InvalidCode::class) { verifier.check("6384310", now) },
        BadInput("verifier entry with a trailing dash", CallsignException.InvalidCode::class) { verifier.check("638431-", now) },
        BadInput("empty verifier entry", CallsignException.InvalidCode::class) { verifier.check("", now) },
        BadInput("display at the end of time", CallsignException.Overflow::class) { verifier.display(ULong.MAX_VALUE) },
        BadInput("empty state blob", CallsignException.InvalidState::class) { Verifier.withState(enrollment, config, ByteArray(0)) },
        BadInput("random state blob", CallsignException.InvalidState::class) { verifier.importState(ByteArray(64) { it.toByte() }) },
        BadInput("truncated state blob", CallsignException.InvalidState::class) { verifier.importState(verifier.exportState().copyOf(20)) },
        BadInput("otpauth with another scheme", CallsignException.InvalidUri::class) { OtpAuthUri.parse("http://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") },
        BadInput("otpauth with algorithm MD5", CallsignException.UnsupportedAlgorithm::class) { OtpAuthUri.parse("otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=MD5") },
        BadInput("TOTP generator of an HOTP account", CallsignException.InvalidUri::class) { OtpAuthUri.parse("otpauth://hotp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0").toTotp() },
        BadInput("unsigned enrollment under a pinned key", CallsignException.UntrustedEnrollment::class) { Enrollment.fromUri(REFERENCE_URI, listOf(VENDOR_KEY), false) },
        BadInput("enrollment with no keys, unsigned not allowed", CallsignException.UntrustedEnrollment::class) { Verifier.fromUri(SIGNED_REFERENCE_URI, emptyList(), false, config) },
        BadInput("enrollment with a malformed signature", CallsignException.UntrustedEnrollment::class) { Enrollment.fromUri("$REFERENCE_URI&sig=short", listOf(VENDOR_KEY), false) },
        BadInput("pinned keys and allowUnsigned together", CallsignException.InvalidConfig::class) { Enrollment.fromUri(SIGNED_REFERENCE_URI, listOf(VENDOR_KEY), true) },
        BadInput("pinned key of 33 bytes", CallsignException.InvalidSigningKey::class) { Enrollment.fromUri(SIGNED_REFERENCE_URI, listOf(ByteArray(33)), false) },
        BadInput("stored verifier in a file, not a directory", CallsignException.StorageFailed::class) { openStoredVerifier("/dev/null", config, now) },
    )

    @TestFactory
    fun `bad input throws its own exception type`(): List<DynamicTest> {
        assertTrue(badInputs.size >= 25)
        return badInputs.map { input ->
            dynamicTest(input.name) { assertFailsWithClass(input.expected, input.call) }
        }
    }
}
