"""Reporting: the dashboard and its summary table, the supervisor's report, the monthly
report (XLSX and print), the queue CSV and the SP4N-LAPOR! fields and export.

No flask here: the console's pages (``agents``) and the CLI call these.
"""
