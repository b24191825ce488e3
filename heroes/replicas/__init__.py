"""Reads on PostgreSQL standbys (DATABASE_REPLICA_URL), with read-your-writes and failover.

The middleware says which requests may read from the replica: safe requests from anonymous
clients (no Authorization header, no session cookie). The router sends their reads there
while the replica's data is fresh enough (heroes.replicas.lag), and everything else to the
primary: writes, migrations, reads inside a transaction, and every request of a client
that shows who it is, so a writer always reads its own writes whatever the replica's lag.
docs/operations/replicas.md says why, and what it costs.
"""
