package dev.callsign

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.nio.ByteBuffer
import java.util.Random
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * Two-way verification on the device (protocol Additions A and B): customer codes and
 * check-digit codes of the vectors, Damm check digits, misheard entries, and 10,000 random
 * codes against an independent computation written here from the specification. The
 * vendor-side sections (customer_check_sequences) need an issuer, which the mobile API does
 * not have: the master key never reaches a device.
 */
class TwoWayTest {
    private fun cases(section: String, name: (JSONObject) -> String, check: (JSONObject) -> Unit) =
        section(section).map { case -> dynamicTest("$section: ${name(case)}") { check(case) } }

    private fun verifier(secret: ByteArray, digits: UInt, period: ULong, checkDigit: Boolean) =
        Verifier(
            Enrollment("Vectors", "vectors", Secret.fromBytes(secret), 0u, digits, period, checkDigit),
            defaultVerifierConfig(),
        )

    /** The code of a case as the device shows it: display mode (agent) or the customer code. */
    private fun shown(case: JSONObject): TimedCode {
        val verifier = verifier(
            hex(case.getString("account_secret_hex")),
            case.u32("digits"),
            case.u64("period"),
            case.getBoolean("check_digit"),
        )
        val time = case.u64("time")
        return if (case.getString("direction") == "agent") verifier.display(time) else verifier.customerCode(time)
    }

    private fun codeCase(case: JSONObject) {
        val code = shown(case)
        assertEquals(case.getString("code"), code.code(), case.getString("name"))
        assertEquals(case.getString("grouped"), code.grouped())
        assertEquals(case.u64("step"), code.step())
        assertEquals(case.u64("seconds_remaining"), code.secondsRemaining())
        if (case.has("customer_key_hex")) {
            val key = hkdfSha256("callsign v1 code".toByteArray(), hex(case.getString("account_secret_hex")), "customer-to-agent".toByteArray())
            assertEquals(case.getString("customer_key_hex"), key.joinToString("") { "%02x".format(it) })
        }
    }

    @TestFactory
    fun customerCodes(): List<DynamicTest> = cases("customer_codes", { it.getString("name") }, ::codeCase)

    @TestFactory
    fun checkDigitCodes(): List<DynamicTest> = cases("check_digit_codes", { it.getString("name") }, ::codeCase)

    @TestFactory
    fun damm(): List<DynamicTest> = cases("damm", { it.getString("digits") }) { case ->
        assertEquals(case.getInt("check_digit"), damm(case.getString("digits")))
    }

    /** An entry for an account with a check digit, checked by the device: misheard, an error, or a verdict. */
    @TestFactory
    fun checkDigitEntries(): List<DynamicTest> = cases("check_digit_entries", { it.getString("entry") }) { case ->
        val verifier = verifier(ByteArray(32) { it.toByte() }, case.u32("digits"), 30u, true)
        val entry = case.getString("entry")
        when {
            case.has("error") -> assertFailsWithKind(case.getString("error")) { verifier.check(entry, 59u) }
            case.has("misheard") -> assertEquals(Verdict.Misheard, verifier.check(entry, 59u))
            else -> assertTrue(verifier.check(entry, 59u) !is Verdict.Misheard)
        }
    }

    @Test
    fun `the vectors hold every reference value of Additions A and B`() {
        val codes = (section("customer_codes") + section("check_digit_codes"))
            .map { Triple(it.getString("direction"), it.u64("time"), it.getString("code")) }.toSet()
        for (reference in listOf(
            Triple("customer", 59uL, "246206"), Triple("customer", 1111111109uL, "074414"),
            Triple("customer", 2000000000uL, "150280"), Triple("customer", 59uL, "979040"),
            Triple("customer", 59uL, "2462065"), Triple("agent", 59uL, "9134417"),
            Triple("agent", 1111111109uL, "9817974"), Triple("agent", 2000000000uL, "0516280"),
            Triple("agent", 1764355200uL, "046594768"),
        )) {
            assertTrue(reference in codes, reference.toString())
        }
        assertEquals(4, damm("572"))
    }

    @Test
    fun `10,000 random customer and check-digit codes agree with the specification`() {
        val random = Random(16)
        repeat(10_000) {
            val secret = ByteArray(32).also(random::nextBytes)
            val digits = 6 + random.nextInt(3)
            val period = 10L + random.nextInt(291)
            val time = Math.floorMod(random.nextLong(), 5_000_000_000L)
            val checkDigit = random.nextBoolean()
            val verifier = verifier(secret, digits.toUInt(), period.toULong(), checkDigit)
            assertEquals(
                specCode(secret, "customer-to-agent", time, digits, period, checkDigit),
                verifier.customerCode(time.toULong()).code(),
            )
            assertEquals(
                specCode(secret, "agent-to-customer", time, digits, period, checkDigit),
                verifier.display(time.toULong()).code(),
            )
        }
    }

    private companion object {
        val DAMM_ROWS = listOf(
            "0317598642", "7092154863", "4206871359", "1750983426", "6123045978",
            "3674209581", "5869720134", "8945362017", "9438617205", "2581436790",
        )

        fun damm(digits: String): Int = digits.fold(0) { interim, digit -> DAMM_ROWS[interim][digit - '0'] - '0' }

        fun hmacSha256(key: ByteArray, data: ByteArray): ByteArray =
            Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(key, "HmacSHA256")) }.doFinal(data)

        fun hkdfSha256(salt: ByteArray, ikm: ByteArray, info: ByteArray): ByteArray =
            hmacSha256(hmacSha256(salt, ikm), info + byteArrayOf(1))

        fun specCode(secret: ByteArray, info: String, time: Long, digits: Int, period: Long, checkDigit: Boolean): String {
            val key = hkdfSha256("callsign v1 code".toByteArray(), secret, info.toByteArray())
            val tag = hmacSha256(key, ByteBuffer.allocate(8).putLong(time / period).array())
            val offset = tag[tag.size - 1].toInt() and 0x0f
            val value = ByteBuffer.wrap(tag, offset, 4).int and 0x7fffffff
            var modulus = 1
            repeat(digits) { modulus *= 10 }
            val code = (value % modulus).toString().padStart(digits, '0')
            return if (checkDigit) code + damm(code) else code
        }
    }
}
