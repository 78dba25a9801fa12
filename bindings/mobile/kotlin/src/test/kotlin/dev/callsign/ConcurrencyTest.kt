package dev.callsign

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** One verifier shared by many threads: checks are serialized, none is lost or doubled. */
class ConcurrencyTest {
    private val threads = 16
    private val now = 1_764_355_200UL

    /** Runs [task] on [threads] threads released at once; returns their results. */
    private fun <T> race(task: (Int) -> T): List<T> {
        val pool = Executors.newFixedThreadPool(threads)
        try {
            val start = CountDownLatch(1)
            val futures = (0 until threads).map { index ->
                pool.submit(Callable { start.await(); task(index) })
            }
            start.countDown()
            return futures.map { it.get(60, TimeUnit.SECONDS) }
        } finally {
            pool.shutdownNow()
        }
    }

    @Test
    fun `the same genuine code entered on many threads is accepted exactly once`() {
        val verifier = Verifier.fromUri(REFERENCE_URI, emptyList(), true, defaultVerifierConfig())
        val verdicts = race { verifier.check("638431", now) }
        assertEquals(1, verdicts.count { it is Verdict.Genuine })
        assertEquals(threads - 1, verdicts.count { it == Verdict.AlreadyUsed(58_811_840u) })
    }

    @Test
    fun `concurrent failures lock after exactly max_failures`() {
        val verifier = Verifier.fromUri(REFERENCE_URI, emptyList(), true, defaultVerifierConfig())
        val verdicts = race { verifier.check("123457", now) }
        assertEquals(
            setOf(Verdict.NotGenuine(2u), Verdict.NotGenuine(1u)),
            verdicts.filterIsInstance<Verdict.NotGenuine>().toSet(),
        )
        assertEquals(threads - 2, verdicts.count { it == Verdict.LockedOut(now + 900u) })
    }

    @Test
    fun `display, status, export and parsing run side by side`() {
        val verifier = Verifier.fromUri(REFERENCE_URI, emptyList(), true, defaultVerifierConfig())
        val expected = verifier.display(now).code()
        val results = race { index ->
            repeat(200) {
                when (index % 4) {
                    0 -> assertEquals(expected, verifier.display(now + 5u).code())
                    1 -> assertEquals(3u, verifier.status(now).attemptsLeft)
                    2 -> Verifier.withState(unsignedEnrollment(REFERENCE_URI), defaultVerifierConfig(), verifier.exportState())
                    else -> assertEquals(expected, Verifier.fromUri(REFERENCE_URI, emptyList(), true, defaultVerifierConfig()).display(now).code())
                }
            }
            index
        }
        assertEquals((0 until threads).toList(), results)
    }
}
