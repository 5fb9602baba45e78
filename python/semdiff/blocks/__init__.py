"""Python GNU Radio blocks: thin adapters over the torch core and small test/demo utilities."""
