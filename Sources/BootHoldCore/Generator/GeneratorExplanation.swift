extension GeneratorOutput {
    /// What `boothold-generator --explain` prints: per profile and path the decision and its
    /// evidence (after what was learned about the machine as a whole), then every file's full
    /// text and every link.
    public func explanation() -> String {
        var text = ""
        for fact in facts { text += fact + "\n" }
        if decisions.isEmpty {
            text += "No profiles planned.\n"
            for diagnostic in diagnostics { text += "  " + diagnostic.message + "\n" }
        }
        for decision in decisions {
            text += "\(decision.name): \(decision.summary)\n"
            for path in decision.paths { text += "  " + path.summary + "\n" }
            if let reason = decision.triggerReason { text += "  Trigger=auto: " + Display.escaped(reason) + "\n" }
            for note in decision.dropInNotes { text += "  drop-in: " + Display.escaped(note) + "\n" }
            if let reason = decision.heldFromStartReason { text += "  held from the start until stopped: " + Display.escaped(reason) + "\n" }
        }
        for file in files {
            text += "\n==> \(file.relativePath) <==\n" + file.contents
        }
        if !links.isEmpty { text += "\n" }
        for link in links {
            text += "==> \(link.relativePath) -> \(link.target)\n"
        }
        return text
    }
}
