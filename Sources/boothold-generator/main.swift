#if canImport(Glibc)
import Glibc
#endif
import GeneratorTool

exit(GeneratorTool.main(CommandLine.arguments))
