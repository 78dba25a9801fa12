package dev.callsign

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File

/**
 * The frozen verifier state blobs of tests/vectors/verifier-state.json (layout in
 * docs/protocol.md): they import with the expected status, the entries of each case export
 * exactly its bytes, and the refused ones throw `InvalidState`.
 */
class StateBlobTest {
    private val fixture: JSONObject by lazy {
        val vectorPath = System.getProperty("callsign.vectors")
            ?: error("system property callsign.vectors is not set")
        JSONObject(File(vectorPath).resolveSibling("verifier-state.json").readText())
    }

    private val config: VerifierConfig by lazy {
        fixture.getJSONObject("config").let {
            VerifierConfig(Window(it.u64("behind"), it.u64("ahead")), it.u32("max_failures"), it.u64("lockout_seconds"))
        }
    }

    private fun list(name: String): List<JSONObject> {
        val cases: JSONArray = fixture.getJSONArray(name)
        return (0 until cases.length()).map { cases.getJSONObject(it) }
    }

    private fun JSONObject.u64OrNull(key: String): ULong? = if (isNull(key)) null else u64(key)

    private fun enrollment(uri: String): Enrollment = unsignedEnrollment(uri)

    @TestFactory
    fun `frozen and version 1 blobs import`(): List<DynamicTest> =
        (list("blobs") + list("v1_blobs")).map { case ->
            dynamicTest(case.getString("name")) {
                val verifier = Verifier.withState(
                    enrollment(fixture.getString("enrollment_uri")),
                    config,
                    hex(case.getString("blob_hex")),
                )
                val want = case.getJSONObject("status")
                assertEquals(
                    VerifierStatus(want.u64OrNull("locked_until"), want.u32("attempts_left"), want.u64OrNull("last_accepted_step")),
                    verifier.status(want.u64("time")),
                )
            }
        }

    @TestFactory
    fun `the entries export the frozen bytes`(): List<DynamicTest> = list("blobs").map { case ->
        dynamicTest(case.getString("name")) {
            val verifier = Verifier(enrollment(fixture.getString("enrollment_uri")), config)
            val steps = case.getJSONArray("steps")
            for (index in 0 until steps.length()) {
                val step = steps.getJSONObject(index)
                verifier.check(step.getString("entry"), step.u64("time"))
            }
            assertArrayEquals(hex(case.getString("blob_hex")), verifier.exportState())
        }
    }

    @TestFactory
    fun `refused blobs throw InvalidState`(): List<DynamicTest> = list("refused").map { case ->
        dynamicTest(case.getString("name")) {
            assertFailsWithKind(case.getString("error")) {
                Verifier.withState(enrollment(case.getString("enrollment_uri")), config, hex(case.getString("blob_hex")))
            }
        }
    }
}
