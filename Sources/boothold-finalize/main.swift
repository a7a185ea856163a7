import CBootHold
import FinalizeTool

exit(FinalizeTool.main(CommandLine.arguments))
