"""Type aliases and the audit event shape shared by the stubs and the package."""

import datetime
import os
from typing import Callable, List, Literal, TypedDict, Union


#: A point in time: int unix seconds, or an aware ``datetime.datetime`` (naive ones are refused).
TimeLike = Union[int, datetime.datetime]

#: A secret: raw bytes, or base32 text as people paste it (any case, spaces, dashes, padding).
SecretLike = Union[bytes, str]

#: Where an issuer writes its audit trail: a callable or the path of a JSON-lines file.
StrPath = Union[str, "os.PathLike[str]"]


class AuditEvent(TypedDict):
    """One issuance or refusal, with the keys of the JSON-lines audit format.

    It names who asked, for which account and why; it never holds the code or any secret.
    """

    time: int
    outcome: Literal[
        "issued",
        "refused_rate_limited",
        "refused_revoked",
        "revoked",
        "reenrolled",
        "customer_verified",
        "customer_not_verified",
        "customer_already_used",
        "customer_locked_out",
        "customer_misheard",
    ]
    account_id: str
    agent_id: str
    ticket: str
    step: int
    epoch: int


#: A callable audit sink: receives each batch of events, raises to refuse issuance.
AuditCallback = Callable[[List[AuditEvent]], None]
