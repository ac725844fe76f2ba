namespace ResNetService.Trainer.Cli;

/// <summary>
/// A problem the user can fix (a missing file, a corrupt data set, a bad option). The CLI prints its message
/// as one line and exits non-zero; it never shows a stack trace for it.
/// </summary>
public sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
