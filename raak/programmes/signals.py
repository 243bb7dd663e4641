"""Events of a programme other apps react to without this app knowing them (raak/core
sends the messages about them). Sent inside the change's transaction, so what a
receiver writes commits or rolls back with the change."""

from django.dispatch import Signal

# round=Round, user=who published it
round_published = Signal()
# round=Round, old=date or None, new=date or None, user=who changed it
round_deadline_changed = Signal()
