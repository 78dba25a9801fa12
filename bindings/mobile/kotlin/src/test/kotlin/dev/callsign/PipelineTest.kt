package dev.callsign

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Checks that the generated bindings load the native library and map results and errors. */
class PipelineTest {
    @Test
    fun `calls into the native library`() {
        assertEquals("HELLO", echoUpper("hello"))
    }

    @Test
    fun `errors arrive as typed exceptions with a message`() {
        val error = assertThrows<CallsignException.EmptyInput> { echoUpper("") }
        assertFalse(error.message.isNullOrEmpty())
    }
}
