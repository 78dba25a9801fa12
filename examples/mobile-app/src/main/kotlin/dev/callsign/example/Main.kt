package dev.callsign.example

import dev.callsign.CallsignException
import dev.callsign.Clock
import dev.callsign.Enrollment
import dev.callsign.Verdict
import dev.callsign.Verifier
import dev.callsign.defaultVerifierConfig
import java.io.BufferedReader
import java.io.File
import java.io.PrintStream
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
 * The consumer app's verify screen, on the console: enrolls from a callsign:// link, then
 * checks each code the customer types and answers GENUINE, NOT GENUINE or LOCKED. With a state
 * file the attempt counter and the lock survive restarts, as they must in a real app.
 */
class VerifyScreen(
    private val input: BufferedReader,
    private val output: PrintStream,
    private val clock: Clock,
    private val stateFile: File?,
) {
    /** Runs until the input ends; returns the process exit status. */
    fun run(): Int {
        output.print("Paste your callsign:// enrollment link: ")
        output.flush()
        val link = input.readLine()?.trim() ?: return EXIT_USAGE
        val enrollment = try {
            Enrollment.parse(link)
        } catch (error: CallsignException) {
            output.println("That enrollment link is not valid: ${error.message}")
            return EXIT_USAGE
        }
        val verifier = openVerifier(enrollment)
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
            stateFile?.writeBytes(verifier.exportState())
            output.println(describe(verdict, enrollment.issuer()))
        }
    }

    /** A fresh verifier, or the persisted one; a damaged state file fails closed. */
    private fun openVerifier(enrollment: Enrollment): Verifier {
        val config = defaultVerifierConfig()
        if (stateFile == null || !stateFile.exists()) {
            return Verifier(enrollment, config)
        }
        return try {
            Verifier.withState(enrollment, config, stateFile.readBytes())
        } catch (error: CallsignException.InvalidState) {
            output.println("The saved verification state is damaged (${error.message}); locking to be safe.")
            Verifier.newLocked(enrollment, config, clock.now())
        }
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

        /** Bad command line or enrollment link. */
        const val EXIT_USAGE = 2
    }
}

private const val USAGE = "usage: mobile-app [--state FILE] [--time UNIX_SECONDS]"

/** Entry point: `mobile-app [--state FILE] [--time UNIX_SECONDS]`, link and codes on stdin. */
fun main(args: Array<String>) {
    var stateFile: File? = null
    var clock: Clock = SystemClock
    var index = 0
    while (index < args.size) {
        val value = args.getOrNull(index + 1)
        when {
            value == null -> fail(USAGE)
            args[index] == "--state" -> stateFile = File(value)
            args[index] == "--time" -> clock = FixedClock(value.toULongOrNull() ?: fail("--time needs unix seconds"))
            else -> fail(USAGE)
        }
        index += 2
    }
    exitProcess(VerifyScreen(System.`in`.bufferedReader(), System.out, clock, stateFile).run())
}

private fun fail(message: String): Nothing {
    System.err.println(message)
    exitProcess(VerifyScreen.EXIT_USAGE)
}
