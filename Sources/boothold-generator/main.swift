import CBootHold
import GeneratorTool

exit(GeneratorTool.main(CommandLine.arguments))
