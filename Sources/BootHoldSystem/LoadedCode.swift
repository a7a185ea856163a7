import CBootHold

/// The program's and its libraries' code pages.
public enum LoadedCode {
    /// Hands the code pages that only this process maps back to the kernel
    /// (madvise(MADV_PAGEOUT), Linux ≥ 5.4). For a process that starts, then sleeps for the
    /// whole session, most of what start-up touched (the Swift runtime's initialisation,
    /// argument parsing, opening and checking) is never needed again; the few pages the
    /// release path needs are faulted back in from the page cache or disk when it wakes.
    /// Returns the number of bytes advised.
    public static func pageOut() throws -> Int {
        let advised = cbh_page_out_loaded_code()
        guard advised >= 0 else { throw SystemCallError("madvise MADV_PAGEOUT", errno: .current) }
        return advised
    }
}
