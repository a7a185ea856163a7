#if canImport(Glibc)
import Glibc
#endif

/// Waits until at least one of `descriptors` is readable (or has an error or hang-up, which a
/// read then reports) and returns the readable ones. poll(2) with no timeout, EINTR retried.
public func waitUntilReadable(_ descriptors: [FileDescriptor]) throws -> Set<FileDescriptor> {
    var entries = descriptors.map { pollfd(fd: $0.rawValue, events: Int16(POLLIN), revents: 0) }
    _ = try retryingInterrupts("poll") {
        entries.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), -1) }
    }
    var ready = Set<FileDescriptor>()
    for entry in entries where entry.revents != 0 {
        ready.insert(FileDescriptor(rawValue: entry.fd))
    }
    return ready
}
