"""Use cases: what the API and the consumers ask of the domain."""
