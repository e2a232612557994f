"""Backups: `flask backup create | verify | restore` (see services.py for the archive's rules)."""
