"""Failed log-ins per account: first slowed down, then a temporary lock for the failing networks.

The per-network limit (Flask-Limiter on the log-in route) stops one address from guessing; this
stops many addresses guessing one account, without letting anyone lock its owner out:

- every failure for an account (known or not: the answer must not tell) is counted for
  `lock_minutes` from the first one, and the network it came from is marked;
- after `slow_after` failures the account takes one attempt per `slow_seconds`, from anywhere;
- after `lock_after` failures the account is locked for `lock_minutes`, but only for networks
  that failed on it: its owner, from a network that has not failed, still logs in with the
  right password (through the slow-down). An attacker can at worst slow the owner down, and
  only while using fresh networks; a lock always ends by itself.

Counters live in the rate-limit store (`limits` storage: the SQLite file or Redis), shared by
every worker and server. Networks are IPv4 addresses and IPv6 /64 prefixes.
"""
from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from limits.storage import Storage
from sqlalchemy import select
from sqlalchemy.orm import Session

from crowdcat.models import User
from crowdcat.services import audit

SLOWED = "login.slowed"
LOCKED = "login.locked"


@dataclass(frozen=True)
class Policy:
    """When an account is slowed down and locked."""

    slow_after: int = 5
    slow_seconds: int = 30
    lock_after: int = 10
    lock_minutes: int = 15


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused before its password is checked, and for how long."""

    locked: bool  # False: slowed down
    retry_after: int  # seconds

    @property
    def minutes(self) -> int:
        """retry_after in whole minutes, rounded up."""
        return max(1, math.ceil(self.retry_after / 60))


def network_of(address: str | None) -> str:
    """The network an address counts as: an IPv4 address or an IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class LoginThrottle:
    """Counts failed log-ins per account in a shared store and decides refusals."""

    def __init__(self, storage: Storage, policy: Policy, prefix: str = "crowdcat") -> None:
        self.storage = storage
        self.policy = policy
        self.prefix = prefix

    def _keys(self, email: str, network: str) -> tuple[str, str, str, str]:
        """The account's failure, lock and slow-down counters, and the network's mark."""
        account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        base = f"{self.prefix}/login/{account}"
        return f"{base}/failures", f"{base}/lock", f"{base}/slow", f"{base}/net/{network}"

    def _left(self, key: str) -> int:
        """Seconds until a counter's window ends (at least 1)."""
        return max(1, math.ceil(self.storage.get_expiry(key) - time.time()))

    def check(self, email: str, network: str) -> Refusal | None:
        """Before the password is checked: a refusal, or None to go on."""
        failures, lock, slow, mark = self._keys(email, network)
        if self.storage.get(lock) and self.storage.get(mark):
            return Refusal(locked=True, retry_after=self._left(lock))
        # Slowed down: the first attempt of each slow_seconds window goes through.
        if (self.storage.get(failures) >= self.policy.slow_after
                and self.storage.incr(slow, self.policy.slow_seconds) > 1):
            return Refusal(locked=False, retry_after=self._left(slow))
        return None

    def failed(self, email: str, network: str) -> tuple[int, str | None]:
        """Count a failure; return the account's failures and SLOWED/LOCKED when one began."""
        failures, lock, _slow, mark = self._keys(email, network)
        window = self.policy.lock_minutes * 60
        count = self.storage.incr(failures, window)
        self.storage.incr(mark, window)
        if count >= self.policy.lock_after and self.storage.incr(lock, window) == 1:
            return count, LOCKED
        if count == self.policy.slow_after:
            return count, SLOWED
        return count, None

    def succeeded(self, email: str, network: str) -> None:
        """A right password: this network's earlier failures on the account are forgiven."""
        self.storage.clear(self._keys(email, network)[3])

    def unlock(self, email: str) -> None:
        """Lift an account's lock and slow-down at once (an administrator's decision)."""
        failures, lock, slow, _mark = self._keys(email, "")
        for key in (failures, lock, slow):
            self.storage.clear(key)


def record(session: Session, email: str, event: str, failures: int, network: str) -> bool:
    """Audit a slow-down or lock of a known account (actor: nobody); False for unknown ones."""
    user_id = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    if user_id is None:
        return False
    audit.record(session, actor=None, action=event, object_type="user", object_id=user_id,
                 after={"failures": failures, "network": network})
    session.flush()
    return True
