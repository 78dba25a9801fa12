// swift-tools-version:5.9
// The callsign Swift package: the UniFFI-generated `Callsign` module over the Rust library,
// shipped as CallsignFFI.xcframework. Both are build products, not checked in: run
// ./build-xcframework.sh on a Mac first (see ../README.md). Never compiled on our Linux CI,
// which has no Swift compiler.
import PackageDescription

let package = Package(
    name: "Callsign",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Callsign", targets: ["Callsign"]),
    ],
    targets: [
        // The static Rust library for each Apple platform, with CallsignFFI.h and its module map.
        .binaryTarget(name: "CallsignFFI", path: "CallsignFFI.xcframework"),
        // The generated Swift API (Sources/Callsign/Callsign.swift, written by the build script).
        .target(name: "Callsign", dependencies: ["CallsignFFI"], path: "Sources/Callsign"),
    ]
)
