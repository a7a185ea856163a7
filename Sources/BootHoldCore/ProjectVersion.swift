/// The version every boothold executable reports with `--version`.
public enum ProjectVersion {
    public static let string = "0.1.0"
}
