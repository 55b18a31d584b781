"""The paired-speedup report: asv results in, Markdown, an HTML page and charts in the site out."""
