#if canImport(Glibc)
import Glibc
#endif
import HoldTool

exit(HoldTool.main(CommandLine.arguments))
