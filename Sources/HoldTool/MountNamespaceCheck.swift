import BootHoldCore
import BootHoldSystem

/// autofs counts a mount as busy only for processes in the mount namespace it belongs to
/// (Red Hat BZ 2056090), so a hold started inside a unit's private namespace (sandboxing
/// options, or ExecStart= without "+") would hold nothing and say nothing. Refuse it instead.
enum MountNamespaceCheck {
    /// nil when this process shares PID 1's mount namespace, else the message to fail with.
    static func refusal() -> (HoldExitStatus, String)? {
        let own: MountNamespace
        let init_: MountNamespace
        do {
            own = try MountNamespace.of(process: "self")
            init_ = try MountNamespace.of(process: "1")
        } catch {
            return (.wrongMountNamespace,
                    "Cannot tell whether this is PID 1's mount namespace: \(error). "
                        + "boothold-hold must run as root, from a unit with ExecStart=+…")
        }
        guard own != init_ else { return nil }
        return (.wrongMountNamespace,
                "Refusing to hold: running in mount namespace \(own), not in PID 1's (\(init_)); "
                    + "autofs ignores busy mounts in other mount namespaces, so nothing would stay "
                    + "mounted. Start boothold-hold with '+' in ExecStart= (ExecStart=+…) and remove "
                    + "sandboxing options (PrivateTmp=, ProtectSystem=, ProtectHome=, ReadOnlyPaths=, "
                    + "PrivateMounts=, …) from the unit")
    }
}
