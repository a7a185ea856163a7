// swift-tools-version:6.0
// Swift 6 language mode (strict concurrency) for every target.
import PackageDescription

// Where each executable's bytes come from (see DESIGN.md "Layout"): executables → I/O → core.
// BootHoldSystem is libc only; libmount and libsystemd sit in their own targets, each called
// from one file that loads it with dlopen(3), so a tool maps only the C libraries it calls
// even though the three tools are installed as one executable.
let package = Package(
    name: "boothold",
    products: [
        .executable(name: "boothold-generator", targets: ["boothold-generator"]),
        .executable(name: "boothold-hold", targets: ["boothold-hold"]),
        .executable(name: "boothold-finalize", targets: ["boothold-finalize"]),
        // What gets installed: the three tools in one executable (see bench/size.sh).
        .executable(name: "boothold", targets: ["boothold"]),
    ],
    targets: [
        // libmount's header only: BootHoldMachine loads libmount.so.1 with dlopen(3), so
        // nothing links it (no pkgConfig, which would add -lmount to every executable).
        .systemLibrary(name: "CMount", providers: [.apt(["libmount-dev"])]),
        // GNU/Linux-only syscalls and constants the Glibc overlay does not expose.
        .target(name: "CBootHold"),

        // Pure: profiles, configuration, kernel command line, evidence → decision, unit text.
        .target(name: "BootHoldCore"),
        // The I/O every tool shares, libc only: descriptors, root-prefixed reads, logging,
        // signals, notify, inotify, locks, spawning.
        .target(name: "BootHoldSystem", dependencies: ["BootHoldCore", "CBootHold"]),
        // The generator's view of the machine (its reader: mount tables and fstab through
        // libmount, unit files, configuration) and its output writer; FinalizeTool uses its
        // libmount mount context.
        .target(name: "BootHoldMachine", dependencies: ["BootHoldCore", "BootHoldSystem", "CBootHold", "CMount"]),
        // libsystemd for boothold-finalize only, loaded with dlopen(3), nothing links it:
        // structured journal records, and sd-bus to ask PID 1 about a path's mount unit.
        .target(name: "BootHoldJournal", dependencies: ["BootHoldCore", "BootHoldSystem", "CBootHold"]),

        // Each tool's command (arguments → check the world → act) is a library, so the same code
        // serves a standalone executable and a multi-call binary.
        .target(name: "GeneratorTool", dependencies: ["BootHoldCore", "BootHoldSystem", "BootHoldMachine"]),
        .target(name: "HoldTool", dependencies: ["BootHoldCore", "BootHoldSystem"]),
        // BootHoldMachine for libmount's mount context: the own mount of a path nothing serves.
        .target(name: "FinalizeTool", dependencies: ["BootHoldCore", "BootHoldSystem", "BootHoldJournal", "BootHoldMachine"]),
        // bootholdctl: the generator's reading, PID 1 over sd-bus, the mount table, /proc.
        .target(name: "CtlTool", dependencies: ["BootHoldCore", "BootHoldSystem", "BootHoldMachine", "BootHoldJournal", "GeneratorTool"]),

        // Thin executables: one call each.
        .executableTarget(name: "boothold-generator", dependencies: ["GeneratorTool"]),
        .executableTarget(name: "boothold-hold", dependencies: ["HoldTool"]),
        .executableTarget(name: "boothold-finalize", dependencies: ["FinalizeTool"]),
        .executableTarget(name: "boothold", dependencies: ["GeneratorTool", "HoldTool", "FinalizeTool", "CtlTool", "BootHoldSystem"]),

        .testTarget(name: "BootHoldCoreTests", dependencies: ["BootHoldCore"]),
        .testTarget(name: "GeneratorTests", dependencies: ["BootHoldCore", "BootHoldSystem", "BootHoldMachine"]),
        .testTarget(name: "HoldTests", dependencies: ["BootHoldCore"], exclude: ["autofs-test-daemon.py"]),
        .testTarget(name: "FinalizeTests", dependencies: ["BootHoldCore", "FinalizeTool"], exclude: ["systemd-bus-standin.c"]),
        .testTarget(name: "RobustnessTests", dependencies: ["BootHoldCore"]),
    ]
)
