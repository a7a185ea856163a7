public enum ProfileConfiguration {
    public static func parse(_ files: [ConfigurationFile]) -> (profiles: [StagedProfile], diagnostics: [Diagnostic]) {
        ([], [])
    }
}
