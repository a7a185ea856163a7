import CBootHold
import BootHoldCore
import BootHoldJournal
import BootHoldSystem

/// One shutdown-time finalization: check (mounting a path nothing serves) → lock → record →
/// run → unmount → record.
struct FinalizeRun {
    let request: RunRequest
    let log: Logger
    /// Read once: every record of this attempt names the same boot.
    let bootID = currentBootID()

    private var records: OutcomeLog {
        OutcomeLog(name: request.name, staged: request.staged, stateDirectory: request.stateDirectory, log: log)
    }

    func execute() -> Int32 {
        let start = MonotonicInstant.now()
        let deadline = Deadline.after(request.timeout, from: start)

        guard DurableFile.exists(request.staged) else {
            log.info("nothing staged for \(request.name): \(request.staged) does not exist")
            return FinalizeExitCode.success
        }
        let records = self.records
        records.clearPrevious()

        // Blocked from here on, so a SIGTERM from systemd during the checks or the lock wait
        // is queued and handled, never the default "die without a result".
        let inbox: SignalInbox
        do {
            inbox = try SignalInbox(blocking: [SIGCHLD, SIGTERM, SIGINT])
        } catch {
            return fail(records, reason: "cannot set up signal handling: \(error)", status: FinalizeExitCode.internalError)
        }

        // Whatever boothold-finalize mounted itself is synced and unmounted before the result
        // is recorded, on every path out.
        let ownMounts = OwnMounts(records: records, log: log)
        var reached: [ReachedPath] = []
        for path in request.required {
            let check = RequiredPathCheck(path: MountPath.normalize(path) ?? path, profile: request.name, log: log)
            switch check.reach(until: deadline, timeout: request.timeout, inbox: inbox, ownMounts: ownMounts) {
            case .reached(let how):
                log.debug(how.summary)
                reached.append(how)
            case .unreachable(let problem):
                ownMounts.releaseAll()
                let result = resultRecord(.unreachable, reason: problem, reached: reached)
                records.writeResult(result, message: sentence("Not finalizing \(request.name): \(problem)"), level: .error,
                                    extraFields: [JournalField("BOOTHOLD_PATH", path)])
                return FinalizeExitCode.unreachable
            }
        }

        var lock: ExclusiveLock?
        if let lockPath = request.lock {
            switch acquireLock(lockPath, until: deadline, inbox: inbox, records: records, reached: reached) {
            case .success(let held): lock = held
            case .failure(let status):
                ownMounts.releaseAll()
                return status
            }
        }
        defer { lock?.release() }

        return runCommand(records: records, inbox: inbox, deadline: deadline, reached: reached, ownMounts: ownMounts)
    }

    private enum LockResult {
        case success(ExclusiveLock)
        case failure(Int32)
    }

    private func acquireLock(_ path: String, until deadline: Deadline, inbox: SignalInbox, records: OutcomeLog, reached: [ReachedPath]) -> LockResult {
        let attempt: ExclusiveLock.Attempt
        do {
            attempt = try ExclusiveLock.acquire(path, until: deadline, inbox: inbox)
        } catch {
            return .failure(fail(records, reason: "cannot lock \(path): \(error)", status: FinalizeExitCode.internalError, reached: reached))
        }
        let reason: String
        switch attempt {
        case .acquired(let lock):
            log.debug("locked \(path)")
            return .success(lock)
        case .timedOut:
            reason = "\(path) is still locked by another process after \(request.timeout)"
        case .interrupted(let signal):
            reason = "received \(signalName(signal)) while waiting for the lock on \(path)"
        }
        let result = resultRecord(.locked, reason: reason, reached: reached)
        records.writeResult(result, message: sentence("Not finalizing \(request.name): \(reason)"), level: .error,
                            extraFields: [JournalField("BOOTHOLD_LOCK", path)])
        return .failure(FinalizeExitCode.locked)
    }

    private func runCommand(
        records: OutcomeLog, inbox: SignalInbox, deadline: Deadline, reached: [ReachedPath], ownMounts: OwnMounts
    ) -> Int32 {
        // Every way out below has the command gone: the own mounts go before the result.
        defer { ownMounts.releaseAll() }
        let commandLine = request.command.joined(separator: " ")
        records.writeStarted(StartedRecord(
            name: request.name, staged: request.staged, command: request.command,
            startedRealtimeMicroseconds: WallClock.nowMicroseconds(), bootID: bootID, pid: getpid(), reached: reached))

        let spawned = MonotonicInstant.now()
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(request.command)
        } catch {
            let status: Int32
            switch error.errno {
            case .noSuchFileOrDirectory, .notDirectory: status = FinalizeExitCode.notFound
            case .permissionDenied, Errno(rawValue: ENOEXEC): status = FinalizeExitCode.cannotExecute
            default: status = FinalizeExitCode.internalError
            }
            ownMounts.releaseAll()
            return fail(records, reason: "cannot run \(request.command[0]): \(error.errno)", status: status, reached: reached)
        }

        let ending: CommandEnding
        do {
            ending = try wait(for: child, inbox: inbox, deadline: deadline)
        } catch {
            // Only a failing waitpid/poll/read gets here; the command may still be running.
            child.send(SIGKILL)
            return fail(records, reason: "lost track of \(commandLine): \(error)", status: FinalizeExitCode.internalError, reached: reached)
        }

        let duration = MonotonicInstant.now().since(spawned)
        let stagedAfter = DurableFile.exists(request.staged)
        ownMounts.releaseAll()
        let verdict = CommandVerdict(termination: ending.termination, deadlineExpired: ending.stoppedAt != nil)
        var result = resultRecord(verdict.outcome, reason: ending.reason(command: request.command[0], timeout: request.timeout),
                                  reached: reached)
        switch ending.termination {
        case .exited(let status): result.exitStatus = status
        case .signaled(let signal): result.signal = signal
        }
        result.duration = duration
        // Only for an updater that removes FILE when it applies the deployment does FILE
        // still being there mean "not applied".
        if !request.stagedKept { result.stagedAfter = stagedAfter }

        let message: String
        let level: LogLevel
        if result.notApplied {
            message = "Finalizing \(request.name): " + ResultRecord.notAppliedSentence(staged: request.staged) + "."
            level = .warning
        } else if verdict.outcome == .succeeded {
            let fallbacks = reached.filter { $0.how == .mountedByFinalize }.map { "\($0.path) was mounted by boothold-finalize" }
            message = "Finalized \(request.name) in \(duration)" + (fallbacks.isEmpty ? "" : "; " + fallbacks.joined(separator: ", ")) + "."
            level = .info
        } else {
            message = "Finalizing \(request.name) \(verdict.outcome.pastTense): \(result.reason) after \(duration)."
            level = .error
        }
        records.writeResult(result, message: message, level: level)
        return verdict.exitStatus
    }

    /// Records an attempt that boothold-finalize itself could not carry through.
    private func fail(_ records: OutcomeLog, reason: String, status: Int32, reached: [ReachedPath] = []) -> Int32 {
        let result = resultRecord(.failed, reason: reason, reached: reached)
        records.writeResult(result, message: "Finalizing \(request.name) failed: \(reason).", level: .error)
        return status
    }

    /// `text` ended with a full stop unless it already ends with "?" or ".".
    private func sentence(_ text: String) -> String {
        text.hasSuffix("?") || text.hasSuffix(".") ? text : text + "."
    }

    private func resultRecord(_ outcome: FinalizeOutcome, reason: String, reached: [ReachedPath] = []) -> ResultRecord {
        ResultRecord(
            name: request.name, staged: request.staged, outcome: outcome, reason: reason,
            finishedRealtimeMicroseconds: WallClock.nowMicroseconds(), bootID: bootID, reached: reached)
    }

    /// Waits for the command: forwards SIGTERM/SIGINT, stops it at the deadline with SIGTERM
    /// and, after the grace, SIGKILL. Only the command's own pid is signalled, never its
    /// process group: ostree forks a watchdog that thaws /boot after a FIFREEZE if its parent
    /// dies, and killing that too could leave /boot frozen.
    private func wait(for child: ChildProcess, inbox: SignalInbox, deadline: Deadline) throws(SystemCallError) -> CommandEnding {
        var ending = CommandEnding()
        var current = deadline
        while true {
            if let termination = try child.reapIfEnded() {
                ending.termination = termination
                return ending
            }
            switch try inbox.wait(until: current) {
            case .signal(SIGCHLD):
                continue
            case .signal(let signal):
                log.notice("received \(signalName(signal)), forwarding it to \(request.command[0]) (pid \(child.pid))")
                ending.forwarded = signal
                child.send(signal)
            case .deadline where ending.stoppedAt == nil:
                let grace = ShutdownBudget.killGrace(commandDeadline: request.timeout)
                log.error("\(request.command[0]) did not finish within \(request.timeout): sending SIGTERM, SIGKILL in \(grace)")
                ending.stoppedAt = SIGTERM
                child.send(SIGTERM)
                current = Deadline.after(grace)
            case .deadline:
                log.error("\(request.command[0]) is still running after SIGTERM: sending SIGKILL")
                ending.stoppedAt = SIGKILL
                child.send(SIGKILL)
                current = .never
            }
        }
    }
}

/// How the command ended and what boothold-finalize did to it on the way.
struct CommandEnding {
    var termination: CommandTermination = .exited(status: 0)
    /// The last signal forwarded from boothold-finalize's own SIGTERM/SIGINT.
    var forwarded: Int32?
    /// The strongest signal sent because of the deadline.
    var stoppedAt: Int32?

    func reason(command: String, timeout: TimeSpan) -> String {
        if let stoppedAt {
            return "\(command) did not finish within \(timeout) and was stopped with \(signalName(stoppedAt))"
        }
        switch termination {
        case .exited(0):
            return "\(command) exited successfully"
        case .exited(let status):
            return "\(command) exited with status \(status)"
        case .signaled(let signal):
            let forwardedNote = forwarded.map { " (boothold-finalize had forwarded \(signalName($0)) to it)" } ?? ""
            return "\(command) was killed by \(signalName(signal))\(forwardedNote)"
        }
    }
}
