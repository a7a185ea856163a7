import BootHoldCore
import BootHoldSystem

/// `boothold-hold --after-stop …`, the hold unit's `ExecStopPost=`: says in the journal when
/// the hold stopped while a deployment is staged, and why (`HoldStopReport`). It runs in the
/// hold unit's cgroup, which names the unit; `--finalize-unit` names its finalize pair. Always exits 0: a failing
/// `ExecStopPost=` would change the unit's result, and the result is what it reports on.
enum HoldAfterStop {
    static func run(_ request: HoldRequest, log: Logger) -> HoldExitStatus {
        var exists = true
        if let file = request.releaseWhenGone {
            do {
                exists = try PathPresence.of(file) == .exists
            } catch {
                // Saying too much is the safe side: an unknown FILE may well be a staged one.
                log.debug("Cannot tell whether \(file) exists: \(error)")
            }
        }
        let own = ControlGroupProcesses.ownPath()
        let finalize = request.finalizeUnit.flatMap { unit in own.flatMap { ServiceControlGroup.sibling(unit, of: $0) } }
        let report = HoldStopReport(
            paths: request.paths, stagedFile: request.releaseWhenGone, stagedFileExists: exists,
            stop: ServiceStopResult(
                result: Environment.value("SERVICE_RESULT"), exitCode: Environment.value("EXIT_CODE"),
                exitStatus: Environment.value("EXIT_STATUS")),
            holdUnit: finalize != nil ? own.map(ServiceControlGroup.unitName) : nil,
            finalizeUnit: finalize.map(ServiceControlGroup.unitName))
        let (level, message) = report.message
        log.log(level, message)
        return .released
    }
}
