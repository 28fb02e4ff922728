"""Models of the messaging app; built by its own issue."""
