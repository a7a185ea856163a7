#if canImport(Glibc)
import Glibc
#endif

// Top-level code stays a single call: top-level variables in main.swift pull the
// concurrency runtime into a static binary (+0.8 MB).
exit(Applet.dispatch(CommandLine.arguments))
