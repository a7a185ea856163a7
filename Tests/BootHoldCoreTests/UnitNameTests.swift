import Foundation
import Testing

@testable import BootHoldCore

/// Paths whose unit names must match systemd's byte for byte, hostile ones included.
let escapingTable: [String] = [
    "/", "/boot", "/boot/efi", "//boot//", "/boot/", "/a-b", "/.hidden", "/x%y", "/mnt/with space",
    "/föö", "/a\\b", "/a:b", "/a_b", "/a/./b", "/.x/.y/-z", "/tab\there", "/new\nline", "/quote\"s'",
    "/$HOME/`x`", "/semi;colon", "/@at", "/~tilde", "/ü/日本", "/a..b", "/...", "/-", "/" + String(repeating: "é", count: 60),
]

/// Long paths: > 255 characters once escaped, so systemd hashes them.
let longPaths: [String] = [
    "/" + Array(repeating: String(repeating: "a", count: 100), count: 3).joined(separator: "/"),
    "/" + Array(repeating: String(repeating: "b-", count: 50), count: 3).joined(separator: "/"),
    "/mnt/" + String(repeating: "x", count: 240),
    "/" + String(repeating: "é", count: 60),
    "/" + String(repeating: "ö", count: 120) + "/x",
]

@Test("unit names match systemd-escape --path", arguments: escapingTable)
func escapingMatchesSystemd(path: String) throws {
    let expected = try run(Host.systemdEscape, ["--path", "--suffix=automount", "--", path])
    try #require(expected.status == 0, "systemd-escape refused \(path)")
    // systemd-escape never hashes; names of 256+ characters are checked against
    // systemd-fstab-generator below.
    if expected.output.utf8.count < 256 {
        #expect(UnitName.fromPath(path, suffix: ".automount") == expected.output)
    } else {
        #expect(UnitName.fromPath(path, suffix: ".automount")?.utf8.count == 255)
    }
    let plain = try run(Host.systemdEscape, ["--path", "--", path])
    #expect(UnitName.escapingPath(path) == plain.output)
}

@Test("paths systemd refuses to escape are refused", arguments: ["/a/../b", "/a/..", "", "/" + String(repeating: "a", count: 256)])
func refusedPaths(path: String) throws {
    #expect(UnitName.escapingPath(path) == nil)
    if !path.isEmpty {
        #expect(try run(Host.systemdEscape, ["--path", "--", path]).status != 0)
    }
}

/// systemd-escape does not hash; systemd-fstab-generator does (unit_name_from_path()).
@Test("long unit names are hashed exactly as systemd-fstab-generator names them")
func longNamesMatchFstabGenerator() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = directory.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    let fstab = longPaths.enumerated().map { "/dev/sdz\($0.offset + 1) \(fstabEncoded($0.element)) vfat x-systemd.automount 0 0" }
    try (fstab.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("fstab"), atomically: true, encoding: .utf8)
    let result = try run(
        Host.fstabGenerator, [output.path, output.path, output.path],
        environment: [
            "SYSTEMD_FSTAB": directory.appendingPathComponent("fstab").path, "SYSTEMD_PROC_CMDLINE": "",
            "SYSTEMD_IN_INITRD": "0", "SYSTEMD_SYSFS_CHECK": "no", "SYSTEMD_LOG_LEVEL": "err",
        ])
    #expect(result.status == 0, "\(result.error)")
    let written = Set(try FileManager.default.contentsOfDirectory(atPath: output.path))
    for path in longPaths {
        let name = try #require(UnitName.fromPath(path, suffix: ".automount"))
        #expect(name.utf8.count <= 255)
        #expect(written.contains(name), "systemd wrote \(written.sorted()), we named \(name)")
        #expect(written.contains(UnitName.fromPath(path, suffix: ".mount")!))
    }
}

/// The reference vector of the SipHash paper (key 00…0f, message 00…0e).
@Test func sipHashReferenceVector() {
    let key = (0..<16).map { UInt8($0) }
    #expect(SipHash24.hash((0..<15).map { UInt8($0) }, key: key) == 0xa129ca6149be45e5)
    #expect(SipHash24.hash([], key: key) == 0x726fdb47dd0e0e31)
}

/// fstab's octal escapes for the characters getmntent() splits on.
func fstabEncoded(_ path: String) -> String {
    path.replacingOccurrences(of: "\\", with: "\\134").replacingOccurrences(of: " ", with: "\\040")
        .replacingOccurrences(of: "\t", with: "\\011").replacingOccurrences(of: "\n", with: "\\012")
}

@Test func mountPathNormalization() {
    let table: [(String, String?)] = [
        ("//boot/", "/boot"), ("/boot", "/boot"), ("/", "/"), ("///", "/"), ("/boot//efi/", "/boot/efi"),
        ("boot", nil), ("", nil), ("/boot/.", nil), ("/a/../boot", nil), ("/new\nline", nil), ("/del\u{7f}", nil),
        ("/mnt/with space", "/mnt/with space"), ("/" + String(repeating: "a", count: 256), nil),
    ]
    for (raw, expected) in table {
        #expect(MountPath.normalize(raw) == expected, "\(raw)")
    }
}
