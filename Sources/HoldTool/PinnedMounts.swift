import CBootHold
import BootHoldCore
import BootHoldSystem

/// The open directory descriptors that keep the mounts busy. Opening a directory on an
/// automount point triggers the mount; the open descriptor then counts as a use of the
/// mount, so autofs's idle expiry leaves it alone (reference: systemd-generators.md §4.3).
struct PinnedMounts {
    private(set) var descriptors: [FileDescriptor] = []
    private(set) var mounts: [HeldMount] = []

    /// Why a PATH is not held.
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "Cannot hold \(path): \(reason)" }
    }

    /// Opens every path in order; on the first failure closes what was opened (nothing is
    /// held half-way) and throws.
    static func pin(_ paths: [String], log: Logger) throws(Failure) -> PinnedMounts {
        var pinned = PinnedMounts()
        do {
            for path in paths {
                let (fd, mount) = try pinOne(path)
                pinned.descriptors.append(fd)
                pinned.mounts.append(mount)
                log.info("Holding \(mount.path): \(mount.fileSystemType) is mounted there")
            }
        } catch {
            pinned.release()
            throw error
        }
        return pinned
    }

    private static func pinOne(_ path: String) throws(Failure) -> (FileDescriptor, HeldMount) {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, flags: O_RDONLY | O_DIRECTORY)
        } catch {
            throw Failure(path: path, reason: explain(error))
        }
        let magic: Int64
        do {
            magic = try fd.fileSystemType()
        } catch {
            fd.close()
            throw Failure(path: path, reason: "\(error)")
        }
        guard magic != autofsSuperMagic else {
            fd.close()
            throw Failure(path: path, reason: "still an unmounted autofs mount point after opening it "
                            + "(the automount did not mount anything there)")
        }
        return (fd, HeldMount(path: path, fileSystemType: fd.mountedFileSystemType(magic: magic)))
    }

    private static func explain(_ error: SystemCallError) -> String {
        switch error.errno {
        case .hostIsDown:
            return "\(error) (systemd refuses automount requests once shutdown has begun, systemd#22528)"
        case .notDirectory:
            return "\(error) (a mount point to hold must be a directory)"
        default:
            return "\(error)"
        }
    }

    mutating func release() {
        for fd in descriptors { fd.close() }
        descriptors = []
    }
}
