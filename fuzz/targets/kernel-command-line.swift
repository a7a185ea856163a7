// Fuzz target: the kernel command-line parser (KernelCommandLine, systemd's proc_cmdline rules).
// Properties beyond "does not crash or hang":
// - `-` and `_` are the same in keys: every lookup agrees for both spellings;
// - the last occurrence wins: value(of:) is the last of values(of:);
// - appending `boothold.hold=yes` to a line without quotes or backslashes makes that the value;
// - outside the initrd, an appended `rd.` key changes nothing.
import BootHoldCore

private let keys = [
    "boothold", "boothold.hold", "fstab", "systemd.gpt_auto", "systemd.mount_extra", "systemd.log_level", "debug",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKernelCommandLine(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzBytes(data, count)
    let raw = String(decoding: bytes, as: UTF8.self)
    let inInitrd = bytes.first.map { $0 & 1 == 1 } ?? false
    let line = KernelCommandLine(parsing: raw, inInitrd: inInitrd)
    for key in keys {
        let dashed = String(key.map { $0 == "_" ? "-" : $0 })
        fuzzCheck(line.value(of: key) == line.value(of: dashed), "'\(key)' and '\(dashed)' differ for \(bytes.debugText)")
        fuzzCheck(line.values(of: key) == line.values(of: dashed), "values of '\(key)' and '\(dashed)' differ")
        fuzzCheck(line.value(of: key) == line.values(of: key).last, "value(of: \(key)) is not the last occurrence for \(bytes.debugText)")
    }
    _ = line.systemdLogLevel
    guard !bytes.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\\") }) else {
        return 0
    }
    let appended = KernelCommandLine(parsing: raw + " boothold.hold=yes", inInitrd: inInitrd)
    fuzzCheck(appended.value(of: "boothold.hold") == .assigned("yes"), "last boothold.hold= did not win in \(bytes.debugText)")
    if !inInitrd {
        let withInitrdKey = KernelCommandLine(parsing: raw + " rd.boothold=0 rd.fstab=no", inInitrd: false)
        for key in keys {
            fuzzCheck(withInitrdKey.value(of: key) == line.value(of: key), "rd. key changed '\(key)' outside the initrd")
        }
    }
    return 0
}
