package dev.callsign.example

import dev.callsign.CallsignException
import dev.callsign.Clock
import dev.callsign.Enrollment
import dev.callsign.Restored
import dev.callsign.StoredVerifier
import dev.callsign.Verdict
import dev.callsign.VerifierConfig
import dev.callsign.defaultVerifierConfig
import dev.callsign.openStoredVerifier
import java.io.BufferedReader
import java.io.File
import java.io.PrintStream
import java.nio.file.Files
import java.time.Instant
import kotlin.system.exitProcess

/** The phone's own clock. A real app would prefer time synced with its backend. */
object SystemClock : Clock {
    override fun now(): ULong = (System.currentTimeMillis() / 1000).toULong()
}

/** A clock stopped at one instant, for demonstrations and tests (`--time`). */
class FixedClock(private val seconds: ULong) : Clock {
    override fun now(): ULong = seconds
}

/**
 * The vendor's enrollment public key, built into the app (here protocol Addition C's reference
 * key). Only links signed with the matching private key are accepted.
 */
const val VENDOR_PUBLIC_KEY_HEX = "29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7"

/** Lower-case hex to bytes. */
fun hexBytes(text: String): ByteArray =
    ByteArray(text.length / 2) { text.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

/**
 * The consumer app's verify screen, on the console: on the first run it enrolls from a
 * callsign:// link signed by the vendor, then checks each code the customer types and answers
 * GENUINE, NOT GENUINE or LOCKED. The enrollment and the verifier state live together in the
 * app's data directory, so the attempt counter and the lock survive restarts, and a missing or
 * damaged state locks instead of starting afresh.
 */
class VerifyScreen(
    private val input: BufferedReader,
    private val output: PrintStream,
    private val clock: Clock,
    private val dataDir: File,
    private val vendorKeys: List<ByteArray>,
) {
    /** Runs until the input ends; returns the process exit status. */
    fun run(): Int {
        val config = defaultVerifierConfig()
        val verifier = openStoredVerifier(dataDir.path, config, clock.now()) ?: enroll(config) ?: return EXIT_USAGE
        if (verifier.restored() == Restored.LOCKED_AFTER_LOST_STATE) {
            output.println("The saved verification state is missing or damaged; locking to be safe.")
        }
        val enrollment = verifier.enrollment()
        output.println("Enrolled with ${enrollment.issuer()} as ${enrollment.accountId()}.")
        while (true) {
            output.print("Enter the code your caller read to you: ")
            output.flush()
            val entry = input.readLine() ?: return EXIT_OK
            val verdict = try {
                verifier.checkNow(entry, clock)
            } catch (error: CallsignException.InvalidCode) {
                output.println("Please type the ${enrollment.digits()}-digit code: ${error.message}")
                continue
            }
            output.println(describe(verdict, enrollment.issuer()))
        }
    }

    /** The first run: reads the link, accepts it only if the vendor signed it, stores it. */
    private fun enroll(config: VerifierConfig): StoredVerifier? {
        output.print("Paste your callsign:// enrollment link: ")
        output.flush()
        val link = input.readLine()?.trim() ?: return null
        val enrollment = try {
            Enrollment.fromUri(link, vendorKeys, false)
        } catch (error: CallsignException.UntrustedEnrollment) {
            output.println("That enrollment link was not issued by your vendor; ignore it: ${error.message}")
            return null
        } catch (error: CallsignException) {
            output.println("That enrollment link is not valid: ${error.message}")
            return null
        }
        return StoredVerifier.enroll(dataDir.path, enrollment, config, clock.now())
    }

    private fun describe(verdict: Verdict, issuer: String): String = when (verdict) {
        is Verdict.Genuine -> "GENUINE: your caller is from $issuer."
        is Verdict.NotGenuine -> {
            val attempts = if (verdict.attemptsLeft == 1u) "attempt" else "attempts"
            "NOT GENUINE (${verdict.attemptsLeft} $attempts left). Hang up and call $issuer back on its official number."
        }
        is Verdict.AlreadyUsed ->
            "NOT GENUINE: that code was already used. Hang up and call $issuer back on its official number."
        is Verdict.LockedOut ->
            "LOCKED until ${Instant.ofEpochSecond(verdict.until.toLong())}: too many wrong codes. Hang up."
        is Verdict.Misheard ->
            "MISHEARD: the last digit does not fit. Ask the caller to repeat the code (no attempt was counted)."
    }

    companion object {
        /** Normal end of input. */
        const val EXIT_OK = 0

        /** Bad command line, or an invalid or untrusted enrollment link. */
        const val EXIT_USAGE = 2
    }
}

private const val USAGE = "usage: mobile-app [--data DIR] [--time UNIX_SECONDS] [--vendor-key HEX]"

/**
 * Entry point: `mobile-app [--data DIR] [--time UNIX_SECONDS] [--vendor-key HEX]`, link and
 * codes on stdin. `--data` is the app's private directory (a fresh temporary one if omitted);
 * `--vendor-key` replaces the built-in vendor public key.
 */
fun main(args: Array<String>) {
    var dataDir: File? = null
    var clock: Clock = SystemClock
    var vendorKey = VENDOR_PUBLIC_KEY_HEX
    var index = 0
    while (index < args.size) {
        val value = args.getOrNull(index + 1)
        when {
            value == null -> fail(USAGE)
            args[index] == "--data" -> dataDir = File(value)
            args[index] == "--time" -> clock = FixedClock(value.toULongOrNull() ?: fail("--time needs unix seconds"))
            args[index] == "--vendor-key" ->
                vendorKey = value.takeIf { it.matches(Regex("[0-9a-f]{64}")) } ?: fail("--vendor-key needs 64 hex digits")
            else -> fail(USAGE)
        }
        index += 2
    }
    val dir = dataDir ?: Files.createTempDirectory("callsign-app").toFile().apply { deleteOnExit() }
    val screen = VerifyScreen(System.`in`.bufferedReader(), System.out, clock, dir, listOf(hexBytes(vendorKey)))
    exitProcess(screen.run())
}

private fun fail(message: String): Nothing {
    System.err.println(message)
    exitProcess(VerifyScreen.EXIT_USAGE)
}
