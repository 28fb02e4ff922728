"""Models of the escrow app; built by its own issue."""
