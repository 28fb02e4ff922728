"""Models of the services app; built by its own issue."""
