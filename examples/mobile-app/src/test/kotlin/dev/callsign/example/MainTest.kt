package dev.callsign.example

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.io.File
import java.util.concurrent.TimeUnit

/** Runs the app as its own JVM process and talks to it through stdin and stdout. */
class MainTest {
    private fun runApp(stdin: String): String {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val process = ProcessBuilder(
            java,
            "-cp", System.getProperty("java.class.path"),
            "-Djna.library.path=" + System.getProperty("jna.library.path"),
            "dev.callsign.example.MainKt",
        ).redirectErrorStream(true).start()
        process.outputStream.bufferedWriter().use { it.write(stdin) }
        val output = process.inputStream.bufferedReader().readText()
        check(process.waitFor(60, TimeUnit.SECONDS)) { "app did not exit" }
        return output
    }

    @Test
    fun `echoes through the native library`() {
        assertEquals("ABC\n", runApp("abc\n"))
    }
}
