public enum MountPath {
    public static func normalize(_ raw: String) -> String? { raw }
}
