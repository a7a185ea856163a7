import BootHoldCore
import BootHoldSystem

/// Is the paired finalize unit running its `ExecStop=` right now? ostree's finalization
/// unlinks the staged file before it writes `/boot` (reference/ostree-finalize.md §2.2), so a
/// staged file that vanishes *then* means "finalizing", not "unstaged": letting go at that
/// moment would let `/boot` expire under the running finalization, the very thing the hold is
/// for (ostree#2543). The finalize unit has processes only while its stop command runs.
enum FinalizationInProgress {
    /// Why a vanished staged file must not release now ("x.service is finalizing"), or nil
    /// when it may: also nil when the hold was not told a finalize unit (`--finalize-unit`),
    /// or does not run as a service beside it.
    static func reasonToKeepHolding(finalizeUnit: String?) -> String? {
        guard let finalizeUnit, let own = ControlGroupProcesses.ownPath(),
              let finalize = ServiceControlGroup.sibling(finalizeUnit, of: own) else { return nil }
        let unit = ServiceControlGroup.unitName(finalize)
        switch ControlGroupProcesses.of(finalize) {
        case .none: return nil
        case .running: return "\(unit) is finalizing (which removes it)"
        // Holding on is the safe side: a missed hold loses an update.
        case .unknown: return "\(unit) may be finalizing (no cgroup hierarchy to ask)"
        }
    }
}
