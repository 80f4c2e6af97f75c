"""Files for people outside the console: the monthly report (XLSX), the queue as CSV and
the SP4N-LAPOR! export. No flask: the console, the CLI and the monthly e-mail call it."""
