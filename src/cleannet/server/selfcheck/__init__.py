"""The public self-checks ("Is my IP infected?"), the free tools page and the statistics."""
