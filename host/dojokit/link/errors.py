"""What can go wrong on a link, each with one plain sentence from the message catalogs."""

from __future__ import annotations

from dojokit.i18n import t


class LinkError(Exception):
    """A problem a mentor or child can act on. `str()` is the sentence to show."""

    key = "link.error"

    def __init__(self, **fields: object) -> None:
        super().__init__(self.key)
        self.fields = fields

    def __str__(self) -> str:
        return t(self.key, **self.fields)


class UnknownKit(LinkError):
    key = "link.unknown_kit"


class KitNotAvailable(LinkError):
    key = "link.kit_not_available"


class PortProblem(LinkError):
    """Opening a serial port failed; `key` is chosen from the diagnosis."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        super().__init__(**fields)


class NoAnswer(LinkError):
    key = "link.no_answer"


class NotDojokit(LinkError):
    key = "link.not_dojokit"


class VersionMismatch(LinkError):
    key = "link.version_mismatch"


class LinkLost(LinkError):
    key = "link.lost"


class CommandTimeout(LinkError):
    key = "link.command_timeout"


class Refused(LinkError):
    key = "link.refused"

    def __init__(self, reason: int, command: str) -> None:
        super().__init__(reason=reason, command=command)
        self.reason = reason
