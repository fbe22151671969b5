"""The command line: parses arguments, builds a run, picks reporters, sets the exit code."""
