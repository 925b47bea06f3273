"""Brand protection at the hub: the brand registry with domain control, lookalike alerts,
confirmed fake sites, the blocklists resolvers load and the URL-check API.

Doors: ``services`` (register_brand, add/remove_official_domain, check_domain_control,
current_scorer), ``alerts`` (record_names, confirm_alert, dismiss_alert,
record_reported_fake, confirmed_fakes) and ``urlcheck`` (check_url and the hash-prefix
list). Models are read directly and written only through those.
"""
