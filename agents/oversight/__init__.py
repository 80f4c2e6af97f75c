"""The console's oversight pages: the escalation ladder (the regional leadership's
overview, dispositions, the admin's thresholds) and the trusted community reporters
(the admin's registry, the supervisor's counts by area and reporter)."""
