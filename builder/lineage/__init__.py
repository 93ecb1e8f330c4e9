"""Lineage: where an app version came from — its prompts, models, adapters, data, reviews,
experiments and label moves — read across the other apps. A read-only layer above them."""
