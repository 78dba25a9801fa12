package dev.callsign

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.util.concurrent.atomic.AtomicLong
import kotlin.reflect.KClass

/** The enrollment of the protocol's reference account (master 0x00..0x1f, "customer-0001"). */
const val REFERENCE_URI =
    "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001" +
        "&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30"

/** The reference enrollment signed with protocol Addition C's reference key (seed 0x20..0x3f). */
const val SIGNED_REFERENCE_URI = REFERENCE_URI +
    "&sig=L8G5Ekv02vc-IBsPXyMfaNdKoco-iDMtO_Eml77Tk7xY74WRgwO-ro3x-STRGlt5--oF2OBRftRid8AWcvc2Cg"

/** Addition C's reference public key, as an app pins it. */
val VENDOR_KEY: ByteArray = hex("29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7")

/** Reads an enrollment with signatures ignored (tests only; apps pin the vendor's keys). */
fun unsignedEnrollment(uri: String): Enrollment = Enrollment.fromUri(uri, emptyList(), true)

/** The shared conformance vectors, from the path the Maven build passes in. */
val vectors: JSONObject by lazy {
    val path = System.getProperty("callsign.vectors")
        ?: error("system property callsign.vectors is not set")
    JSONObject(File(path).readText())
}

/** The cases of one section of the vectors. */
fun section(name: String): List<JSONObject> {
    val cases: JSONArray = vectors.getJSONArray(name)
    return (0 until cases.length()).map { cases.getJSONObject(it) }
}

/** Lower-case hex to bytes. */
fun hex(text: String): ByteArray =
    ByteArray(text.length / 2) { text.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

/** A JSON integer as an unsigned 64-bit value (the vectors use the whole u64 range). */
fun JSONObject.u64(key: String): ULong = getBigInteger(key).toString().toULong()

/** A JSON integer as an unsigned 32-bit value. */
fun JSONObject.u32(key: String): UInt = getBigInteger(key).toString().toUInt()

/** The exception class for each error kind name of the vectors that the mobile API can raise. */
val exceptionForKind: Map<String, KClass<out CallsignException>> = mapOf(
    "invalid_digits" to CallsignException.InvalidDigits::class,
    "invalid_period" to CallsignException.InvalidPeriod::class,
    "time_before_epoch" to CallsignException.TimeBeforeEpoch::class,
    "overflow" to CallsignException.Overflow::class,
    "invalid_config" to CallsignException.InvalidConfig::class,
    "invalid_secret_length" to CallsignException.InvalidSecretLength::class,
    "invalid_base32" to CallsignException.InvalidBase32::class,
    "unsupported_algorithm" to CallsignException.UnsupportedAlgorithm::class,
    "invalid_code" to CallsignException.InvalidCode::class,
    "invalid_uri" to CallsignException.InvalidUri::class,
    "invalid_identifier" to CallsignException.InvalidIdentifier::class,
    "invalid_state" to CallsignException.InvalidState::class,
    "random_unavailable" to CallsignException.RandomUnavailable::class,
    "invalid_signing_key" to CallsignException.InvalidSigningKey::class,
    "untrusted_enrollment" to CallsignException.UntrustedEnrollment::class,
    "storage_failed" to CallsignException.StorageFailed::class,
)

/** Runs [block], expecting the exception of error kind [kind] with a non-empty message. */
fun assertFailsWithKind(kind: String, block: () -> Unit): CallsignException =
    assertFailsWithClass(exceptionForKind[kind] ?: error("the mobile API has no exception for $kind"), block)

/** Runs [block], expecting a [T] with a non-empty message. */
inline fun <reified T : CallsignException> assertCallsignError(noinline block: () -> Unit): T =
    assertFailsWithClass(T::class, block) as T

/** Runs [block], expecting an [expected] with a non-empty message. */
fun assertFailsWithClass(expected: KClass<out CallsignException>, block: () -> Unit): CallsignException {
    val thrown = assertThrows<CallsignException> { block() }
    assertTrue(expected.isInstance(thrown)) {
        "expected ${expected.simpleName}, got ${thrown::class.simpleName}: ${thrown.message}"
    }
    assertFalse(thrown.message.isNullOrBlank()) { "${thrown::class.simpleName} has no message" }
    return thrown
}

/** A clock the test sets by hand; the Kotlin side of the foreign `Clock` trait. */
class ManualClock(start: ULong) : Clock {
    private val seconds = AtomicLong(start.toLong())

    override fun now(): ULong = seconds.get().toULong()

    /** Moves the clock forward. */
    fun advance(by: ULong) {
        seconds.addAndGet(by.toLong())
    }
}
