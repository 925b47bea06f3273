"""The ISP node: match this ISP's logs against the hub's intelligence, and the hub's side of it.

At a node, ``run_node`` (``runner``; scheduled by ``tasks.run_node_match``) pulls the
indicators and events from the hub (``hub_client``), matches the configured log directory
with ``cleannet.engines.matching``, keeps the findings (``NodeFinding``, merged across runs)
and a ``NodeRun`` per run, and sends the hub the per-day counts, never an identity. At the
hub, ``replace_daily_counts`` stores what nodes send (``NodeDailyCount``).

The door is ``cleannet.server.node.services``; models are read directly, written only
through services.
"""
