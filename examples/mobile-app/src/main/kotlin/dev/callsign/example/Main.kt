package dev.callsign.example

import dev.callsign.echoUpper

/** Pipeline placeholder: echoes each stdin line through the native library. */
fun main() {
    while (true) {
        val line = readlnOrNull() ?: return
        println(echoUpper(line))
    }
}
