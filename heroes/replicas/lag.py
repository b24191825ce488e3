"""How old the replica's data may be, measured at most once a second per process.

On a standby, the lag is 0 when it has replayed all the WAL it received, else the time since
the last transaction it replayed was committed on the primary. The time since the last replay
alone would keep growing on a standby that has replayed everything while nothing is written.
Between measurements the age of the last one is added to it, so the estimate never
understates the lag. A replica that fails a measurement or a read is left alone for a few
seconds (DOWN_SECONDS): reads go to the primary meanwhile.
"""

import math
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
# How long a measurement is used before the next one.
CHECK_INTERVAL = 1.0
# How long reads stay off a replica that failed.
DOWN_SECONDS = 5.0

LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')
END
"""


class ReplicaState:
    """The process's last measurement of the replica's lag, and until when it counts as down."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.lag = math.inf
        self.measured_at = -math.inf
        self.down_until = -math.inf

    def record(self, lag: float, measured_at: float) -> None:
        self.lag, self.measured_at = lag, measured_at

    def mark_down(self) -> None:
        self.down_until = time.monotonic() + DOWN_SECONDS
        self.measured_at = -math.inf  # measured again once it is back

    def estimate(self, now: float) -> float:
        """The lag now at most: the last measurement plus its age."""
        return self.lag + max(0.0, now - self.measured_at)


state = ReplicaState()


def replica_fresh() -> bool:
    """Whether the replica is up and its data at most REPLICA_MAX_LAG seconds old."""
    now = time.monotonic()
    if now < state.down_until:
        return False
    if now - state.measured_at >= CHECK_INTERVAL:
        with state.lock:
            # Another thread may have measured while this one waited.
            if time.monotonic() - state.measured_at >= CHECK_INTERVAL:
                measure()
        if time.monotonic() < state.down_until:
            return False
    return state.estimate(time.monotonic()) <= settings.REPLICA_MAX_LAG


def measure() -> None:
    """Measures the replica's lag now, or marks it down when it cannot say."""
    started = time.monotonic()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = float(cursor.fetchone()[0])
    except DatabaseError:
        mark_down()
        return
    # Dated from before the query, so its age is counted in full.
    state.record(lag, started)


def mark_down() -> None:
    """Keeps reads off the replica for DOWN_SECONDS."""
    state.mark_down()
