"""The leak check: the breach registry, its hash stores and the three look-ups.

See ``services`` for what other code may call.
"""
