"""Committee reports: reads over the rules engine for any as-at date (report.py), and the files a
clerk takes to a meeting (docx.py, pdf.py, spreadsheets.py). Every figure is the engine's, the same
as the pages show for that date."""
