"""Personal data rights under UU PDP (UU 27/2022, issue 16): consent per purpose with its
history, retention, breach notices, requests for a copy of one's data and corrections, each with
its legal deadline and the record of its answer. See docs/privacy.md.

It reads every domain's tables (the export walks them all), so it sits at the app level
(tests/test_layers.py), beside admin and backups.
"""
