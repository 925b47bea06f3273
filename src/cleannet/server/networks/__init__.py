"""Who holds which addresses: autonomous systems, prefixes over time, abuse contacts.

The door is ``cleannet.server.networks.services`` (state changes and the ``owner_of`` /
``owners_of`` attribution); models are read directly, written only through services.
"""
