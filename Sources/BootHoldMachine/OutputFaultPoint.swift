import CBootHold

/// Test hook: with `BOOTHOLD_TEST_KILL_AFTER_WRITES=N` (`GeneratorEnvironment`) the output
/// writer kills itself with SIGKILL right after its Nth step (a file's contents written, a name
/// linked), so a test can interrupt it at every point and check that only complete units are
/// ever left behind (PID 1 loads whatever a dead generator wrote, systemd.generator(7)).
///
/// Debug builds only (what `swift test` runs): in a release build, which is what is installed,
/// the variable is never read and `step()` is empty.
final class OutputFaultPoint {
    #if DEBUG
    private var remaining: Int?

    init(killAfterWrites: Int?) {
        remaining = killAfterWrites.flatMap { $0 > 0 ? $0 : nil }
    }

    func step() {
        guard let count = remaining else { return }
        remaining = count - 1
        if count == 1 { kill(getpid(), SIGKILL) }
    }
    #else
    init(killAfterWrites: Int?) {}

    @inline(__always) func step() {}
    #endif
}
