"""The hub side of the scanner's signed signature bundles: build, sign, store, serve."""
