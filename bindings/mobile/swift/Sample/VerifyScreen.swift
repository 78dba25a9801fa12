// Sample code, not part of the package: the verify screen of a customer's iOS app (SwiftUI,
// iOS 15+) on the generated `Callsign` module. NOT COMPILED on the project's machines (no Swift
// compiler there); it follows the API that bindings/mobile generates, which the Kotlin tests
// exercise on a JVM.

import Callsign
import Foundation
import SwiftUI

/// The vendor's enrollment public key, built into the app (here protocol Addition C's reference
/// key). Only enrollment links signed with the matching private key are accepted.
let vendorPublicKey = Data([
    0x29, 0xac, 0xba, 0xe1, 0x41, 0xbc, 0xca, 0xf0, 0xb2, 0x2e, 0x1a, 0x94, 0xd3, 0x4d, 0x0b, 0xc7,
    0x36, 0x1e, 0x52, 0x6d, 0x0b, 0xfe, 0x12, 0xc8, 0x97, 0x94, 0xbc, 0x93, 0x22, 0x96, 0x6d, 0xd7,
])

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

/// Owns the verifier: enrolls once from a link the vendor signed, keeps enrollment and state
/// together (StoredVerifier: saved after every check, a lost state opens locked), fails closed.
final class CallerCheck: ObservableObject {
    @Published private(set) var answer = ""
    private let directory: String
    private let clock: ServerSyncedClock
    private var verifier: StoredVerifier?
    private var issuer = ""

    /// `directory`: the app's private directory, e.g. Application Support/callsign, excluded
    /// from backups and protected with FileProtectionType.complete (the enrollment in it holds
    /// the account secret).
    init(directory: URL, clock: ServerSyncedClock) throws {
        self.directory = directory.path
        self.clock = clock
        // nil only on the first run; an enrollment whose state is gone opens locked.
        verifier = try openStoredVerifier(
            directory: self.directory, config: defaultVerifierConfig(), now: clock.now())
        issuer = verifier?.enrollment().issuer() ?? ""
        if verifier?.restored() == .lockedAfterLostState {
            answer = "The saved verification state was lost; checks are locked for a while."
        }
    }

    /// Enrolls from the callsign://enroll link the vendor's signed-in backend handed over.
    /// Throws CallsignError.UntrustedEnrollment for a link the vendor did not sign.
    func enroll(link: String) throws {
        let enrollment = try Enrollment.fromUri(
            uri: link, trustedKeys: [vendorPublicKey], allowUnsigned: false)
        verifier = try StoredVerifier.enroll(
            directory: directory, enrollment: enrollment, config: defaultVerifierConfig(),
            now: clock.now())
        issuer = enrollment.issuer()
    }

    /// Checks what the customer typed and says what to do.
    func check(entry: String) {
        guard let verifier else {
            answer = "This app is not enrolled yet."
            return
        }
        do {
            let verdict = try verifier.checkNow(entry: entry, clock: clock)
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
