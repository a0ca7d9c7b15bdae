"""The contact-center floor: queues and members, rooms and participants, recordings.

:mod:`.source` reads the floor within a request budget, :mod:`.actions` acts on it (hold, mute,
remove, end, dequeue, listen/whisper/barge, warm transfer, recording pause), :mod:`.settings`
reads ``[supervisor]`` and ``[floor]`` from config.toml. No Textual here.
"""
