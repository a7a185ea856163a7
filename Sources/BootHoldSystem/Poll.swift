import CBootHold

/// What happens to the program's code pages while a wait blocks.
public enum IdleCodePages: Sendable {
    /// Leave them mapped.
    case keep
    /// Give them back first (madvise MADV_PAGEOUT, then MADV_DONTNEED: see
    /// cbh_page_out_loaded_code). For a process that sleeps for a whole session, what
    /// start-up touched (the Swift runtime's initialisation, argument parsing, opening and
    /// checking) is never needed again; what the wake-up path runs faults back in from the
    /// file. Best effort: where the kernel refuses, the pages stay.
    case giveBack
}

/// Waits until at least one of `descriptors` is readable (or has an error or hang-up, which a
/// read then reports) and returns the readable ones; none when `timeoutMilliseconds` (-1: no
/// timeout) passed first. poll(2), EINTR retried (with the same timeout: callers that keep a
/// deadline loop and ask again). Giving the code pages back is for untimed waits only.
public func waitUntilReadable(_ descriptors: [FileDescriptor], timeoutMilliseconds: Int32 = -1, codePages: IdleCodePages = .keep) throws(SystemCallError)
    -> Set<FileDescriptor>
{
    precondition(timeoutMilliseconds == -1 || codePages == .keep, "the page-out wait has no timeout")
    var entries = descriptors.map { pollfd(fd: $0.rawValue, events: Int16(POLLIN), revents: 0) }
    _ = try retryingInterrupts("poll") {
        entries.withUnsafeMutableBufferPointer { buffer -> Int32 in
            switch codePages {
            case .keep:
                return poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)
            case .giveBack:
                var advised = 0
                return cbh_page_out_and_poll(buffer.baseAddress, UInt(buffer.count), &advised)
            }
        }
    }
    var ready = Set<FileDescriptor>()
    for entry in entries where entry.revents != 0 {
        ready.insert(FileDescriptor(rawValue: entry.fd))
    }
    return ready
}
