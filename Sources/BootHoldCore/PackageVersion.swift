/// The version every boothold executable prints for `--version`.
public enum PackageVersion {
    public static let current = "0.1.0"
}
