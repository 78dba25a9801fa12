package dev.callsign

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions

/** Signed enrollments under a pinned key, and the stored verifier that fails closed. */
class TrustTest {
    private val config = defaultVerifierConfig()
    private val now = 1_764_355_200UL

    @Test
    fun `the reference signature verifies under the pinned key`() {
        val enrollment = Enrollment.fromUri(SIGNED_REFERENCE_URI, listOf(VENDOR_KEY), false)
        assertTrue(enrollment.isSigned())
        assertEquals("ACME Support", enrollment.issuer())
        assertEquals("638431", Verifier(enrollment, config).display(now).code())
    }

    @Test
    fun `forged, unsigned and trailing-data links are refused`() {
        val otherKey = ByteArray(32) { 7 }
        val forged = assertCallsignError<CallsignException.UntrustedEnrollment> {
            Verifier.fromUri(SIGNED_REFERENCE_URI, listOf(otherKey), false, config)
        }
        assertTrue(forged.message!!.contains("no pinned key verifies"))
        val unsigned = assertCallsignError<CallsignException.UntrustedEnrollment> {
            Enrollment.fromUri(REFERENCE_URI, listOf(VENDOR_KEY), false)
        }
        assertTrue(unsigned.message!!.contains("not signed"))
        val altered = SIGNED_REFERENCE_URI.replace("customer-0001", "customer-0002")
        assertCallsignError<CallsignException.UntrustedEnrollment> {
            Enrollment.fromUri(altered, listOf(VENDOR_KEY), false)
        }
        assertCallsignError<CallsignException.UntrustedEnrollment> {
            Enrollment.fromUri("$SIGNED_REFERENCE_URI&x=1", listOf(VENDOR_KEY), false)
        }
        assertCallsignError<CallsignException.UntrustedEnrollment> {
            Enrollment.fromUri(SIGNED_REFERENCE_URI, emptyList(), false)
        }
        assertCallsignError<CallsignException.InvalidSigningKey> {
            Enrollment.fromUri(SIGNED_REFERENCE_URI, listOf(ByteArray(31)), false)
        }
    }

    @Test
    fun `deleting the state after a lock keeps the lock`(@TempDir dir: File) {
        val path = dir.path
        assertNull(openStoredVerifier(path, config, now))
        val enrollment = Enrollment.fromUri(SIGNED_REFERENCE_URI, listOf(VENDOR_KEY), false)
        val app = StoredVerifier.enroll(path, enrollment, config, now)
        assertNull(app.restored())
        app.check("123457", now)
        app.check("123457", now + 1u)
        assertTrue(app.check("123457", now + 2u) is Verdict.LockedOut)
        for (name in listOf("enrollment", "verifier-state")) {
            val permissions = Files.getPosixFilePermissions(File(dir, name).toPath())
            assertEquals(PosixFilePermissions.fromString("rw-------"), permissions)
        }
        app.destroy()

        assertTrue(File(dir, "verifier-state").delete())
        val restarted = openStoredVerifier(path, config, now + 60u)
        assertNotNull(restarted)
        restarted!!
        assertEquals(Restored.LOCKED_AFTER_LOST_STATE, restarted.restored())
        // The genuine code of the moment is refused during the lock.
        assertTrue(restarted.check("638431", now + 61u) is Verdict.LockedOut)
        assertEquals("ACME Support", restarted.enrollment().issuer())
    }
}
