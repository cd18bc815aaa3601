"""Advanced analytics (spec/003): the engine (analytics.engine) over metric series read from the rollups."""
