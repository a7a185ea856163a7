#if canImport(Glibc)
import Glibc
#endif
import FinalizeTool

exit(FinalizeTool.main(CommandLine.arguments))
