"""Reports for people: one checked report as an HTML page, and a batch of reports as a workbook,
a dashboard and a draft circular (通报). Pure functions over validator.check.Report and plain
data; see docs/reports.md for the data the batch functions take."""
