"""Models of the reviews app; built by its own issue."""
