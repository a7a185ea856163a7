import CBootHold
import BootHoldCore
import BootHoldSystem

/// Applies a decided `GeneratorOutput` to the generator's normal directory.
///
/// PID 1 keeps whatever a failed generator left behind (systemd.generator(7)), so a unit must
/// appear complete or not at all: each file is written unnamed (O_TMPFILE) and only then linked
/// to its name, which also never follows or replaces an existing name. Independent items keep
/// going; every failure is returned, the first one is what the caller reports.
public struct GeneratorOutputWriter {
    public let logger: Logger
    private let faultPoint: OutputFaultPoint

    /// `killAfterWrites`: the test hook (`OutputFaultPoint`), nil on every real boot.
    public init(logger: Logger, killAfterWrites: Int? = nil) {
        self.logger = logger
        self.faultPoint = OutputFaultPoint(killAfterWrites: killAfterWrites)
    }

    /// Writes every file, then every link. Returns the error messages (empty on success).
    public func write(_ output: GeneratorOutput, into directory: String) -> [String] {
        let root: FileDescriptor
        do {
            root = try FileDescriptor.open(directory, flags: O_RDONLY | O_DIRECTORY)
        } catch {
            return [report("Failed to open output directory '\(directory)': \(reason(error))")]
        }
        defer { root.close() }

        var errors: [String] = []
        for file in output.files {
            let path = "\(directory)/\(file.relativePath)"
            do {
                try inParent(of: file.relativePath, under: root) { (parent, name) throws(SystemCallError) in
                    try createFile(name, contents: file.contents, in: parent, displayPath: path)
                }
                logger.debug("Wrote \(path).")
            } catch {
                errors.append(report("Failed to create unit file '\(path)': \(reason(error))"))
            }
        }
        for link in output.links {
            let path = "\(directory)/\(link.relativePath)"
            do {
                try inParent(of: link.relativePath, under: root) { (parent, name) throws(SystemCallError) in
                    try createLink(name, target: link.target, in: parent, displayPath: path)
                }
            } catch {
                errors.append(report("Failed to create symlink '\(path)': \(reason(error))"))
            }
        }
        return errors
    }

    private func report(_ message: String) -> String {
        logger.error(message)
        return message
    }

    private func reason(_ error: SystemCallError) -> String {
        error.message ?? error.errno.description
    }

    /// Opens (creating with 0755 as needed) each parent directory of `relativePath` without
    /// following symlinks, then runs `body` with the innermost one and the final name.
    private func inParent(
        of relativePath: String, under root: FileDescriptor, _ body: (FileDescriptor, String) throws(SystemCallError) -> Void
    ) throws(SystemCallError) {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let name = components.last, components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw SystemCallError("resolve", path: relativePath, message: "not a plain relative path")
        }
        var opened: [FileDescriptor] = []
        defer { opened.forEach { $0.close() } }
        var parent = root
        for component in components.dropLast() {
            let made = mkdirat(parent.rawValue, component, 0o755)
            if made != 0 && cbh_errno() != EEXIST {
                throw SystemCallError("mkdir", path: component, errno: .current)
            }
            // O_NOFOLLOW: a symlink planted where a directory belongs is refused (ELOOP), never followed.
            parent = try FileDescriptor.open(component, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW, relativeTo: parent)
            opened.append(parent)
        }
        try body(parent, name)
    }

    private func createFile(_ name: String, contents: String, in parent: FileDescriptor, displayPath: String) throws(SystemCallError) {
        let unnamed = cbh_open_tmpfile(parent.rawValue, 0o644)
        guard unnamed >= 0 else {
            // File systems without O_TMPFILE: exclusive create, and remove the name again if
            // the contents could not be written completely.
            let error = Errno.current
            logger.debug("O_TMPFILE not available for '\(displayPath)' (\(error)), writing in place.")
            try createFileInPlace(name, contents: contents, in: parent)
            return
        }
        let fd = FileDescriptor(rawValue: unnamed)
        let linked: Bool = try fd.closeAfter { () throws(SystemCallError) in
            try fd.writeAll(contents)
            faultPoint.step()
            do throws(SystemCallError) {
                _ = try retryingInterrupts("link", path: name) { cbh_link_tmpfile(fd.rawValue, parent.rawValue, name) }
                faultPoint.step()
                return true
            } catch where error.errno == .noSuchFileOrDirectory {
                // linkat(2) reaches the unnamed file through /proc/self/fd: without /proc
                // mounted, fall back to an exclusive create.
                logger.debug("Cannot link '\(displayPath)' through /proc (\(error.errno)), writing in place.")
                return false
            }
        }
        if !linked { try createFileInPlace(name, contents: contents, in: parent) }
    }

    private func createFileInPlace(_ name: String, contents: String, in parent: FileDescriptor) throws(SystemCallError) {
        let fd = try FileDescriptor.open(
            name, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o644, relativeTo: parent)
        try fd.closeAfter { () throws(SystemCallError) in
            do throws(SystemCallError) {
                try fd.writeAll(contents)
                faultPoint.step()
            } catch {
                unlinkat(parent.rawValue, name, 0)
                throw error
            }
        }
    }

    private func createLink(_ name: String, target: String, in parent: FileDescriptor, displayPath: String) throws(SystemCallError) {
        do {
            try SymbolicLink.create(name, pointingAt: target, in: parent)
            faultPoint.step()
            logger.debug("Linked \(displayPath) → \(target).")
        } catch where error.errno == .fileExists {
            // Another generator may already have hooked up a unit of the same name (e.g. a
            // link to /usr/lib/systemd/system/…): systemd resolves the link by its name, so
            // that link already means what ours would.
            guard let existing = try? SymbolicLink.target(of: name, relativeTo: parent),
                  existing == target || lastComponent(existing) == lastComponent(target)
            else { throw error }
            logger.debug("Link \(displayPath) already exists (→ \(existing)), keeping it.")
        }
    }

    private func lastComponent(_ path: String) -> Substring {
        path.split(separator: "/").last ?? Substring(path)
    }
}
