"""The hub side of the scanner: signed signature bundles (build, sign, store, serve) and the
scan reports citizens choose to upload."""
