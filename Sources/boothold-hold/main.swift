import CBootHold
import HoldTool

exit(HoldTool.main(CommandLine.arguments))
