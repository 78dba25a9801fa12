package dev.callsign

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Entry mode with its lockout (also across export and import), display mode and the clock. */
class VerifierTest {
    private val config = defaultVerifierConfig()
    private val enrollment = unsignedEnrollment(REFERENCE_URI)

    /** 2025-11-28 18:40:00 UTC: step 58811840, whose agent code is 638431. */
    private val now = 1_764_355_200UL
    private val genuineCode = "638431"
    private val wrongCode = "123457"

    @Test
    fun `the default configuration is the protocol's`() {
        assertEquals(VerifierConfig(Window(1u, 1u), 3u, 900u), config)
        assertEquals(config, Verifier(enrollment, config).config())
    }

    @Test
    fun `three failures lock, the lock holds against the right code, then ends`() {
        val verifier = Verifier(enrollment, config)
        assertEquals(Verdict.NotGenuine(2u), verifier.check(wrongCode, now))
        assertEquals(Verdict.NotGenuine(1u), verifier.check(wrongCode, now + 1u))
        val lockedUntil = now + 2u + 900u
        assertEquals(Verdict.LockedOut(lockedUntil), verifier.check(wrongCode, now + 2u))
        assertEquals(Verdict.LockedOut(lockedUntil), verifier.check(genuineCode, now + 3u))
        assertEquals(Verdict.LockedOut(lockedUntil), verifier.check("not a code", now + 4u))
        assertEquals(VerifierStatus(lockedUntil, 0u, null), verifier.status(now + 5u))

        val later = lockedUntil + 10u
        val current = verifier.display(later).code()
        assertTrue(verifier.check(current, later) is Verdict.Genuine)
        assertEquals(3u, verifier.status(later).attemptsLeft)
    }

    @Test
    fun `a genuine code is accepted once, then reported as already used`() {
        val verifier = Verifier(enrollment, config)
        assertEquals(Verdict.Genuine(58_811_840u, 0), verifier.check("638 431", now + 5u))
        assertEquals(Verdict.AlreadyUsed(58_811_840u), verifier.check(genuineCode, now + 6u))
        assertEquals(58_811_840UL, verifier.status(now + 6u).lastAcceptedStep)
    }

    @Test
    fun `failures, lock and last accepted step survive export and import`() {
        val first = Verifier(enrollment, config)
        assertEquals(Verdict.NotGenuine(2u), first.check(wrongCode, now))
        assertEquals(Verdict.NotGenuine(1u), first.check(wrongCode, now + 1u))

        // The app restarts: the third failure still locks.
        val second = Verifier.withState(enrollment, config, first.exportState())
        val lockedUntil = now + 2u + 900u
        assertEquals(Verdict.LockedOut(lockedUntil), second.check(wrongCode, now + 2u))

        // Restarting again does not lift the lock, even for the right code.
        val third = Verifier.withState(unsignedEnrollment(REFERENCE_URI), config, second.exportState())
        assertEquals(Verdict.LockedOut(lockedUntil), third.check(genuineCode, now + 3u))

        // After the lock, a code accepted before a restart stays used after it.
        val after = lockedUntil + 30u
        val code = third.display(after).code()
        assertTrue(third.check(code, after) is Verdict.Genuine)
        val fourth = Verifier(enrollment, config)
        fourth.importState(third.exportState())
        assertTrue(fourth.check(code, after + 1u) is Verdict.AlreadyUsed)
    }

    @Test
    fun `a lost state fails closed, a damaged or foreign one is refused`() {
        val locked = Verifier.newLocked(enrollment, config, now)
        assertEquals(Verdict.LockedOut(now + 900u), locked.check(genuineCode, now + 1u))

        val verifier = Verifier(enrollment, config)
        verifier.check(wrongCode, now)
        val blob = verifier.exportState()
        val damaged = blob.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
        assertFailsWithKind("invalid_state") { Verifier.withState(enrollment, config, damaged) }

        val other = unsignedEnrollment(REFERENCE_URI.replace("customer-0001", "customer-0002"))
        assertFailsWithKind("invalid_state") { Verifier.withState(other, config, blob) }

        // A refused import leaves the state as it was.
        assertFailsWithKind("invalid_state") { verifier.importState(damaged) }
        assertArrayEquals(blob, verifier.exportState())
    }

    @Test
    fun `display mode shows the code, its grouping and the seconds left`() {
        val verifier = Verifier(enrollment, config)
        val shown = verifier.display(59u)
        assertEquals("913441", shown.code())
        assertEquals("913 441", shown.grouped())
        assertEquals(1UL, shown.step())
        assertEquals(60UL, shown.validUntil())
        assertEquals(1UL, shown.secondsRemaining())
        assertEquals(30UL, verifier.display(60u).secondsRemaining())
    }

    @Test
    fun `the app's clock drives entry and display mode`() {
        val clock = ManualClock(now)
        val verifier = Verifier(enrollment, config)
        assertEquals(genuineCode, verifier.displayNow(clock).code())
        assertEquals(Verdict.Genuine(58_811_840u, 0), verifier.checkNow(genuineCode, clock))
        clock.advance(30u)
        assertEquals(Verdict.AlreadyUsed(58_811_840u), verifier.checkNow(genuineCode, clock))
        assertEquals(Verdict.NotGenuine(2u), verifier.checkNow(wrongCode, clock))
    }

    @Test
    fun `a failing clock becomes a typed error with its reason`() {
        val verifier = Verifier(enrollment, config)
        val unsynced = object : Clock {
            override fun now(): ULong = throw ClockException.Unavailable("not synced with the server yet")
        }
        val error = assertCallsignError<CallsignException.ClockUnavailable> {
            verifier.checkNow(genuineCode, unsynced)
        }
        assertTrue(error.message!!.contains("not synced with the server yet"), error.message)

        val broken = object : Clock {
            override fun now(): ULong = throw IllegalStateException("clock service crashed")
        }
        assertCallsignError<CallsignException.ClockUnavailable> { verifier.displayNow(broken) }
        // Neither call counted as an attempt.
        assertEquals(3u, verifier.status(now).attemptsLeft)
    }

    @Test
    fun `text forms hide secrets and codes`() {
        val secret = enrollment.secret()
        val base32 = secret.toBase32()
        for (shown in listOf(secret.toString(), enrollment.toString())) {
            assertFalse(shown.contains(base32, ignoreCase = true), shown)
            assertFalse(shown.contains("fc697f3d"), shown)
        }
        assertTrue(secret.toString().contains("REDACTED"), secret.toString())
        val display = Verifier(enrollment, config).display(59u)
        assertFalse(display.toString().contains("913"), display.toString())
        val otpauth = OtpAuthUri.parse("otpauth://totp/Example:alice?secret=$base32")
        assertFalse(otpauth.toString().contains(base32), otpauth.toString())
    }
}
