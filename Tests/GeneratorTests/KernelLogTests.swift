import Foundation
import Testing

/// Started by systemd (SYSTEMD_EXEC_PID is our PID, or `*`), the generator logs to /dev/kmsg as
/// `<prio>boothold-generator[pid]: message`, at the level the kernel command line asks for.
@Suite(.enabled(if: FileManager.default.isReadableFile(atPath: "/dev/kmsg")))
struct KernelLogTests {
    /// The records appended to the kernel log while `body` runs.
    private func newKernelRecords(during body: () throws -> Void) throws -> [String] {
        let kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK)
        guard kmsg >= 0 else { throw POSIXError(.EACCES) }
        defer { close(kmsg) }
        lseek(kmsg, 0, SEEK_END)
        try body()
        var records: [String] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = read(kmsg, &buffer, buffer.count)
            if count < 0 && errno == EPIPE { continue }  // overwritten records: keep reading
            if count <= 0 { break }
            records.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return records
    }

    @Test func logsToKmsgWithTheCommandLinesLevel() throws {
        let temporary = try TemporaryDirectory("kmsg")
        defer { temporary.remove() }
        var environment = try GoldenFixture(name: "fstab-automount-boot").prepare(in: temporary)
        environment["SYSTEMD_EXEC_PID"] = "*"
        environment["SYSTEMD_PROC_CMDLINE"] = "quiet systemd.log_level=debug"
        let output = temporary.appending("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var result: ProcessResult?
        let records = try newKernelRecords {
            result = try run(Products.generator, [output.path], environment: environment)
        }
        #expect(result?.status == 0)
        #expect(result?.standardError.isEmpty == true, "\(result?.standardError ?? "")")
        let ours = records.filter { $0.contains("boothold-generator[") }
        // kmsg records read back as "PRIO,SEQ,TIME,FLAGS;MESSAGE"; LOG_DAEMON|LOG_INFO is 30.
        #expect(ours.contains { $0.hasPrefix("30,") && $0.contains("paired with ostree-finalize-staged-hold.service") },
                "\(ours)")
        // Debug records (31) come only from systemd.log_level=debug on the command line.
        #expect(ours.contains { $0.hasPrefix("31,") }, "\(ours)")
    }
}
