// Sample code, not part of the package: the verify screen of a customer's iOS app (SwiftUI,
// iOS 15+) on the generated `Callsign` module. NOT COMPILED on the project's machines (no Swift
// compiler there); it follows the API that bindings/mobile generates, which the Kotlin tests
// exercise on a JVM.

import Callsign
import Foundation
import SwiftUI

/// Where the app keeps its enrollment link and verifier state. Back it with the Keychain
/// (kSecClassGenericPassword, ThisDeviceOnly): the link holds the account secret.
protocol SecureStore {
    func load(_ key: String) -> Data?
    func save(_ key: String, _ data: Data)
}

/// Time from the app's backend when it has synced, so a wrong phone clock cannot reject a
/// genuine caller; the phone's clock otherwise.
final class ServerSyncedClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var offsetSeconds: Int64?

    /// Records the server's unix time as seen now.
    func synced(serverTime: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        offsetSeconds = Int64(serverTime) - Int64(Date().timeIntervalSince1970)
    }

    func now() throws -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let phone = Int64(Date().timeIntervalSince1970)
        let seconds = phone + (offsetSeconds ?? 0)
        guard seconds >= 0 else {
            throw ClockError.Unavailable(reason: "the clock is before 1970")
        }
        return UInt64(seconds)
    }
}

/// Owns the verifier: enrolls once, persists the state after every check, fails closed.
final class CallerCheck: ObservableObject {
    private static let linkKey = "callsign.enrollment"
    private static let stateKey = "callsign.verifier-state"

    @Published private(set) var answer = ""
    private let store: SecureStore
    private let clock: ServerSyncedClock
    private var verifier: Verifier?
    private var issuer = ""

    init(store: SecureStore, clock: ServerSyncedClock) {
        self.store = store
        self.clock = clock
        if let link = store.load(Self.linkKey).flatMap({ String(data: $0, encoding: .utf8) }) {
            verifier = try? restore(link: link)
        }
    }

    /// Enrolls from the callsign://enroll link the vendor showed as a QR code.
    func enroll(link: String) throws {
        let enrollment = try Enrollment.parse(uri: link)
        let fresh = try Verifier(enrollment: enrollment, config: defaultVerifierConfig())
        store.save(Self.linkKey, Data(enrollment.toUri().utf8))
        store.save(Self.stateKey, fresh.exportState())
        verifier = fresh
        issuer = enrollment.issuer()
    }

    /// The stored verifier; a missing or damaged state locks it (never a fresh start).
    private func restore(link: String) throws -> Verifier {
        let enrollment = try Enrollment.parse(uri: link)
        issuer = enrollment.issuer()
        let config = defaultVerifierConfig()
        if let state = store.load(Self.stateKey),
           let restored = try? Verifier.withState(enrollment: enrollment, config: config, state: state) {
            return restored
        }
        return try Verifier.newLocked(enrollment: enrollment, config: config, now: clock.now())
    }

    /// Checks what the customer typed and says what to do.
    func check(entry: String) {
        guard let verifier else {
            answer = "This app is not enrolled yet."
            return
        }
        do {
            let verdict = try verifier.checkNow(entry: entry, clock: clock)
            store.save(Self.stateKey, verifier.exportState())
            answer = describe(verdict)
        } catch CallsignError.InvalidCode(let message) {
            answer = "Please type the code as digits: \(message)"
        } catch {
            answer = "The code could not be checked: \(error.localizedDescription)"
        }
    }

    private func describe(_ verdict: Verdict) -> String {
        switch verdict {
        case .genuine:
            return "GENUINE: your caller is from \(issuer)."
        case .notGenuine(let attemptsLeft):
            return "NOT GENUINE (\(attemptsLeft) attempts left). Hang up and call \(issuer) back."
        case .alreadyUsed:
            return "NOT GENUINE: that code was already used. Hang up and call \(issuer) back."
        case .lockedOut(let until):
            let end = Date(timeIntervalSince1970: TimeInterval(until))
            return "LOCKED until \(end.formatted(date: .omitted, time: .shortened)). Hang up."
        case .misheard:
            return "MISHEARD: the last digit does not fit. Ask the caller to repeat the code (no attempt was counted)."
        }
    }
}

/// The screen: one field, one button, one answer. It never shows the expected code.
struct VerifyScreen: View {
    @ObservedObject var model: CallerCheck
    @State private var entry = ""

    var body: some View {
        VStack(spacing: 16) {
            Text("Enter the code your caller read to you")
                .font(.headline)
            TextField("123 456", text: $entry)
                .keyboardType(.numberPad)
                .multilineTextAlignment(.center)
                .font(.system(.title, design: .monospaced))
            Button("Check") {
                model.check(entry: entry)
                entry = ""
            }
            .buttonStyle(.borderedProminent)
            Text(model.answer)
                .multilineTextAlignment(.center)
        }
        .padding()
    }
}
