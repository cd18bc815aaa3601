"""Pull-sync from the sibling services: the export contract they serve (contract), what their records
become (mapping), the HTTP client that reads them (client) and one run of a sync (runner)."""
