// Fuzz target: the profile configuration parser (ProfileConfiguration.parse), fed up to three
// files (main, /etc override, drop-in) split at 0x1E. Properties beyond "no crash, no hang":
// - every accepted profile is valid: a unit-name-safe NAME, absolute normalized Paths=, an
//   absolute Staged=/Condition=/LockFile=, an absolute Finalize= executable, no control
//   characters in any single-line value, sources naming only files that were given;
// - parsing is deterministic.
import BootHoldCore

private let paths = [
    "/usr/lib/boothold/boothold.conf", "/etc/boothold/boothold.conf", "/run/boothold/boothold.conf.d/50-fuzz.conf",
]

private func hasControlCharacter(_ s: String) -> Bool {
    s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
}

private func isNameByte(_ c: Unicode.Scalar) -> Bool {
    c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || ":-_.\\@".unicodeScalars.contains(c))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfiguration(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let parts = fuzzParts(fuzzBytes(data, count), count: 3)
    let files = zip(paths, parts).map { ConfigurationFile(path: $0, contents: $1) }
    let (profiles, diagnostics) = ProfileConfiguration.parse(files)
    for p in profiles {
        fuzzCheck(!p.name.isEmpty && p.name.unicodeScalars.allSatisfy(isNameByte), "profile name '\(p.name)' is not unit-name safe")
        fuzzCheck(p.staged.hasPrefix("/") && !hasControlCharacter(p.staged), "Staged= '\(p.staged)' accepted")
        fuzzCheck(!p.paths.isEmpty, "profile \(p.name) accepted without Paths=")
        for path in p.paths {
            fuzzCheck(path.hasPrefix("/") && !hasControlCharacter(path), "Paths= entry '\(path)' accepted")
            fuzzCheck(MountPath.normalize(path) == path, "Paths= entry '\(path)' not normalized")
        }
        fuzzCheck(p.finalize.first?.hasPrefix("/") == true, "Finalize= \(p.finalize) accepted without an absolute executable")
        for value in [p.condition?.path, p.lockFile].compactMap({ $0 }) {
            fuzzCheck(value.hasPrefix("/") && !hasControlCharacter(value), "path value '\(value)' accepted")
        }
        if let argument = p.kernelCommandLine?.argument {
            fuzzCheck(KernelCommandLineCondition.isValidArgument(argument), "ConditionKernelCommandLine= '\(argument)' accepted")
        }
        // A tab inside Description= is kept by systemd as it is; other control characters are not.
        fuzzCheck(!hasControlCharacter(p.description.replacingTab), "Description= with a control character accepted")
        fuzzCheck(!p.sources.isEmpty && p.sources.allSatisfy(paths.contains), "sources \(p.sources) of \(p.name)")
    }
    let again = ProfileConfiguration.parse(files)
    fuzzCheck(again.profiles == profiles && again.diagnostics == diagnostics, "parsing is not deterministic")
    return 0
}

private extension String {
    var replacingTab: String { String(map { $0 == "\t" ? " " : $0 }) }
}
