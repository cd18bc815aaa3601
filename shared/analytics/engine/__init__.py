"""The analytics engine: pure numpy functions over arrays (forecasts, anomalies, relationships,
clusters), used by the API and the benchmarks alike."""
