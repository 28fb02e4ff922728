"""Models of the buyer_requests app; built by its own issue."""
