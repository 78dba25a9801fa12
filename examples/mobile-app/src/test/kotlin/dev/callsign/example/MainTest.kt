package dev.callsign.example

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.TimeUnit

/** Runs the app as its own JVM process and talks to it through stdin and stdout. */
class MainTest {
    private val unsignedLink =
        "callsign://enroll?v=1&issuer=ACME%20Support&account=customer-0001" +
            "&secret=7RUX6PO6UZYH6QNGL4DRTLQONNWAJGQSCE7NI4GQY72WFTSYMK4Q&epoch=0&digits=6&period=30"

    /** The same link signed with protocol Addition C's reference key, the app's vendor key. */
    private val link = unsignedLink +
        "&sig=L8G5Ekv02vc-IBsPXyMfaNdKoco-iDMtO_Eml77Tk7xY74WRgwO-ro3x-STRGlt5--oF2OBRftRid8AWcvc2Cg"

    /** 2025-11-28 18:40:05 UTC, when the agent code of customer-0001 is 638431. */
    private val time = "1764355205"

    private class Run(val status: Int, val output: String)

    private fun runApp(stdin: String, vararg args: String): Run {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val command = listOf(
            java,
            "-cp", System.getProperty("java.class.path"),
            "-Djna.library.path=" + System.getProperty("jna.library.path"),
            "dev.callsign.example.MainKt",
        ) + args
        val process = ProcessBuilder(command).redirectErrorStream(true).start()
        process.outputStream.bufferedWriter().use { it.write(stdin) }
        val output = process.inputStream.bufferedReader().readText()
        check(process.waitFor(60, TimeUnit.SECONDS)) { "the app did not exit" }
        return Run(process.exitValue(), output)
    }

    private fun verdicts(run: Run): List<String> =
        run.output.split("Enter the code your caller read to you: ").drop(1).map { it.trim() }.filter { it.isNotEmpty() }

    @Test
    fun `asks for the code and confirms a genuine caller`() {
        val run = runApp("$link\n638 431\n", "--time", time)
        assertEquals(0, run.status, run.output)
        assertTrue(run.output.contains("Enrolled with ACME Support as customer-0001."), run.output)
        assertTrue(run.output.contains("Enter the code your caller read to you: "), run.output)
        assertEquals(listOf("GENUINE: your caller is from ACME Support."), verdicts(run))
    }

    @Test
    fun `counts wrong codes down to the lock, and the lock holds against the right code`() {
        val run = runApp("$link\n123457\n123457\n123457\n638431\n", "--time", time)
        val verdicts = verdicts(run)
        assertEquals(4, verdicts.size, run.output)
        assertTrue(verdicts[0].startsWith("NOT GENUINE (2 attempts left)"), verdicts[0])
        assertTrue(verdicts[1].startsWith("NOT GENUINE (1 attempt left)"), verdicts[1])
        assertTrue(verdicts[2].startsWith("LOCKED until 2025-11-28T18:55:05Z"), verdicts[2])
        assertTrue(verdicts[3].startsWith("LOCKED"), verdicts[3])
    }

    @Test
    fun `a malformed entry is explained and does not count`() {
        val run = runApp("$link\n63843l\n123457\n", "--time", time)
        val verdicts = verdicts(run)
        assertTrue(verdicts[0].startsWith("Please type the 6-digit code: invalid character 'l'"), verdicts[0])
        assertTrue(verdicts[1].startsWith("NOT GENUINE (2 attempts left)"), verdicts[1])
    }

    @Test
    fun `a code is accepted only once`() {
        val verdicts = verdicts(runApp("$link\n638431\n638431\n", "--time", time))
        assertTrue(verdicts[0].startsWith("GENUINE"), verdicts[0])
        assertTrue(verdicts[1].startsWith("NOT GENUINE: that code was already used"), verdicts[1])
    }

    @Test
    fun `restarting the app does not reset the attempts or the lock`(@TempDir dir: File) {
        val first = verdicts(runApp("$link\n123457\n123457\n", "--data", dir.path, "--time", time))
        assertTrue(first[1].startsWith("NOT GENUINE (1 attempt left)"), first[1])
        // Enrolled: the restarted app asks for codes only.
        val second = runApp("123457\n", "--data", dir.path, "--time", time)
        assertTrue(second.output.startsWith("Enrolled with ACME Support"), second.output)
        assertTrue(verdicts(second)[0].startsWith("LOCKED"), second.output)
        val third = verdicts(runApp("638431\n", "--data", dir.path, "--time", time))
        assertTrue(third[0].startsWith("LOCKED"), third[0])
    }

    @Test
    fun `deleting the state after a lock keeps the lock`(@TempDir dir: File) {
        val locked = verdicts(runApp("$link\n123457\n123457\n123457\n", "--data", dir.path, "--time", time))
        assertTrue(locked[2].startsWith("LOCKED"), locked[2])
        assertTrue(File(dir, "verifier-state").delete())
        val run = runApp("638431\n", "--data", dir.path, "--time", time)
        assertTrue(run.output.contains("The saved verification state is missing or damaged"), run.output)
        assertTrue(verdicts(run)[0].startsWith("LOCKED"), run.output)
    }

    @Test
    fun `a damaged state file locks instead of starting afresh`(@TempDir dir: File) {
        verdicts(runApp("$link\n", "--data", dir.path, "--time", time))
        File(dir, "verifier-state").writeBytes(ByteArray(40))
        val run = runApp("638431\n", "--data", dir.path, "--time", time)
        assertTrue(run.output.contains("The saved verification state is missing or damaged"), run.output)
        assertTrue(verdicts(run)[0].startsWith("LOCKED"), run.output)
    }

    @Test
    fun `an unsigned or forged link is refused`() {
        val forged = unsignedLink + "&sig=" + "A".repeat(86)
        for (bad in listOf(unsignedLink, forged)) {
            val run = runApp("$bad\n638431\n", "--time", time)
            assertEquals(2, run.status, run.output)
            assertTrue(run.output.contains("That enrollment link was not issued by your vendor"), run.output)
            assertTrue(verdicts(run).isEmpty(), run.output)
        }
    }

    @Test
    fun `a bad enrollment link is refused`() {
        val run = runApp("callsign://enroll?v=2&sig=${"A".repeat(86)}\n")
        assertEquals(2, run.status, run.output)
        assertTrue(run.output.contains("That enrollment link "), run.output)
    }
}
