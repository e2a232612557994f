"""The events blueprint, one module per phase of a pitching event: setup (create, edit, see),
registration (invite enterprises, attendance, investor seats, availability, preferences),
schedule (build, edit, publish, agendas and calendars), judging (sheet, judges, scores,
ranking, feedback) and outcomes. Every route is an endpoint of the one `events` blueprint."""

from marketplace.events.views import judging, outcomes, registration, schedule, setup
from marketplace.events.views.common import bp

__all__ = ["bp", "judging", "outcomes", "registration", "schedule", "setup"]
