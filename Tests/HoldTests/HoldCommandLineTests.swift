import BootHoldCore
import Foundation
import Testing

@Suite struct HoldCommandLineTests {
    @Test(arguments: [
        ([String](), "no PATH to hold"),
        (["boot"], "PATH 'boot' is not absolute"),
        (["--release-when-gone"], "--release-when-gone needs a FILE"),
        (["--release-when-gone", "staged", "/boot"], "is not an absolute file path"),
        (["--hold-harder", "/boot"], "unknown option '--hold-harder'"),
        (["--finalize-unit"], "--finalize-unit needs a UNIT"),
        (["--finalize-unit", "x", "/boot"], "--finalize-unit UNIT 'x' is not a service unit name"),
        (["--finalize-unit=/x.service", "/boot"], "is not a service unit name"),
    ])
    func aCommandLineThatCannotRunIsAUsageError(_ arguments: [String], _ message: String) throws {
        let run = try SpawnedProcess.run([NamespaceStage.hold] + arguments)
        #expect(run.status == 2)
        #expect(run.standardError.contains(message), "stderr: \(run.standardError)")
        #expect(run.standardError.contains("Usage: boothold-hold [--after-stop] [--release-when-gone FILE] [--from-start] [--finalize-unit UNIT] PATH..."))
    }

    @Test func helpAndVersionGoToStandardOutput() throws {
        let help = try SpawnedProcess.run([NamespaceStage.hold, "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.hasPrefix("Usage: boothold-hold"))
        let version = try SpawnedProcess.run([NamespaceStage.hold, "--version"])
        #expect(version.status == 0)
        #expect(version.standardOutput == "boothold-hold \(PackageVersion.current)\n")
    }

    @Test func optionsParseIntoARequest() throws {
        #expect(try HoldCommand.parse(["--release-when-gone=/run/s", "/sysroot", "--", "/-odd"])
                == .hold(HoldRequest(paths: ["/sysroot", "/-odd"], releaseWhenGone: "/run/s")))
        #expect(try HoldCommand.parse(["--finalize-unit=x.service", "/boot"])
                == .hold(HoldRequest(paths: ["/boot"], finalizeUnit: "x.service")))
        #expect(try HoldCommand.parse(["--from-start", "--release-when-gone", "/run/s", "/boot"])
                == .hold(HoldRequest(paths: ["/boot"], releaseWhenGone: "/run/s", fromStart: true)))
    }

    @Test(arguments: [
        ("0::/system.slice/x-hold.service\n", "/system.slice/x.service"),  // unified
        ("12:pids:/\n1:name=systemd:/system.slice/x-hold.service\n0::/system.slice/x-hold.service\n",
         "/system.slice/x.service"),  // hybrid
        ("2:cpu:/\n1:name=systemd:/system.slice/x-hold.service\n", "/system.slice/x.service"),  // legacy
        ("0::/system.slice/x.service\n", nil),  // not a hold unit
        ("0::/\n", nil),
    ] as [(String, String?)])
    func theFinalizeUnitIsTheHoldUnitsSibling(_ procSelfCgroup: String, _ finalize: String?) {
        let own = ServiceControlGroup.systemdPath(procSelfCgroup: procSelfCgroup)
        #expect(own.flatMap { ServiceControlGroup.sibling("x.service", of: $0) } == finalize)
    }
}
