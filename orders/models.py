"""Models of the orders app; built by its own issue."""
