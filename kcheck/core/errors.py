"""Errors that stop a run with exit code 2 (usage or configuration). Problems in manifests are findings."""


class KcheckError(Exception):
    """A problem with how kcheck was called or configured; the message is shown to the user as is."""


class ConfigError(KcheckError):
    """The configuration file or a command-line option is invalid."""


class UsageError(KcheckError):
    """The command line asks for something impossible (unknown rule id, unreadable path, bad format)."""
