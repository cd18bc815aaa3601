"""Reports: what a report holds (content) and how each format shows it (render)."""
