"""In-app notifications, shared by every domain: a row per recipient and the e-mail with it.

Public API (`marketplace.notifications.services`): `notify` tells users about something,
`latest_for` lists a user's notifications, `mark_all_read` marks them read and `text_of`
renders one in the reader's language. The kinds and their texts live in `services.py`.
This package sits with the shared modules: it imports no business domain, so every domain
(programmes, matching, events, …) may call it.
"""
