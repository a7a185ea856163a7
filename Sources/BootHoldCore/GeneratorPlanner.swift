public enum GeneratorPlanner {
    /// Every path the reader must probe (unit states, mount point states): profiles' Paths plus /boot and /efi.
    public static func pathsToProbe(_ profiles: [StagedProfile]) -> [String] { ["/boot", "/efi"] }
    public static func plan(_ snapshot: MachineSnapshot, libexecDirectory: String) -> GeneratorOutput {
        GeneratorOutput()
    }
}
