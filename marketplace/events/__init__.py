"""Pitching events: registration, a fair optimal schedule, publishing, judging and outcomes.

The timetable itself is built by the pure scheduler in `marketplace.events.scheduling`; this
package holds everything around it that touches the database, the mail seam and the pages.
"""
