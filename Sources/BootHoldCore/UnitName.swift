public enum UnitName {
    public static func escapingPath(_ path: String) -> String? { nil }
    public static func fromPath(_ path: String, suffix: String) -> String? { nil }
}
