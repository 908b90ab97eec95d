"""Free NK Bibles for leaders of existing NK discipleship ministries, and for defectors.

Eligibility in the ministry's own terms, the request workflow (an explicit state machine),
verification photos, inventory, reminders and reports. Recipients' names and contact
details are never asked for and never stored.
"""
