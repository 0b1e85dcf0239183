"""Errors whose messages tell the user how to fix the problem; translated at the edge (cli, app)."""


class CoachError(Exception):
    """Base class: anything the coach can explain to its user."""


class BadInput(CoachError):
    """The user's input cannot be used as it is (exit code 2 on the command line)."""


class DataDirError(CoachError):
    """The data directory cannot be created or written."""


class ConfigError(CoachError):
    """A setting is missing or contradicts another."""


class IndexUnavailable(CoachError):
    """The vector store cannot be reached or opened."""
